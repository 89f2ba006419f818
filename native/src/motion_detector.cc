#include "motion_detector.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <utility>

namespace mosaic {

namespace {

constexpr int kCells = MotionDetector::kColumns * MotionDetector::kRows;
// A cell "changed" when its mean luma (0..255) moved by more than this after the frame-wide
// shift is taken out: a still H.264 picture's cell means wander by 1-2 levels.
constexpr float kNoiseLevels = 6.0f;
// About this many samples across a cell at any resolution, so an analysis costs about the same
// ~50k reads for 360p and 4K; never every pixel (step 2 at least).
constexpr int kSamplesAcrossCell = 8;
constexpr int kMinStep = 2;

}  // namespace

double MotionThresholdPercent(int sensitivity) {
  const int s = std::clamp(sensitivity, 1, 100);
  return 25.0 * std::pow(0.1 / 25.0, (s - 1) / 99.0);
}

MotionDetector::MotionDetector(MotionOptions options)
    : options_(std::move(options)),
      threshold_percent_(MotionThresholdPercent(options_.sensitivity)),
      interval_us_(std::max(0, options_.analyse_interval_ms) * int64_t{1000}),
      off_after_us_(std::max(0, options_.off_after_ms) * int64_t{1000}),
      // Comparing pictures further apart than this (a reconnect, a stalled stream) would call
      // whatever changed meanwhile motion.
      max_gap_us_(std::max<int64_t>(10 * interval_us_, 5000000)),
      masked_(kCells, false),
      previous_(kCells),
      means_(kCells),
      deltas_(kCells) {
  // A cell is ignored when any part of it lies under a mask, so a masked clock never leaks into
  // the cells around it.
  for (const MotionRect& m : options_.masks) {
    const double x0 = std::clamp(m.x, 0.0, 1.0), y0 = std::clamp(m.y, 0.0, 1.0);
    const double x1 = std::clamp(m.x + m.width, 0.0, 1.0);
    const double y1 = std::clamp(m.y + m.height, 0.0, 1.0);
    if (x1 <= x0 || y1 <= y0) continue;
    const int c0 = static_cast<int>(std::floor(x0 * kColumns));
    const int c1 = std::min(kColumns, static_cast<int>(std::ceil(x1 * kColumns)));
    const int r0 = static_cast<int>(std::floor(y0 * kRows));
    const int r1 = std::min(kRows, static_cast<int>(std::ceil(y1 * kRows)));
    for (int r = r0; r < r1; ++r)
      for (int c = c0; c < c1; ++c) masked_[r * kColumns + c] = true;
  }
  unmasked_ = static_cast<int>(std::count(masked_.begin(), masked_.end(), false));
}

bool MotionDetector::LumaLayoutOf(int format, LumaLayout* layout) {
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(format));
  if (!desc || desc->nb_components < 1) return false;
  const uint64_t not_luma = AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_HWACCEL |
                            AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_BAYER |
                            AV_PIX_FMT_FLAG_FLOAT;
  if (desc->flags & not_luma) return false;
  const AVComponentDescriptor& y = desc->comp[0];
  if (y.plane != 0 || y.depth < 8 || y.depth > 16) return false;
  layout->wide = y.depth > 8;
  if (layout->wide && (y.step % 2 != 0 || y.offset % 2 != 0)) return false;
  layout->step_bytes = y.step;
  layout->offset = y.offset;
  layout->shift = y.shift + (y.depth - 8);
  layout->big_endian = (desc->flags & AV_PIX_FMT_FLAG_BE) != 0;
  return true;
}

void MotionDetector::Rebuild(const AVFrame* frame) {
  width_ = frame->width;
  height_ = frame->height;
  format_ = frame->format;
  has_baseline_ = false;
  supported_ = width_ >= kColumns && height_ >= kRows && LumaLayoutOf(format_, &layout_);
  if (!supported_) return;

  const int cell = std::min(width_ / kColumns, height_ / kRows);
  step_ = std::max(kMinStep, cell / kSamplesAcrossCell);
  // Samples lie on one lattice (step/2 + k*step) so each pixel belongs to exactly one cell.
  auto first_on_lattice = [this](int from) {
    const int half = step_ / 2;
    return from <= half ? half : half + (from - half + step_ - 1) / step_ * step_;
  };
  auto samples = [this](int first, int end) {
    return first < end ? (end - first + step_ - 1) / step_ : 0;
  };
  column_first_x_.resize(kColumns);
  column_end_x_.resize(kColumns);
  row_first_y_.resize(kRows);
  row_end_y_.resize(kRows);
  for (int c = 0; c < kColumns; ++c) {
    column_first_x_[c] = first_on_lattice(static_cast<int>(int64_t{c} * width_ / kColumns));
    column_end_x_[c] = static_cast<int>(int64_t{c + 1} * width_ / kColumns);
  }
  for (int r = 0; r < kRows; ++r) {
    row_first_y_[r] = first_on_lattice(static_cast<int>(int64_t{r} * height_ / kRows));
    row_end_y_[r] = static_cast<int>(int64_t{r + 1} * height_ / kRows);
  }
  inverse_counts_.assign(kCells, 0.0f);
  for (int r = 0; r < kRows; ++r) {
    for (int c = 0; c < kColumns; ++c) {
      const int n = samples(column_first_x_[c], column_end_x_[c]) *
                    samples(row_first_y_[r], row_end_y_[r]);
      inverse_counts_[r * kColumns + c] = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
    }
  }
}

