// One mosaic: the compositor, the encoder, its outputs and the output clock thread, over the
// cameras of a SourcePool it shares with every other mosaic of the process.
// Plain C++: it never touches Node-API; stitcher_wrap.cc converts.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "compositor.h"
#include "encoder.h"
#include "options.h"
#include "publisher.h"
#include "rendition.h"
#include "source_pool.h"

namespace mosaic {

struct StitcherCallbacks {
  // On the output clock thread, once per encoded access unit.
  std::function<void(AccessUnit&& unit)> on_access_unit;
  // On an output's thread; must be quick.
  PublisherStateListener on_output_state;
  // On the output clock thread, once per new reason a tile cannot paint its camera; must be quick.
  std::function<void(const TileProblem& problem)> on_tile_problem;
};

struct OutputStats {
  uint64_t frames = 0;        // canvases encoded
  uint64_t skipped_ticks = 0; // output frames not made because the clock fell behind
  uint64_t keyframes = 0;
  uint64_t bytes = 0;         // encoded bytes
  uint64_t encode_errors = 0;
  double fps = 0;             // over the last second
  int64_t compose_us = 0;     // last tick's compositing time
  int64_t encode_us = 0;      // last tick's encoding time
  // Camera packet read -> first access unit containing its frame leaves the encoder, over the
  // last kLatencySamples painted frames.
  int64_t latency_p50_us = 0;
  int64_t latency_p95_us = 0;
  int64_t latency_p99_us = 0;
  std::string encoder;
  // The main encoder rests: nobody wants it (SetIdle). The canvas is still composed, slowly.
  bool idle = false;
};

struct StitcherStats {
  OutputStats output;
  std::vector<TileStatus> tiles;
  std::vector<PublisherStats> outputs;
};

class Stitcher {
 public:
  // Throws std::runtime_error when the encoder cannot be opened.
  Stitcher(StitcherOptions options, std::shared_ptr<SourcePool> pool,
           std::vector<PublisherOptions> outputs, StitcherCallbacks callbacks);
  Stitcher(const Stitcher&) = delete;
  Stitcher& operator=(const Stitcher&) = delete;
  ~Stitcher();

  // Starts the clock and the outputs; the pool's owner starts and stops the cameras.
  void Start();
  // Blocks until every thread of this mosaic has ended: run it off the JS thread. Idempotent.
  void Stop();

  // Any thread: takes effect between two output frames, with no gap in output timestamps.
  void SetLayout(std::vector<TileOptions> tiles);
  void RequestKeyframe() { encoder_.RequestKeyframe(); }

  // Any thread. Idle: the main encoder stops (nothing encoded, `frames` stops counting); the
  // canvas is composed every kIdleComposeMs so a snapshot stays current, from substreams where
  // cameras have them (their main streams close).
  // Renditions, which exist only while someone receives them, keep the clock at full rate.
  // Waking takes effect at once and starts with an IDR, at timestamps that follow wall time.
  void SetIdle(bool idle);
  static constexpr int kIdleComposeMs = 250;

  // Any thread. Renditions are built by the caller (opening an encoder can fail, and the caller
  // wants that error at once) and encoded from the next tick on; removing one frees it once the
  // tick using it ends. Ids are the caller's; 0 is the main rendition.
  void AddRendition(std::shared_ptr<Rendition> rendition);
  void RemoveRendition(int id);
  void RequestRenditionKeyframe(int id);

  // Any thread: a private copy of the current canvas for snapshots.
  FramePtr CopyCanvas();
  StitcherStats Stats();

 private:
  void RunClock();
  void Tick(int64_t frame_index);
  // Nothing to encode: neither the main rendition (idle) nor any extra one.
  bool Resting() const { return idle_ && rendition_count_ == 0; }
  // Takes a pending layout, composes the canvas (from substreams where cameras have them while
  // `resting`) and reports tiles newly unable to paint.
  void ComposeCanvas(int64_t now_us, bool resting);
  // While resting: composes the canvas once, encodes nothing.
  void RestTick();

  const StitcherOptions options_;
  const StitcherCallbacks callbacks_;
  const std::shared_ptr<SourcePool> pool_;
  std::vector<std::unique_ptr<Publisher>> publishers_;
  Encoder encoder_;

  std::thread clock_;
  std::atomic<bool> stop_{false};
  bool started_ = false;
  std::mutex wake_mutex_;
  std::condition_variable wake_;

  std::mutex layout_mutex_;
  std::optional<std::vector<TileOptions>> pending_tiles_;

  // Atomic: set by JS (SetIdle) and renditions (Add/Remove) on any thread, read by the clock
  // thread's wait predicate, which holds wake_mutex_ only; writers notify under wake_mutex_.
  std::atomic<bool> idle_{false};
  std::atomic<size_t> rendition_count_{0};

  std::mutex renditions_mutex_;
  std::map<int, std::shared_ptr<Rendition>> renditions_;

  std::mutex canvas_mutex_;  // guards compositor_ (and so the canvas) and output_
  Compositor compositor_;
  OutputStats output_;
  int64_t recent_ticks_us_[64] = {0};
  static constexpr size_t kLatencySamples = 1024;
  std::vector<int64_t> latency_us_;  // ring of the latest samples
  uint64_t latency_count_ = 0;
};

}  // namespace mosaic
