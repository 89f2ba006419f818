// Registers the addon; every conversion lives in the *_wrap.cc files and js_convert.cc.
#include <napi.h>

#include "addon_data.h"
#include "ffmpeg.h"
#include "source_pool_wrap.h"
#include "stitcher_wrap.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  avdevice_register_all();  // the lavfi input behind demo: cameras
  avformat_network_init();
  // FFmpeg's own log lines can carry camera URLs (with passwords); errors reach users through
  // the sources' masked lastError instead.
  av_log_set_level(AV_LOG_QUIET);
  Napi::Function source_pool = mosaic::SourcePoolWrap::Define(env);
  auto* data = new mosaic::AddonData();
  data->source_pool = Napi::Persistent(source_pool);
  env.SetInstanceData(data);
  exports.Set("SourcePool", source_pool);
  exports.Set("Stitcher", mosaic::StitcherWrap::Define(env));
  exports.Set("ffmpegVersion", Napi::String::New(env, av_version_info()));
  return exports;
}

}  // namespace

NODE_API_MODULE(camera_mosaic, Init)
