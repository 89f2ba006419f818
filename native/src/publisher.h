// One output to a media server: the main rendition's access units, as encoded (no second
// encode), published over RTSP (ANNOUNCE/RECORD, e.g. to MediaMTX) or sent as plain RTP
// (RFC 6184, e.g. to a Janus Streaming mountpoint). Its own thread, a bounded queue, reconnects
// with capped back-off; a failing output never holds up the mosaic.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "av_ptr.h"
#include "io_interrupt.h"
#include "encoder.h"
#include "options.h"

namespace mosaic {

enum class PublisherState { kConnecting, kLive, kOffline };
const char* PublisherStateName(PublisherState state);

struct PublisherOptions {
  std::string id;  // the caller's name for it, for stats and events
  enum class Kind { kRtsp, kRtp } kind = Kind::kRtsp;
  std::string url;  // rtsp://… for kRtsp; rtp://host:port for kRtp
  Transport transport = Transport::kTcp;
  int payload_type = 96;
  int reconnect_initial_ms = 500;
  int reconnect_max_ms = 10000;
  int io_timeout_ms = 5000;
};

struct PublisherStats {
  std::string id;
  PublisherState state = PublisherState::kConnecting;
  uint64_t bytes = 0;
  uint64_t units = 0;     // access units sent
  uint64_t dropped = 0;   // access units dropped (queue full or waiting for a keyframe)
  uint64_t reconnects = 0;
  std::string last_error;  // password masked
};

using PublisherStateListener =
    std::function<void(const std::string& id, PublisherState state, const std::string& error)>;

class Publisher {
 public:
  Publisher(PublisherOptions options, int width, int height, PublisherStateListener listener,
            std::function<void()> request_keyframe);
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;
  ~Publisher();

  void Start();
  void RequestStop();
  void Join();

  // Clock thread: queues a unit; never blocks.
  void Push(std::shared_ptr<const AccessUnit> unit);
  PublisherStats Stats() const;

 private:
  void Run();
  bool Connect(const AccessUnit& keyframe, OutputContextPtr* output);
  bool Send(AVFormatContext* output, const AccessUnit& unit, int64_t first_pts);
  std::shared_ptr<const AccessUnit> NextUnit(bool keyframe_only);
  void SetState(PublisherState state, const std::string& error);
  void Fail(const std::string& error);

  const PublisherOptions options_;
  const int width_;
  const int height_;
  const PublisherStateListener listener_;
  const std::function<void()> request_keyframe_;
  const std::string password_;

  std::thread thread_;
  IoInterrupt interrupt_;

  mutable std::mutex mutex_;  // guards the queue, resync_, stats_
  std::condition_variable wake_;
  std::deque<std::shared_ptr<const AccessUnit>> queue_;
  // Set when Push dropped the queue: the next unit sent must be a keyframe.
  bool resync_ = false;
  PublisherStats stats_;
};

}  // namespace mosaic
