// A JPEG of a picture, optionally scaled: for /snapshot.jpg, Node-RED and HomeKit tiles.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ffmpeg.h"
#include "options.h"

namespace mosaic {

// Encodes `picture` (any pixel format libswscale reads) as a baseline JPEG. Returns false with
// `error` set on failure.
bool EncodeJpeg(const AVFrame* picture, const SnapshotOptions& options, std::vector<uint8_t>* jpeg,
                std::string* error);

}  // namespace mosaic
