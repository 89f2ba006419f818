// A cheap motion score for one camera, fed with every decoded frame on the camera's own thread.
// Every analyse_interval_ms the luma plane is reduced to a 32x18 grid of cell means (a sparse
// sample of each cell's pixels) and compared with the previous grid; the score is the share of
// unmasked cells whose mean moved by more than the noise of a still picture. Plain C++, no
// Node-API; one thread calls OnFrame, any thread may read score() and active().
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "ffmpeg.h"

namespace mosaic {

struct MotionRect {
  double x = 0, y = 0, width = 0, height = 0;  // fractions 0..1 of the picture
};

struct MotionOptions {
  bool enabled = true;
  // 1..100: higher = smaller changes count as motion. It sets the on-threshold, the score at or
  // above which an analysis counts as motion, on a log scale (each step ~5.4 % lower):
  //   threshold % = 25 * (0.1 / 25) ^ ((sensitivity - 1) / 99)
  //   1 -> 25 % of the cells, 25 -> 6.6 %, 50 -> 1.6 % (~9 of 576 cells), 75 -> 0.4 %,
  //   100 -> 0.1 % (any one cell)
  int sensitivity = 50;
  std::vector<MotionRect> masks;  // areas ignored (a tree, a clock on the wall, an OSD timestamp)
  int analyse_interval_ms = 200;  // frames in between are skipped: cost stays tiny at any fps
  int off_after_ms = 3000;        // hysteresis: active stays on this long after the last motion
};

// The on-threshold (score %) for a sensitivity, clamped to 1..100.
double MotionThresholdPercent(int sensitivity);

class MotionDetector {
 public:
  static constexpr int kColumns = 32;
  static constexpr int kRows = 18;

  explicit MotionDetector(MotionOptions options);
  MotionDetector(const MotionDetector&) = delete;
  MotionDetector& operator=(const MotionDetector&) = delete;

  // Returns true when active() changed with this frame. Cheap: most calls return at once.
  // `now_us` is any monotonic clock (av_gettime_relative()). Frames without a plane-0 luma
  // (RGB, palette, hardware frames) or smaller than the grid are ignored.
  bool OnFrame(const AVFrame* frame, int64_t now_us);

  // Starts over as a new detector would (no baseline, no motion, score 0), in place: a source
  // calls it on its own thread at each reconnect while another thread may be reading score()
  // and active(), which a replaced detector would free under it. Same thread as OnFrame.
  void Reset();

  // Any thread.
  double score() const { return score_; }  // 0..100, the latest analysis
  bool active() const { return active_; }

 private:
  struct LumaLayout {
    int step_bytes = 1;  // between horizontally adjacent luma samples
    int offset = 0;      // of the first luma sample in a row (1 for uyvy422)
    int shift = 0;       // right shift of a raw sample down to 8 bits
    bool wide = false;   // 16-bit containers (yuv420p10, p010, ...)
    bool big_endian = false;
  };

  static bool LumaLayoutOf(int format, LumaLayout* layout);
  void Rebuild(const AVFrame* frame);  // a new size or format: new cell geometry, no baseline
  void Sample(const AVFrame* frame, std::vector<float>* means) const;
  double Compare();  // score % of means_ against previous_

  const MotionOptions options_;
  const double threshold_percent_;
  const int64_t interval_us_;
  const int64_t off_after_us_;
  const int64_t max_gap_us_;   // a longer pause between analyses starts over (reconnects)
  std::vector<bool> masked_;   // per cell, fixed: masks are fractions of the picture
  int unmasked_ = 0;

  // Geometry of the current size and format; `supported_` false: nothing to sample.
  int width_ = 0, height_ = 0, format_ = -1;
  bool supported_ = false;
  LumaLayout layout_;
  int step_ = 2;                         // sample every step_-th pixel of every step_-th row
  // Per column (row) of cells: the first sampled x (y) and the end of the cell, exclusive.
  std::vector<int> column_first_x_, column_end_x_;
  std::vector<int> row_first_y_, row_end_y_;
  std::vector<float> inverse_counts_;    // 1 / samples per cell

  std::vector<float> previous_, means_, deltas_;
  bool has_baseline_ = false;
  int64_t last_analysis_us_ = 0;
  bool motion_seen_ = false;
  int64_t last_motion_us_ = 0;

  std::atomic<double> score_{0};
  std::atomic<bool> active_{false};
};

}  // namespace mosaic
