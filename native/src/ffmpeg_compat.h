// Every FFmpeg version difference camera-mosaic meets, decided at compile time, so the rest of
// the code reads the same against FFmpeg 5.1 through 8.x. CMake refuses an older FFmpeg with a
// sentence first; the #error is for a build that bypasses it.
#pragma once

#include "ffmpeg.h"

// The public headers include only the major versions in some releases: the full ones, by name.
extern "C" {
#include <libavcodec/version.h>
#include <libavformat/version.h>
#include <libavutil/version.h>
#include <libswscale/version.h>
}

#if LIBAVCODEC_VERSION_INT < AV_VERSION_INT(59, 37, 100) || \
    LIBAVFORMAT_VERSION_INT < AV_VERSION_INT(59, 27, 100) || \
    LIBAVUTIL_VERSION_INT < AV_VERSION_INT(57, 28, 100) || \
    LIBSWSCALE_VERSION_INT < AV_VERSION_INT(6, 7, 100)
#error "camera-mosaic needs FFmpeg 5.1 or newer"
#endif

namespace mosaic {

// libavutil 58.7 (FFmpeg 6.1) moved "key frame" into AVFrame.flags and deprecated key_frame;
// FFmpeg 8.0 removed it.
inline bool FrameIsKeyframe(const AVFrame* frame) {
#if LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(58, 7, 100)
  return (frame->flags & AV_FRAME_FLAG_KEY) != 0;
#else
  return frame->key_frame != 0;
#endif
}

}  // namespace mosaic
