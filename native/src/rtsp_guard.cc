#include "rtsp_guard.h"

#include <strings.h>

#include <cctype>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "io_interrupt.h"
#include "url_text.h"

namespace mosaic {
namespace {

// libavformat/rtsp.c, ff_rtsp_read_reply(): each header line of an answer, as read.
constexpr const char* kAnswerLineFormat = "line='%s'\n";
// No protocol has this name: once set as the context's whitelist, FFmpeg cannot open another
// connection for it (a redirect it would follow).
constexpr const char* kNoProtocol = "camera-mosaic-refused";

bool StartsWithNoCase(const char* text, const char* prefix, const char** rest) {
  const size_t length = std::strlen(prefix);
  if (strncasecmp(text, prefix, length) != 0) return false;
  *rest = text + length;
  while (**rest == ' ' || **rest == '\t') ++*rest;
  return true;
}

void WatchLog(void* avcl, int level, const char* format, va_list args) {
  if (avcl && format && std::strcmp(format, kAnswerLineFormat) == 0 &&
      *static_cast<const AVClass* const*>(avcl) == avformat_get_class()) {
    auto* context = static_cast<AVFormatContext*>(avcl);
    IoInterrupt* interrupt = IoInterrupt::Behind(context->interrupt_callback);
    if (interrupt && interrupt->guard()) {
      va_list copy;
      va_copy(copy, args);
      const char* line = va_arg(copy, const char*);
      va_end(copy);
      interrupt->guard()->OnAnswerLine(context, line ? line : "");
    }
  }
  av_log_default_callback(avcl, level, format, args);
}

struct Origin {
  std::string scheme;
  std::string host;
  int port = -1;
  std::string credentials;
};

Origin ParseOrigin(const std::string& url) {
  char scheme[16] = "", credentials[512] = "", host[512] = "", path[8] = "";
  Origin origin;
  av_url_split(scheme, sizeof(scheme), credentials, sizeof(credentials), host, sizeof(host),
               &origin.port, path, sizeof(path), url.c_str());
  origin.scheme = scheme;
  for (char& c : origin.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  origin.host = host;
  for (char& c : origin.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (origin.port < 0) origin.port = origin.scheme == "rtsps" ? 322 : 554;
  origin.credentials = credentials;
  return origin;
}

}  // namespace

void RtspGuard::InstallLogWatch() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(WatchLog); });
}

void RtspGuard::Arm(const std::string& url, IoInterrupt* interrupt) {
  interrupt_ = interrupt;
  tls_with_password_ = ParseOrigin(url).scheme == "rtsps" && !UrlPassword(url).empty();
  refusal_.clear();
  redirect_location_.clear();
  status_ = 0;
}

void RtspGuard::OnAnswerLine(AVFormatContext* context, const char* line) {
  if (!interrupt_ || !refusal_.empty()) return;
  const char* rest = nullptr;
  if (StartsWithNoCase(line, "RTSP/", &rest)) {  // a new answer
    const char* space = std::strchr(line, ' ');
    status_ = space ? std::atoi(space + 1) : 0;
    offers_basic_ = offers_digest_ = false;
    location_.clear();
  } else if (*line == '\0') {
    OnEndOfHeaders(context);
  } else if (StartsWithNoCase(line, "Content-Length:", &rest)) {
    // FFmpeg allocates this much (with an int that a larger number wraps) and reads it whole.
    const long long bytes = std::strtoll(rest, nullptr, 10);
    if (bytes > kMaxAnswerBodyBytes) {
      Refuse(context, "the camera announced an RTSP answer of " + std::to_string(bytes) +
                          " bytes (more than the " + std::to_string(kMaxAnswerBodyBytes) +
                          " accepted)");
    }
  } else if (StartsWithNoCase(line, "WWW-Authenticate:", &rest)) {
    if (StartsWithNoCase(rest, "Basic", &rest)) offers_basic_ = true;
    if (StartsWithNoCase(rest, "Digest", &rest)) offers_digest_ = true;
  } else if (StartsWithNoCase(line, "Location:", &rest)) {
    location_ = rest;
  }
}

void RtspGuard::OnEndOfHeaders(AVFormatContext* context) {
  if (status_ >= 300 && status_ < 400) {
    // Refused here, followed (or not) by the source: FFmpeg would reuse the first URL's
    // credentials for whatever host the camera names.
    redirect_location_ = location_.empty() ? std::string("(no Location)") : location_;
    Refuse(context, "redirect");
  } else if (status_ == 401 && tls_with_password_ && offers_basic_ && !offers_digest_) {
    // FFmpeg prefers Digest whenever it is offered; Basic would hand the password itself to
    // whoever holds the (unverified) certificate.
    Refuse(context,
           "the camera asks for Basic authentication over rtsps://, whose certificate FFmpeg does "
           "not verify: the password was not sent (enable Digest authentication on the camera)");
  }
}

void RtspGuard::Refuse(AVFormatContext* context, const std::string& reason) {
  refusal_ = reason;
  interrupt_->Refuse();
  av_opt_set(context, "protocol_whitelist", kNoProtocol, 0);
}

bool SameRtspOrigin(const std::string& a, const std::string& b) {
  const Origin first = ParseOrigin(a);
  const Origin second = ParseOrigin(b);
  return first.scheme == second.scheme && first.host == second.host && first.port == second.port;
}

std::string RedirectUrl(const std::string& configured, const std::string& location) {
  const Origin from = ParseOrigin(configured);
  if (from.credentials.empty() || !ParseOrigin(location).credentials.empty() ||
      !SameRtspOrigin(configured, location)) {
    return location;
  }
  const size_t authority = location.find("://");
  if (authority == std::string::npos) return location;
  const size_t host = authority + 3;
  return location.substr(0, host) + from.credentials + "@" + location.substr(host);
}

}  // namespace mosaic
