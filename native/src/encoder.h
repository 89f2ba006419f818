// One rendition's H.264 encoder through libavcodec (which one, and its private options, is
// ChooseEncoder's call: libx264, zerolatency): SPS/PPS before every IDR (so any viewer can start
// at any keyframe), keyframes on request, coalesced.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "av_ptr.h"
#include "options.h"

namespace mosaic {

struct AccessUnit {
  std::vector<uint8_t> data;  // Annex-B, SPS/PPS included on keyframes
  int64_t pts = 0;            // 90 kHz ticks (the RTP video clock)
  bool keyframe = false;
  int rendition = 0;  // 0 = the main rendition (the canvas as configured)
};

class Encoder {
 public:
  // Throws std::runtime_error with FFmpeg's reason when the encoder cannot be opened.
  explicit Encoder(const EncoderOptions& options);

  // Any thread. Several requests before the next frame make one IDR.
  void RequestKeyframe() { keyframe_requested_ = true; }

  // Encodes `frame` as output frame number `frame_index`; appends finished access units.
  // Returns false (and sets `error`) when the encoder failed.
  bool Encode(const AVFrame* frame, int64_t frame_index, std::vector<AccessUnit>* out,
              std::string* error);

  const std::string& name() const { return name_; }
  uint64_t keyframes() const { return keyframes_; }

 private:
  bool Drain(std::vector<AccessUnit>* out, std::string* error);

  EncoderOptions options_;
  CodecContextPtr context_;
  FramePtr frame_;  // a reference to the caller's frame, with our pts and picture type
  PacketPtr packet_;
  std::atomic<bool> keyframe_requested_{false};
  uint64_t keyframes_ = 0;
  std::string name_;
};

}  // namespace mosaic
