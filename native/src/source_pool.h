// The cameras of one process, shared by every mosaic: each camera's main stream (and substream,
// when it has one) is one Source, pulled and decoded once however many compositors show it.
// A housekeeping thread marks quiet sources stale and opens or closes main streams as tiles want
// them: a camera with a substream keeps only that open until a tile needs its full resolution.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "options.h"
#include "source.h"

namespace mosaic {

// One camera's streams; `sub` is null when the camera has no substream.
struct CameraSources {
  std::string title;
  std::unique_ptr<Source> main;
  std::unique_ptr<Source> sub;
};

class SourcePool {
 public:
  SourcePool(SourcePoolOptions options, SourceStateListener listener, MotionListener motion_listener);
  SourcePool(const SourcePool&) = delete;
  SourcePool& operator=(const SourcePool&) = delete;
  ~SourcePool();

  void Start();
  // Blocks until every source thread has ended: run it off the JS thread. Idempotent.
  void Stop();

  // Any thread; null for an unknown camera. Valid for the pool's lifetime.
  const CameraSources* Find(const std::string& camera) const;
  std::vector<SourceStats> Stats() const;

 private:
  void RunHousekeeping();
  // Opens a main stream a tile wants, closes one no tile has wanted for main_idle_close_ms.
  void ManageMainStream(CameraSources* camera, int64_t now_us);

  const SourcePoolOptions options_;
  std::map<std::string, CameraSources> cameras_;  // never changes after construction

  std::thread housekeeping_;
  std::atomic<bool> stop_{false};
  bool started_ = false;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
};

}  // namespace mosaic
