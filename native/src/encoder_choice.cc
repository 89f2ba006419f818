#include "encoder_choice.h"

#include <stdexcept>

namespace mosaic {

EncoderChoice ChooseEncoder(const EncoderOptions& options) {
  EncoderChoice choice;
  choice.codec = avcodec_find_encoder_by_name("libx264");
  if (!choice.codec) throw std::runtime_error("libx264 encoder not available in this FFmpeg");
  choice.pixel_format = AV_PIX_FMT_YUV420P;
  choice.settings = {
      {"preset", options.preset},
      {"tune", "zerolatency"},
      {"profile", options.profile},
      // Forced keyframes become IDRs (a viewer can only start on an IDR), and SPS/PPS go before
      // each.
      {"forced-idr", "1"},
      {"x264-params", "repeat-headers=1:scenecut=0"},
  };
  choice.thread_name = "cm-x264";
  return choice;
}

}  // namespace mosaic
