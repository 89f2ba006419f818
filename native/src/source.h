// One camera: its own thread opens the input (RTSP or a synthetic lavfi source), demuxes, decodes
// and keeps the newest decoded frame for the compositor; reconnects with capped exponential
// back-off. Never blocks its owner: stop is an atomic flag, FFmpeg's interrupt callback and a join.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "av_ptr.h"
#include "options.h"

namespace mosaic {

enum class SourceState { kConnecting, kLive, kStale, kOffline };
const char* SourceStateName(SourceState state);

struct SourceStats {
  std::string name;
  SourceState state = SourceState::kConnecting;
  uint64_t frames = 0;      // decoded frames since start
  uint64_t errors = 0;      // open/read failures and decode errors
  uint64_t reconnects = 0;  // connection attempts after the first
  uint64_t bytes = 0;       // compressed bytes read
  double fps = 0;           // decoded frames per second, over the last ~2 s
  int width = 0;
  int height = 0;
  std::string codec;
  std::string last_error;  // passwords masked
};

// Called on the source's thread whenever its state changes; must be quick and never block.
using SourceStateListener =
    std::function<void(const std::string& camera, SourceState state, const std::string& error)>;

class Source {
 public:
  Source(CameraOptions options, SourceStateListener listener);
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;
  ~Source();

  const std::string& name() const { return options_.name; }

  void Start();
  // Asks the thread to finish (returns at once); Join() waits for it.
  void RequestStop();
  void Join();

  // If a frame newer than `known_sequence` exists, references it into `frame`, sets
  // `sequence` and returns true. `age_ms` is always set: ms since the newest frame (or since
  // start when there was none yet).
  bool TakeNewerFrame(uint64_t known_sequence, FramePtr* frame, uint64_t* sequence,
                      int64_t* age_ms);

  // Turns live into stale (and back is done by the next frame); called by the output clock, since
  // the source's own thread may be blocked in a read when the camera goes quiet.
  void UpdateStaleness(int64_t now_us);

  SourceStats Stats() const;

 private:
  void Run();
  bool Open(FormatContextPtr* input, CodecContextPtr* decoder, int* stream_index);
  void ReadUntilFailure(AVFormatContext* input, AVCodecContext* decoder, int stream_index);
  void PaceDemoPacket(const AVPacket* packet, const AVStream* stream);
  void OnFrame(const AVFrame* frame);
  void SetState(SourceState state, const std::string& error);
  void Fail(const std::string& error);
  bool SleepInterruptibly(int64_t duration_ms);
  static int InterruptCallback(void* opaque);

  const CameraOptions options_;
  const SourceStateListener listener_;
  const bool is_demo_;
  const std::string password_;  // masked out of every error text

  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> io_deadline_us_{0};  // the interrupt callback aborts I/O past this
  std::mutex wake_mutex_;
  std::condition_variable wake_;

  // Demo pacing: lavfi sources produce frames as fast as they are read.
  int64_t demo_clock_start_us_ = 0;
  int64_t demo_first_pts_ = AV_NOPTS_VALUE;

  mutable std::mutex mutex_;  // guards everything below
  FramePtr latest_;
  uint64_t sequence_ = 0;
  int64_t latest_at_us_ = 0;
  int64_t started_at_us_ = 0;
  int64_t arrivals_us_[64] = {0};  // ring of recent frame arrival times, for fps
  SourceStats stats_;
};

}  // namespace mosaic
