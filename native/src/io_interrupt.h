// What Source and Publisher threads share: blocking FFmpeg I/O that their owner can cut short
// (a stop request, or a deadline per operation: connect, read, teardown) through
// AVFormatContext's interrupt callback, and a capped exponential back-off between reconnects.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "ffmpeg.h"

namespace mosaic {

class RtspGuard;

class IoInterrupt {
 public:
  // For AVFormatContext::interrupt_callback; valid while this object lives.
  AVIOInterruptCB callback() { return {&IoInterrupt::Check, this}; }

  // Any thread: every blocking call of the worker returns soon after.
  void RequestStop() { stop_ = true; }
  // Before a stopped worker runs again.
  void Rearm() {
    stop_ = false;
    refused_ = false;
  }
  bool stopping() const { return stop_; }

  // The worker's thread: every blocking call gives up, as for a stop, until ClearRefusal(); the
  // refuser keeps the reason (an RTSP answer the camera may not give, rtsp_guard.h).
  void Refuse() { refused_ = true; }
  void ClearRefusal() { refused_ = false; }
  bool refused() const { return refused_; }

  // The guard watching this connection's RTSP answers, or null.
  void set_guard(RtspGuard* guard) { guard_ = guard; }
  RtspGuard* guard() const { return guard_; }
  // The IoInterrupt behind an AVFormatContext's callback, or null when it is not one: how a log
  // line about a context finds the worker it belongs to.
  static IoInterrupt* Behind(const AVIOInterruptCB& callback) {
    return callback.callback == &IoInterrupt::Check ? static_cast<IoInterrupt*>(callback.opaque)
                                                    : nullptr;
  }

  // The worker's thread: the next blocking operation gives up `timeout_ms` from now.
  void SetDeadline(int64_t timeout_ms) { deadline_us_ = av_gettime_relative() + timeout_ms * 1000; }
  void ClearDeadline() { deadline_us_ = 0; }
  // Whether the current deadline has passed: FFmpeg does not always pass our AVERROR_EXIT on
  // (RTSP turns a DESCRIBE with no reply into AVERROR_INVALIDDATA), so a caller asks this to
  // name a timeout as a timeout.
  bool DeadlinePassed() const {
    const int64_t deadline = deadline_us_.load();
    return deadline != 0 && av_gettime_relative() > deadline;
  }

 private:
  static int Check(void* opaque) {
    const auto* self = static_cast<const IoInterrupt*>(opaque);
    return self->stop_ || self->refused_ || self->DeadlinePassed() ? 1 : 0;
  }

  std::atomic<bool> stop_{false};
  std::atomic<bool> refused_{false};
  RtspGuard* guard_ = nullptr;
  std::atomic<int64_t> deadline_us_{0};
};

// Doubles from `initial_ms` up to `max_ms`; Reset() after a connection that worked, so the next
// failure is a new incident.
class Backoff {
 public:
  Backoff(int64_t initial_ms, int64_t max_ms) : initial_ms_(initial_ms), max_ms_(max_ms), next_ms_(initial_ms) {}
  int64_t Next() {
    const int64_t delay = next_ms_;
    next_ms_ = std::min(next_ms_ * 2, max_ms_);
    return delay;
  }
  void Reset() { next_ms_ = initial_ms_; }

 private:
  const int64_t initial_ms_;
  const int64_t max_ms_;
  int64_t next_ms_;
};

}  // namespace mosaic
