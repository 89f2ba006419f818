// The JS face of the SourcePool: the cameras one process pulls and decodes once, shared by every
// Stitcher (mosaic) constructed with it. Owns the thread-safe function carrying camera states.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>

#include "source_pool.h"

namespace mosaic {

class SourcePoolWrap : public Napi::ObjectWrap<SourcePoolWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit SourcePoolWrap(const Napi::CallbackInfo& info);
  ~SourcePoolWrap() override;

  // The pool behind a JS SourcePool object; throws a TypeError for anything else.
  static std::shared_ptr<SourcePool> From(const Napi::Value& value);

 private:
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  void ReleaseCallbacks();

  // Shared with the pool's listener, which media threads call and which may outlive this object
  // (every Stitcher holds the pool); `live` turns false, under the mutex, before the release.
  struct StateSink {
    std::mutex mutex;
    Napi::ThreadSafeFunction states;
    Napi::ThreadSafeFunction motion;
    bool live = false;
  };
  std::shared_ptr<StateSink> sink_ = std::make_shared<StateSink>();
  std::shared_ptr<SourcePool> pool_;
  bool started_ = false;
};

}  // namespace mosaic
