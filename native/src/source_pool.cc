#include "source_pool.h"

#include "ffmpeg.h"
#include "thread_name.h"

namespace mosaic {
namespace {

// Stale detection and main-stream management do not need to be faster than this.
constexpr int64_t kHousekeepingMs = 200;

}  // namespace

SourcePool::SourcePool(SourcePoolOptions options, SourceStateListener listener,
                       MotionListener motion_listener)
    : options_(std::move(options)) {
  for (const CameraOptions& camera : options_.cameras) {
    CameraSources& sources = cameras_[camera.name];
    sources.title = camera.title.empty() ? camera.name : camera.title;
    // Motion is scored on the substream when there is one: it is always open, and cheap.
    CameraOptions main = camera;
    main.detect_motion = camera.sub_url.empty();
    sources.main = std::make_unique<Source>(std::move(main), "main", listener, motion_listener);
    if (!camera.sub_url.empty()) {
      CameraOptions sub = camera;
      sub.url = camera.sub_url;
      sub.detect_motion = true;
      sources.sub = std::make_unique<Source>(std::move(sub), "sub", listener, motion_listener);
    }
  }
}

SourcePool::~SourcePool() { Stop(); }

void SourcePool::Start() {
  if (started_) return;
  started_ = true;
  for (auto& entry : cameras_) {
    CameraSources& camera = entry.second;
    // A camera with a substream opens it at once and its main stream when a tile wants it.
    if (camera.sub) {
      camera.sub->Start();
      camera.main->MarkIdle();
    } else {
      camera.main->Start();
    }
  }
  housekeeping_ = std::thread([this] {
    NameThisThread("cm-housekeeping");
    RunHousekeeping();
  });
}

void SourcePool::Stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    stop_ = true;
    wake_.notify_all();
  }
  if (housekeeping_.joinable()) housekeeping_.join();
  // Ask every source first, then wait: the interrupts run in parallel, so stopping N dead
  // cameras costs one timeout, not N.
  for (auto& entry : cameras_) {
    entry.second.main->RequestStop();
    if (entry.second.sub) entry.second.sub->RequestStop();
  }
  for (auto& entry : cameras_) {
    entry.second.main->Join();
    if (entry.second.sub) entry.second.sub->Join();
  }
}

const CameraSources* SourcePool::Find(const std::string& camera) const {
  auto found = cameras_.find(camera);
  return found == cameras_.end() ? nullptr : &found->second;
}

std::vector<SourceStats> SourcePool::Stats() const {
  std::vector<SourceStats> stats;
  for (const auto& entry : cameras_) {
    stats.push_back(entry.second.main->Stats());
    if (entry.second.sub) stats.push_back(entry.second.sub->Stats());
  }
  return stats;
}

void SourcePool::RunHousekeeping() {
  while (!stop_) {
    {
      std::unique_lock<std::mutex> lock(wake_mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(kHousekeepingMs), [this] { return stop_.load(); });
    }
    if (stop_) break;
    const int64_t now = av_gettime_relative();
    for (auto& entry : cameras_) {
      CameraSources& camera = entry.second;
      camera.main->UpdateStaleness(now);
      if (camera.sub) {
        camera.sub->UpdateStaleness(now);
        ManageMainStream(&camera, now);
      }
    }
  }
}

void SourcePool::ManageMainStream(CameraSources* camera, int64_t now_us) {
  Source* main = camera->main.get();
  const int64_t wanted_at = main->wanted_at_us();
  const bool wanted =
      wanted_at != 0 && now_us - wanted_at <= static_cast<int64_t>(options_.main_idle_close_ms) * 1000;
  if (wanted && !main->running()) {
    main->Start();
  } else if (!wanted && main->running()) {
    main->RequestStop();
    main->Join();  // bounded by the source's interrupt callback; only this thread waits
    main->MarkIdle();
  }
}

}  // namespace mosaic
