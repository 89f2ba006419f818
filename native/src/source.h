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
#include "io_interrupt.h"
#include "motion_detector.h"
#include "options.h"
#include "rtsp_guard.h"

namespace mosaic {

// The largest picture a camera may send, in pixels: 4096x4096 (16.8 MP) covers every 4K, 12 MP
// and 16 MP camera, while an 8192x8192 stream would take over a gigabyte of decoded frames.
constexpr int64_t kMaxCameraPixels = 4096 * 4096;

// kIdle: closed because nothing shows it (a main stream while its substream serves the tiles).
enum class SourceState { kConnecting, kLive, kStale, kOffline, kIdle };
const char* SourceStateName(SourceState state);

struct SourceStats {
  std::string name;
  std::string stream;       // "main" or "sub"
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
  bool motion_scored = false;  // this stream feeds the camera's motion detector
  bool motion_active = false;
  double motion_score = 0;     // 0..100, the latest analysis
};

// Called on the source's thread whenever its state changes; must be quick and never block.
using SourceStateListener = std::function<void(const std::string& camera, const std::string& stream,
                                               SourceState state, const std::string& error)>;
// Called on the source's thread when its motion turns on or off; must be quick and never block.
using MotionListener = std::function<void(const std::string& camera, bool active, double score)>;

class Source {
 public:
  // `stream` ("main" or "sub") names it in stats and state changes; `options.url` is what it opens.
  Source(CameraOptions options, std::string stream, SourceStateListener listener,
         MotionListener motion_listener = nullptr);
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;
  ~Source();

  const std::string& name() const { return options_.name; }

  const std::string& stream() const { return stream_; }

  // Start() again after Join() reopens the camera (a closed main stream shown again).
  void Start();
  // Asks the thread to finish (returns at once); Join() waits for it.
  void RequestStop();
  void Join();
  bool running() const { return running_; }
  // After Join(), for a source closed because nothing shows it.
  void MarkIdle();

  // Any thread: a tile chose this source (so a closed one is reopened, an open one kept).
  void MarkWanted(int64_t now_us) { wanted_at_us_ = now_us; }
  int64_t wanted_at_us() const { return wanted_at_us_; }
  // A frame younger than the stale threshold (staleAfterMs) exists.
  bool HasFreshFrame() const;
  // Width of the newest decoded frame; 0 before the first.
  int width() const;

  // If a frame newer than `known_sequence` exists, references it into `frame`, sets `sequence`
  // and `arrival_us` (when its first packet arrived, µs on the av_gettime_relative clock; 0 if
  // unknown) and returns true. `age_ms` is always set: ms since the newest frame (or since
  // start when there was none yet).
  bool TakeNewerFrame(uint64_t known_sequence, FramePtr* frame, uint64_t* sequence,
                      int64_t* age_ms, int64_t* arrival_us);

  // Turns live into stale (and back is done by the next frame); called by the output clock, since
  // the source's own thread may be blocked in a read when the camera goes quiet.
  void UpdateStaleness(int64_t now_us);

  SourceStats Stats() const;

 private:
  void Run();
  enum class OpenOutcome { kOpened, kFailed, kRedirected };
  bool Open(FormatContextPtr* input, CodecContextPtr* decoder, int* stream_index);
  OpenOutcome OpenInput(const std::string& url, FormatContextPtr* input);
  bool OpenDecoder(AVFormatContext* input, CodecContextPtr* decoder, int* stream_index);
  // The decoder's get_buffer2: refuses pictures larger than kMaxCameraPixels before any memory
  // is taken for them, and notes the size for the source's reason.
  static int GetBufferWithinLimit(AVCodecContext* context, AVFrame* frame, int flags);
  std::string GuardRefusal() const;
  void ReadUntilFailure(AVFormatContext* input, AVCodecContext* decoder, int stream_index);
  void PaceDemoPacket(const AVPacket* packet, const AVStream* stream);
  void OnFrame(const AVFrame* frame, int64_t arrival_us);
  void SetState(SourceState state, const std::string& error);
  void Fail(const std::string& error);
  bool SleepInterruptibly(int64_t duration_ms);

  const CameraOptions options_;
  const std::string stream_;
  const SourceStateListener listener_;
  const MotionListener motion_listener_;
  std::unique_ptr<MotionDetector> motion_;  // used on the source's thread only
  // Per connection, on the source's thread: motion waits for the first keyframe, because a
  // decoder joining mid-GOP outputs grey concealment frames until then, and the real picture
  // replacing them would count as motion.
  bool keyframe_seen_ = false;
  int64_t connected_at_us_ = 0;
  const bool is_demo_;
  const std::string password_;  // masked out of every error text
  RtspGuard guard_;              // used on the source's thread only
  // A picture the decoder was refused, as width << 32 | height; 0 for none. Written by decoder
  // threads, read by the source's.
  std::atomic<int64_t> refused_picture_{0};

  std::thread thread_;
  IoInterrupt interrupt_;
  std::atomic<bool> running_{false};
  std::atomic<int64_t> wanted_at_us_{0};
  std::mutex wake_mutex_;
  std::condition_variable wake_;

  // Demo pacing: lavfi sources produce frames as fast as they are read.
  int64_t demo_clock_start_us_ = 0;
  int64_t demo_first_pts_ = AV_NOPTS_VALUE;

  mutable std::mutex mutex_;  // guards everything below
  FramePtr latest_;
  int64_t latest_arrival_us_ = 0;
  uint64_t sequence_ = 0;
  int64_t latest_at_us_ = 0;
  int64_t started_at_us_ = 0;
  int64_t arrivals_us_[64] = {0};  // ring of recent frame arrival times, for fps
  SourceStats stats_;
};

}  // namespace mosaic
