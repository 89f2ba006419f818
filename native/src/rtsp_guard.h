// What a hostile camera may not make FFmpeg's RTSP client do: follow a redirect on its own (and
// carry the camera's credentials to wherever it points), allocate and fill the body of an answer
// of any announced size, or send the password as Basic authentication over a TLS connection whose
// certificate nobody checked.
//
// FFmpeg's RTSP client (5.1 to 8.x) has no option for any of this: it follows every 3xx itself,
// keeps the credentials of the first URL for the next host, allocates whatever Content-Length
// says, and hands its TLS layer no options, so rtsps:// never verifies a certificate. What it does
// have is a fixed order: it logs each header line of an answer at trace level ("line='...'"), on
// the AVFormatContext, right after reading the line and before acting on the answer, and it checks
// the context's interrupt callback before every read, write and connect wait that follows. So the
// guard reads those lines through a log callback, finds its source through the context's
// interrupt callback (IoInterrupt), and refuses by making that callback say "stop".
//
// Why not something else: a DESCRIBE of our own before FFmpeg's is a second connection that a
// hostile camera can answer differently; av_max_alloc() is process-wide and would also cap the
// decoders and encoders; a proxy in front of FFmpeg would carry every media byte once more.
#pragma once

#include <cstdint>
#include <string>

#include "ffmpeg.h"

namespace mosaic {

class IoInterrupt;

class RtspGuard {
 public:
  // Bigger than any SDP or keep-alive answer a camera sends (a few KiB), far below what hurts.
  static constexpr int64_t kMaxAnswerBodyBytes = 64 * 1024;

  // Once per process, before the first RTSP open: routes FFmpeg's log through the guard (and
  // everything on to FFmpeg's own logger, as before).
  static void InstallLogWatch();

  // Before each open of `url` (the URL FFmpeg gets, credentials included). Answers are refused
  // through `interrupt`.
  void Arm(const std::string& url, IoInterrupt* interrupt);
  void Disarm() { interrupt_ = nullptr; }

  // Why the last answer was refused ("" when none was); a redirect is refused too and only
  // recorded, for the source to decide (see redirect_location()).
  const std::string& refusal() const { return refusal_; }
  // Where the camera redirected us ("" when it did not): FFmpeg was stopped before connecting.
  const std::string& redirect_location() const { return redirect_location_; }

  // The log watch, on the thread reading the answer.
  void OnAnswerLine(AVFormatContext* context, const char* line);

 private:
  void Refuse(AVFormatContext* context, const std::string& reason);
  void OnEndOfHeaders(AVFormatContext* context);

  IoInterrupt* interrupt_ = nullptr;
  bool tls_with_password_ = false;  // rtsps:// and a password in the URL
  std::string refusal_;
  std::string redirect_location_;
  // The answer being read.
  int status_ = 0;
  bool offers_basic_ = false;
  bool offers_digest_ = false;
  std::string location_;
};

// Whether `a` and `b` name the same scheme, host and port, so credentials for one may go to the
// other. A missing port is the scheme's default (554 for rtsp, 322 for rtsps).
bool SameRtspOrigin(const std::string& a, const std::string& b);

// `location` with the credentials of `configured` when it is the same origin and names none of
// its own; otherwise `location` as it is (credentials never go to another host).
std::string RedirectUrl(const std::string& configured, const std::string& location);

}  // namespace mosaic