namespace {

// Sums one sampled row of one cell; templated so the 8-bit loop stays a plain strided read.
template <bool kWide>
inline uint32_t SumRow(const uint8_t* line, int first, int end, int step, int step_bytes,
                       int shift, bool big_endian) {
  uint32_t sum = 0;
  if constexpr (!kWide) {
    if (step_bytes == 1) {
      for (int x = first; x < end; x += step) sum += line[x];
    } else {
      for (int x = first; x < end; x += step) sum += line[x * step_bytes];
    }
  } else {
    for (int x = first; x < end; x += step) {
      const uint8_t* p = line + x * step_bytes;
      const uint32_t raw = big_endian ? (p[0] << 8) | p[1] : p[0] | (p[1] << 8);
      sum += (raw >> shift) & 0xff;
    }
  }
  return sum;
}

}  // namespace

void MotionDetector::Sample(const AVFrame* frame, std::vector<float>* means) const {
  const uint8_t* base = frame->data[0] + layout_.offset;
  const int linesize = frame->linesize[0];
  uint32_t sums[kColumns];
  for (int r = 0; r < kRows; ++r) {
    std::fill(std::begin(sums), std::end(sums), 0u);
    for (int y = row_first_y_[r]; y < row_end_y_[r]; y += step_) {
      const uint8_t* line = base + static_cast<ptrdiff_t>(y) * linesize;
      for (int c = 0; c < kColumns; ++c) {
        sums[c] += layout_.wide
                       ? SumRow<true>(line, column_first_x_[c], column_end_x_[c], step_,
                                      layout_.step_bytes, layout_.shift, layout_.big_endian)
                       : SumRow<false>(line, column_first_x_[c], column_end_x_[c], step_,
                                       layout_.step_bytes, 0, false);
      }
    }
    for (int c = 0; c < kColumns; ++c)
      (*means)[r * kColumns + c] = static_cast<float>(sums[c]) * inverse_counts_[r * kColumns + c];
  }
}

double MotionDetector::Compare() {
  if (unmasked_ == 0) return 0;
  // The frame-wide shift (auto exposure, a cloud, the IR cut filter) is the median change of the
  // unmasked cells; taking it out keeps a brightness change from reading as motion everywhere.
  int n = 0;
  for (int i = 0; i < kCells; ++i)
    if (!masked_[i]) deltas_[n++] = means_[i] - previous_[i];
  std::nth_element(deltas_.begin(), deltas_.begin() + n / 2, deltas_.begin() + n);
  const float shift = deltas_[n / 2];
  int changed = 0;
  for (int i = 0; i < kCells; ++i)
    if (!masked_[i] && std::fabs(means_[i] - previous_[i] - shift) > kNoiseLevels) ++changed;
  return 100.0 * changed / unmasked_;
}

void MotionDetector::Reset() {
  has_baseline_ = false;
  last_analysis_us_ = 0;
  motion_seen_ = false;
  last_motion_us_ = 0;
  score_.store(0, std::memory_order_relaxed);
  active_.store(false, std::memory_order_relaxed);
}

bool MotionDetector::OnFrame(const AVFrame* frame, int64_t now_us) {
  if (!options_.enabled || !frame) return false;
  const bool was_active = active_.load(std::memory_order_relaxed);
  bool above = false;

  const bool due = !has_baseline_ || now_us - last_analysis_us_ >= interval_us_;
  if (due) {
    if (frame->width != width_ || frame->height != height_ || frame->format != format_)
      Rebuild(frame);
    if (has_baseline_ && now_us - last_analysis_us_ > max_gap_us_) has_baseline_ = false;
    if (supported_ && frame->data[0]) {
      Sample(frame, &means_);
      if (has_baseline_) {
        const double score = Compare();
        score_.store(score, std::memory_order_relaxed);
        above = score >= threshold_percent_;
      }
      std::swap(previous_, means_);
      has_baseline_ = true;
      last_analysis_us_ = now_us;
    }
  }

  if (above) {
    motion_seen_ = true;
    last_motion_us_ = now_us;
  }
  const bool active = above || (motion_seen_ && now_us - last_motion_us_ < off_after_us_);
  if (active == was_active) return false;
  active_.store(active, std::memory_order_relaxed);
  return true;
}

}  // namespace mosaic
