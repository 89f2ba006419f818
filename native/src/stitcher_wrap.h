// The JS face of one native Stitcher run: converts JS options into plain structs, owns the
// thread-safe functions that carry access units and source states to the JS thread, and runs
// blocking work (stop, snapshots) on worker threads.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>

#include "stitcher.h"

namespace mosaic {

class StitcherWrap : public Napi::ObjectWrap<StitcherWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit StitcherWrap(const Napi::CallbackInfo& info);
  ~StitcherWrap() override;

 private:
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value SetLayout(const Napi::CallbackInfo& info);
  Napi::Value RequestKeyframe(const Napi::CallbackInfo& info);
  Napi::Value SetIdle(const Napi::CallbackInfo& info);
  Napi::Value AddRendition(const Napi::CallbackInfo& info);
  Napi::Value RemoveRendition(const Napi::CallbackInfo& info);
  Napi::Value Snapshot(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);

  void ReleaseCallbacks();

  StitcherOptions options_;
  std::vector<PublisherOptions> outputs_;
  std::shared_ptr<SourcePool> pool_;  // shared with the other mosaics; its owner stops it
  std::shared_ptr<Stitcher> stitcher_;
  Napi::ThreadSafeFunction on_access_unit_;
  Napi::ThreadSafeFunction on_output_state_;
  bool callbacks_live_ = false;
  bool started_ = false;  // one run per object: start() after stop() makes a new object
  // Access units dropped because JS did not keep up; shared with the clock thread.
  std::shared_ptr<std::atomic<uint64_t>> dropped_units_ = std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace mosaic
