// Per-environment data of the addon (one per Node.js worker thread that loads it).
#pragma once

#include <napi.h>

namespace mosaic {

struct AddonData {
  // To tell a real SourcePool from any other object handed to `new Stitcher(options, pool)`.
  Napi::FunctionReference source_pool;
};

}  // namespace mosaic
