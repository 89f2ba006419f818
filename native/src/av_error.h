// FFmpeg error codes as text a user can act on.
#pragma once

#include <string>

namespace mosaic {

// "what failed: FFmpeg's reason", e.g. "open input: Connection refused".
std::string AvErrorText(const std::string& what, int error_code);

}  // namespace mosaic
