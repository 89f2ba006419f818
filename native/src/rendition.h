// A rendition: the canvas scaled to another size and encoded by its own encoder, at its own
// frame rate (at most the canvas's) and bitrate. HomeKit, for one, asks for 640x360 at
// 300 kbit/s while browsers get the full canvas; each is encoded once however many watch it.
#pragma once

#include <cstdint>
#include <vector>

#include "av_ptr.h"
#include "encoder.h"
#include "options.h"

namespace mosaic {

class Rendition {
 public:
  // Throws std::runtime_error when the encoder cannot be opened.
  Rendition(int id, const EncoderOptions& options, int canvas_fps);

  int id() const { return id_; }
  void RequestKeyframe() { encoder_.RequestKeyframe(); }

  // Called at every canvas tick; encodes only the ticks that fall on this rendition's own rate.
  // Returns false (and sets `error`) when scaling or encoding failed.
  bool OnCanvasTick(const AVFrame* canvas, int64_t canvas_index, std::vector<AccessUnit>* out,
                    std::string* error);

 private:
  const int id_;
  const EncoderOptions options_;
  const int canvas_fps_;
  Encoder encoder_;
  FramePtr scaled_;
  SwsContextPtr scaler_;
  int64_t next_index_ = -1;  // this rendition's next frame number
};

}  // namespace mosaic
