#include "stitcher_wrap.h"

#include <algorithm>
#include <string>
#include <vector>

#include "blocking_worker.h"
#include "js_convert.h"
#include "source_pool_wrap.h"
#include "jpeg_snapshot.h"

namespace mosaic {
namespace {

// At 25 fps this is over a second of video; past it JS is not keeping up and units are dropped
// (counted, and a keyframe requested so viewers recover) rather than queued without bound.
constexpr size_t kAccessUnitQueue = 64;
constexpr size_t kStateQueue = 256;

// An output's state change, on its way to the JS thread.
struct StateEvent {
  std::string name;
  std::string state;
  std::string error;
  const char* kind;  // "output", or "tile" (state "problem"); cameras' come from their SourcePool
};

class SnapshotWorker : public Napi::AsyncWorker {
 public:
  SnapshotWorker(Napi::Env env, std::shared_ptr<Stitcher> stitcher, SnapshotOptions options)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        stitcher_(std::move(stitcher)),
        options_(options) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Execute() override {
    FramePtr canvas = stitcher_->CopyCanvas();
    std::string error;
    if (!canvas) {
      SetError("cannot copy the canvas");
    } else if (!EncodeJpeg(canvas.get(), options_, &jpeg_, &error)) {
      SetError(error);
    }
  }
  void OnOK() override {
    deferred_.Resolve(Napi::Buffer<uint8_t>::Copy(Env(), jpeg_.data(), jpeg_.size()));
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<Stitcher> stitcher_;
  SnapshotOptions options_;
  std::vector<uint8_t> jpeg_;
};

void DeliverAccessUnit(Napi::Env env, Napi::Function callback, AccessUnit* unit) {
  if (env != nullptr && callback != nullptr) {
    // The bytes move into the Buffer without a copy; its finalizer frees them.
    auto* bytes = new std::vector<uint8_t>(std::move(unit->data));
    Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::New(
        env, bytes->data(), bytes->size(),
        [](Napi::Env, uint8_t*, std::vector<uint8_t>* owned) { delete owned; }, bytes);
    callback.Call({data, Napi::Number::New(env, static_cast<double>(unit->pts)),
                   Napi::Boolean::New(env, unit->keyframe), Napi::Number::New(env, unit->rendition)});
  }
  delete unit;
}

void DeliverState(Napi::Env env, Napi::Function callback, StateEvent* event) {
  if (env != nullptr && callback != nullptr) {
    callback.Call({Napi::String::New(env, event->name), Napi::String::New(env, event->state),
                   Napi::String::New(env, event->error), Napi::String::New(env, event->kind)});
  }
  delete event;
}

}  // namespace

Napi::Function StitcherWrap::Define(Napi::Env env) {
  return DefineClass(env, "Stitcher",
                     {InstanceMethod("start", &StitcherWrap::Start),
                      InstanceMethod("stop", &StitcherWrap::Stop),
                      InstanceMethod("setLayout", &StitcherWrap::SetLayout),
                      InstanceMethod("requestKeyframe", &StitcherWrap::RequestKeyframe),
                      InstanceMethod("setIdle", &StitcherWrap::SetIdle),
                      InstanceMethod("addRendition", &StitcherWrap::AddRendition),
                      InstanceMethod("removeRendition", &StitcherWrap::RemoveRendition),
                      InstanceMethod("snapshot", &StitcherWrap::Snapshot),
                      InstanceMethod("stats", &StitcherWrap::Stats)});
}

StitcherWrap::StitcherWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<StitcherWrap>(info) {
  if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "options must be an object");
  options_ = StitcherOptionsFromJs(info[0].As<Napi::Object>());
  outputs_ = OutputsFromJs(info[0].As<Napi::Object>());
  pool_ = SourcePoolWrap::From(info[1]);
}

StitcherWrap::~StitcherWrap() {
  // Collected without stop(): stop here (blocking, but bounded by the sources' interrupts).
  if (stitcher_) stitcher_->Stop();
  ReleaseCallbacks();
}

void StitcherWrap::ReleaseCallbacks() {
  if (!callbacks_live_) return;
  callbacks_live_ = false;
  on_access_unit_.Release();
  on_output_state_.Release();
}

Napi::Value StitcherWrap::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (stitcher_ || started_) throw Napi::Error::New(env, "already started");
  started_ = true;
  if (!info[0].IsFunction() || !info[1].IsFunction()) {
    throw Napi::TypeError::New(env, "start(onAccessUnit, onOutputState) needs two functions");
  }
  on_access_unit_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(),
                                                  "camera-mosaic access units", kAccessUnitQueue, 1);
  on_output_state_ = Napi::ThreadSafeFunction::New(
      env, info[1].As<Napi::Function>(), "camera-mosaic output states", kStateQueue, 1);
  callbacks_live_ = true;

  StitcherCallbacks callbacks;
  Napi::ThreadSafeFunction units = on_access_unit_;
  Napi::ThreadSafeFunction states = on_output_state_;
  auto dropped = dropped_units_;
  // The Stitcher is only known once constructed; the callback reaches it through this slot.
  auto self = std::make_shared<std::weak_ptr<Stitcher>>();
  callbacks.on_access_unit = [units, dropped, self](AccessUnit&& unit) mutable {
    const int rendition = unit.rendition;
    auto* heap = new AccessUnit(std::move(unit));
    if (units.NonBlockingCall(heap, DeliverAccessUnit) != napi_ok) {
      delete heap;
      dropped->fetch_add(1);
      // The stream after a lost unit does not decode until the next IDR: ask for one now.
      if (auto stitcher = self->lock()) {
        if (rendition == 0) {
          stitcher->RequestKeyframe();
        } else {
          stitcher->RequestRenditionKeyframe(rendition);
        }
      }
    }
  };
  callbacks.on_output_state = [states](const std::string& id, PublisherState state,
                                       const std::string& error) mutable {
    auto* event = new StateEvent{id, PublisherStateName(state), error, "output"};
    if (states.NonBlockingCall(event, DeliverState) != napi_ok) delete event;
  };
  callbacks.on_tile_problem = [states](const TileProblem& problem) mutable {
    auto* event = new StateEvent{problem.camera, "problem", problem.problem, "tile"};
    if (states.NonBlockingCall(event, DeliverState) != napi_ok) delete event;
  };
  try {
    stitcher_ = std::make_shared<Stitcher>(options_, pool_, outputs_, std::move(callbacks));
  } catch (const std::exception& error) {
    ReleaseCallbacks();
    throw Napi::Error::New(env, error.what());
  }
  *self = stitcher_;
  stitcher_->Start();
  return env.Undefined();
}

