#include "source_pool_wrap.h"

#include <string>

#include "addon_data.h"
#include "blocking_worker.h"
#include "js_convert.h"

namespace mosaic {
namespace {

constexpr size_t kStateQueue = 256;

struct CameraStateEvent {
  std::string camera;
  std::string stream;
  std::string state;
  std::string error;
};

struct MotionEvent {
  std::string camera;
  bool active;
  double score;
};

void DeliverMotion(Napi::Env env, Napi::Function callback, MotionEvent* event) {
  if (env != nullptr && callback != nullptr) {
    callback.Call({Napi::String::New(env, event->camera), Napi::Boolean::New(env, event->active),
                   Napi::Number::New(env, event->score)});
  }
  delete event;
}

void DeliverCameraState(Napi::Env env, Napi::Function callback, CameraStateEvent* event) {
  if (env != nullptr && callback != nullptr) {
    callback.Call({Napi::String::New(env, event->camera), Napi::String::New(env, event->state),
                   Napi::String::New(env, event->error), Napi::String::New(env, event->stream)});
  }
  delete event;
}

}  // namespace

Napi::Function SourcePoolWrap::Define(Napi::Env env) {
  return DefineClass(env, "SourcePool",
                     {InstanceMethod("start", &SourcePoolWrap::Start),
                      InstanceMethod("stop", &SourcePoolWrap::Stop),
                      InstanceMethod("stats", &SourcePoolWrap::Stats)});
}

std::shared_ptr<SourcePool> SourcePoolWrap::From(const Napi::Value& value) {
  Napi::Env env = value.Env();
  const AddonData* data = env.GetInstanceData<AddonData>();
  if (!value.IsObject() || !data || !value.As<Napi::Object>().InstanceOf(data->source_pool.Value())) {
    throw Napi::TypeError::New(env, "a SourcePool is required");
  }
  SourcePoolWrap* wrap = Unwrap(value.As<Napi::Object>());
  if (!wrap->pool_) throw Napi::Error::New(env, "the SourcePool is stopped");
  return wrap->pool_;
}

SourcePoolWrap::SourcePoolWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SourcePoolWrap>(info) {
  if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "options must be an object");
  SourcePoolOptions options = SourcePoolOptionsFromJs(info[0].As<Napi::Object>());
  // States reach JS through the thread-safe function once start() made it.
  std::shared_ptr<StateSink> sink = sink_;
  pool_ = std::make_shared<SourcePool>(
      std::move(options),
      [sink](const std::string& camera, const std::string& stream, SourceState state,
             const std::string& error) {
        std::lock_guard<std::mutex> lock(sink->mutex);
        if (!sink->live) return;
        auto* event = new CameraStateEvent{camera, stream, SourceStateName(state), error};
        if (sink->states.NonBlockingCall(event, DeliverCameraState) != napi_ok) delete event;
      },
      [sink](const std::string& camera, bool active, double score) {
        std::lock_guard<std::mutex> lock(sink->mutex);
        if (!sink->live) return;
        auto* event = new MotionEvent{camera, active, score};
        if (sink->motion.NonBlockingCall(event, DeliverMotion) != napi_ok) delete event;
      });
}

SourcePoolWrap::~SourcePoolWrap() {
  // Collected without stop(): stop here (blocking, but bounded by the sources' interrupts).
  if (pool_) pool_->Stop();
  ReleaseCallbacks();
}

void SourcePoolWrap::ReleaseCallbacks() {
  std::lock_guard<std::mutex> lock(sink_->mutex);
  if (!sink_->live) return;
  sink_->live = false;
  sink_->states.Release();
  sink_->motion.Release();
}

Napi::Value SourcePoolWrap::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (started_) throw Napi::Error::New(env, "already started");
  if (!info[0].IsFunction() || !info[1].IsFunction()) {
    throw Napi::TypeError::New(env, "start(onCameraState, onMotion) needs two functions");
  }
  started_ = true;
  {
    std::lock_guard<std::mutex> lock(sink_->mutex);
    sink_->states = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(),
                                                  "camera-mosaic camera states", kStateQueue, 1);
    sink_->motion = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(),
                                                  "camera-mosaic motion", kStateQueue, 1);
    sink_->live = true;
  }
  pool_->Start();
  return env.Undefined();
}

Napi::Value SourcePoolWrap::Stop(const Napi::CallbackInfo& info) {
  std::shared_ptr<SourcePool> pool = pool_;
  auto* worker = new BlockingWorker(
      info.This().As<Napi::Object>(), [pool] { if (pool) pool->Stop(); },
      [this] { ReleaseCallbacks(); });
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value SourcePoolWrap::Stats(const Napi::CallbackInfo& info) {
  return SourcesToJs(info.Env(), pool_ ? pool_->Stats() : std::vector<SourceStats>());
}

}  // namespace mosaic
