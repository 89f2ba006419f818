// Registers the addon; every conversion lives in stitcher_wrap.cc.
#include <napi.h>

#include "ffmpeg.h"
#include "stitcher_wrap.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  avdevice_register_all();  // the lavfi input behind demo: cameras
  avformat_network_init();
  // FFmpeg's own log lines can carry camera URLs (with passwords); errors reach users through
  // the sources' masked lastError instead.
  av_log_set_level(AV_LOG_QUIET);
  exports.Set("Stitcher", mosaic::StitcherWrap::Define(env));
  exports.Set("ffmpegVersion", Napi::String::New(env, av_version_info()));
  return exports;
}

}  // namespace

NODE_API_MODULE(camera_mosaic, Init)