Napi::Value StitcherWrap::Stop(const Napi::CallbackInfo& info) {
  // Once stopped, the run's encoder (and its x264 threads) and canvas are freed at once rather
  // than whenever the garbage collector finds this object.
  std::shared_ptr<Stitcher> stitcher = stitcher_;
  auto* worker = new BlockingWorker(
      info.This().As<Napi::Object>(), [stitcher] { if (stitcher) stitcher->Stop(); },
      [this] {
        ReleaseCallbacks();
        stitcher_.reset();
      });
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value StitcherWrap::SetLayout(const Napi::CallbackInfo& info) {
  std::vector<TileOptions> tiles = TilesFromJs(info[0]);
  if (stitcher_) stitcher_->SetLayout(tiles);
  options_.tiles = std::move(tiles);
  return info.Env().Undefined();
}

Napi::Value StitcherWrap::RequestKeyframe(const Napi::CallbackInfo& info) {
  const int rendition = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  if (stitcher_ && rendition == 0) stitcher_->RequestKeyframe();
  if (stitcher_ && rendition != 0) stitcher_->RequestRenditionKeyframe(rendition);
  return info.Env().Undefined();
}

Napi::Value StitcherWrap::SetIdle(const Napi::CallbackInfo& info) {
  if (!info[0].IsBoolean()) throw Napi::TypeError::New(info.Env(), "setIdle(idle) needs a boolean");
  if (stitcher_) stitcher_->SetIdle(info[0].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

Napi::Value StitcherWrap::AddRendition(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!stitcher_) throw Napi::Error::New(env, "not started");
  if (!info[0].IsNumber() || info[0].As<Napi::Number>().Int32Value() <= 0) {
    throw Napi::TypeError::New(env, "rendition id must be a positive number");
  }
  const int id = info[0].As<Napi::Number>().Int32Value();
  EncoderOptions options = EncoderOptionsFromJs(info[1], "rendition");
  options.fps = std::min(options.fps, options_.output.fps);
  try {
    stitcher_->AddRendition(std::make_shared<Rendition>(id, options, options_.output.fps));
  } catch (const std::exception& error) {
    throw Napi::Error::New(env, error.what());
  }
  return env.Undefined();
}

Napi::Value StitcherWrap::RemoveRendition(const Napi::CallbackInfo& info) {
  if (stitcher_ && info[0].IsNumber()) stitcher_->RemoveRendition(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value StitcherWrap::Snapshot(const Napi::CallbackInfo& info) {
  if (!stitcher_) throw Napi::Error::New(info.Env(), "not started");
  auto* worker = new SnapshotWorker(info.Env(), stitcher_, SnapshotOptionsFromJs(info[0]));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value StitcherWrap::Stats(const Napi::CallbackInfo& info) {
  if (!stitcher_) throw Napi::Error::New(info.Env(), "not started");
  return StatsToJs(info.Env(), stitcher_->Stats(), dropped_units_->load());
}

}  // namespace mosaic
