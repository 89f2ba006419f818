#include "av_error.h"

#include "ffmpeg.h"

namespace mosaic {

std::string AvErrorText(const std::string& what, int error_code) {
  char reason[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(error_code, reason, sizeof(reason));
  return what + ": " + reason;
}

}  // namespace mosaic
