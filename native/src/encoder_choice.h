// The one place that picks a rendition's H.264 encoder and the private options it opens with.
// Encoder sets what every encoder shares (size, rate, GOP, colour) and never names a codec, so
// another encoder (a hardware one, say) is a new branch in ChooseEncoder and nothing else.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ffmpeg.h"
#include "options.h"

namespace mosaic {

struct EncoderChoice {
  const AVCodec* codec = nullptr;
  // What the encoder is fed: the canvas's own format, so no conversion happens before it.
  AVPixelFormat pixel_format = AV_PIX_FMT_YUV420P;
  // The codec's private options, passed to avcodec_open2.
  std::vector<std::pair<std::string, std::string>> settings;
  // The name given to threads the encoder starts while it opens (they inherit it).
  std::string thread_name;
};

// Throws std::runtime_error saying which encoder this FFmpeg lacks.
EncoderChoice ChooseEncoder(const EncoderOptions& options);

}  // namespace mosaic
