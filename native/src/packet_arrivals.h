// When each packet reached us, found again from the pts its decoded frame carries, so latency is
// measured from the network to the encoder's output. A decoder reorders frames (B-frames) and
// holds some back (frame threads), so the arrival has to travel with something the decoder keeps
// with each picture. FFmpeg's own carrier changed under us (AVCodecContext.reordered_opaque until
// 6.x, removed in 7.0; packet opaque with AV_CODEC_FLAG_COPY_OPAQUE only since 6.0), while the
// pts has ridden through every decoder in every version.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ffmpeg.h"

namespace mosaic {

class PacketArrivals {
 public:
  // A picture split over several packets keeps the arrival of its first.
  void Add(int64_t pts, int64_t arrival_us) {
    if (pts == AV_NOPTS_VALUE) return;
    if (count_ > 0 && entries_[(next_ + kSize - 1) % kSize].pts == pts) return;
    entries_[next_] = {pts, arrival_us};
    next_ = (next_ + 1) % kSize;
    if (count_ < kSize) count_++;
  }

  // The arrival recorded for `pts` (the newest, should a camera repeat one), or 0 when none is:
  // a frame without a pts, or one the decoder held longer than the last kSize packets.
  int64_t Find(int64_t pts) const {
    if (pts == AV_NOPTS_VALUE) return 0;
    for (size_t i = 1; i <= count_; i++) {
      const Entry& entry = entries_[(next_ + kSize - i) % kSize];
      if (entry.pts == pts) return entry.arrival_us;
    }
    return 0;
  }

  void Clear() { count_ = next_ = 0; }

 private:
  struct Entry {
    int64_t pts = 0;
    int64_t arrival_us = 0;
  };
  // Far more than any decoder delay: H.264 reorders at most 16 frames, plus a frame per thread.
  static constexpr size_t kSize = 64;
  std::array<Entry, kSize> entries_{};
  size_t next_ = 0;
  size_t count_ = 0;
};

}  // namespace mosaic
