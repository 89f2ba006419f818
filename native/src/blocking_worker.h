// Runs blocking native work (joining media threads) off the JS thread and resolves a promise
// once it is done; `on_done` then runs on the JS thread (to release thread-safe functions).
#pragma once

#include <napi.h>

#include <functional>

namespace mosaic {

class BlockingWorker : public Napi::AsyncWorker {
 public:
  // `owner`: the JS object whose native half `work` and `on_done` use (a wrap's stop()). It is
  // held until `on_done` has run: a caller may drop its last reference as soon as it has the
  // promise, and the garbage collector must not finalize the object (and stop it a second time,
  // from the JS thread, while `work` is still stopping it) under the worker.
  BlockingWorker(Napi::Object owner, std::function<void()> work, std::function<void()> on_done)
      : Napi::AsyncWorker(owner.Env()),
        deferred_(Napi::Promise::Deferred::New(owner.Env())),
        work_(std::move(work)),
        on_done_(std::move(on_done)),
        owner_(Napi::Persistent(owner)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Execute() override {
    work_();
    work_ = nullptr;  // drops what the work held (e.g. the last reference to a Stitcher) here
  }
  void OnOK() override {
    on_done_();
    deferred_.Resolve(Env().Undefined());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<void()> work_;
  std::function<void()> on_done_;
  Napi::ObjectReference owner_;  // released with the worker, on the JS thread, after on_done
};

}  // namespace mosaic
