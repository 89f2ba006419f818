#include "publisher.h"

#include <algorithm>

#include "av_error.h"
#include "thread_name.h"
#include "url_text.h"

namespace mosaic {
namespace {

// Two seconds at 25 fps: a server that stalls longer than that loses video, not memory.
constexpr size_t kQueueLimit = 50;

// SPS and PPS NAL units (with their start codes) from an Annex-B keyframe: the stream's
// extradata, which the RTSP muxer puts into the SDP's sprop-parameter-sets.
std::vector<uint8_t> ParameterSets(const std::vector<uint8_t>& annex_b) {
  std::vector<uint8_t> sets;
  const size_t size = annex_b.size();
  size_t i = 0;
  auto start_code_at = [&](size_t at) {
    return at + 3 <= size && annex_b[at] == 0 && annex_b[at + 1] == 0 && annex_b[at + 2] == 1;
  };
  while (i < size && !start_code_at(i)) i++;
  while (i < size) {
    const size_t nal = i + 3;
    size_t next = nal;
    while (next < size && !start_code_at(next)) next++;
    size_t end = next;
    while (end > nal && annex_b[end - 1] == 0) end--;  // trailing zeros belong to the next start code
    const int type = nal < size ? annex_b[nal] & 0x1f : 0;
    if (type == 7 || type == 8) {  // H.264 §7.4.1.2: SPS, PPS
      sets.insert(sets.end(), {0, 0, 0, 1});
      sets.insert(sets.end(), annex_b.begin() + nal, annex_b.begin() + end);
    }
    i = next;
  }
  return sets;
}

}  // namespace

const char* PublisherStateName(PublisherState state) {
  switch (state) {
    case PublisherState::kConnecting: return "connecting";
    case PublisherState::kLive: return "live";
    case PublisherState::kOffline: return "offline";
  }
  return "offline";
}

Publisher::Publisher(PublisherOptions options, int width, int height,
                     PublisherStateListener listener, std::function<void()> request_keyframe)
    : options_(std::move(options)),
      width_(width),
      height_(height),
      listener_(std::move(listener)),
      request_keyframe_(std::move(request_keyframe)),
      password_(UrlPassword(options_.url)) {
  stats_.id = options_.id;
}

Publisher::~Publisher() {
  RequestStop();
  Join();
}

void Publisher::Start() {
  thread_ = std::thread([this] {
    NameThisThread("cm-pub " + options_.id);
    Run();
  });
}

void Publisher::RequestStop() {
  std::lock_guard<std::mutex> lock(mutex_);
  interrupt_.RequestStop();
  wake_.notify_all();
}

void Publisher::Join() {
  if (thread_.joinable()) thread_.join();
}

void Publisher::Push(std::shared_ptr<const AccessUnit> unit) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (queue_.size() >= kQueueLimit) {
    // The server is not keeping up: start again from the next keyframe rather than grow. The
    // send loop must then skip to a keyframe too (and ask for one): a delta unit after the gap
    // refers to pictures the server never got, and it would show smeared until the next IDR.
    stats_.dropped += queue_.size();
    queue_.clear();
    resync_ = true;
  }
  queue_.push_back(std::move(unit));
  wake_.notify_all();
}

std::shared_ptr<const AccessUnit> Publisher::NextUnit(bool keyframe_only) {
  bool keyframe_asked = false;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!interrupt_.stopping()) {
    while (!queue_.empty()) {
      std::shared_ptr<const AccessUnit> unit = std::move(queue_.front());
      queue_.pop_front();
      if ((!keyframe_only && !resync_) || unit->keyframe) {
        resync_ = false;
        return unit;
      }
      stats_.dropped++;
    }
    if (resync_ && !keyframe_asked && request_keyframe_) {
      // Not under our lock: the encoder takes its own, and Push (under ours) runs on its thread.
      keyframe_asked = true;
      lock.unlock();
      request_keyframe_();
      lock.lock();
      continue;
    }
    wake_.wait_for(lock, std::chrono::milliseconds(200));
  }
  return nullptr;
}

void Publisher::Run() {
  Backoff backoff(options_.reconnect_initial_ms, options_.reconnect_max_ms);
  bool first_attempt = true;
  while (!interrupt_.stopping()) {
    if (!first_attempt) {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.reconnects++;
    }
    first_attempt = false;
    // As a camera (Source::Run): a failed output stays offline, with its reason, while it is
    // retried, so a media server that hangs reads offline rather than "connecting".
    if (Stats().state != PublisherState::kOffline) SetState(PublisherState::kConnecting, "");
    // A receiver can only start on an IDR (with SPS/PPS): ask for one and wait for it.
    if (request_keyframe_) request_keyframe_();
    std::shared_ptr<const AccessUnit> keyframe = NextUnit(true);
    if (!keyframe) break;

    OutputContextPtr output;
    bool delivered = false;
    if (Connect(*keyframe, &output)) {
      SetState(PublisherState::kLive, "");
      const int64_t first_pts = keyframe->pts;
      bool ok = Send(output.get(), *keyframe, first_pts);
      while (ok && !interrupt_.stopping()) {
        std::shared_ptr<const AccessUnit> unit = NextUnit(false);
        if (!unit) break;
        ok = Send(output.get(), *unit, first_pts);
        delivered = true;
      }
      // Always: it frees the muxer's state (and says TEARDOWN over RTSP), bounded like any I/O.
      interrupt_.SetDeadline(1000);
      av_write_trailer(output.get());
      output.reset();
    }
    if (interrupt_.stopping()) break;
    if (delivered) backoff.Reset();
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(backoff.Next()), [this] { return interrupt_.stopping(); });
  }
  interrupt_.ClearDeadline();
}

bool Publisher::Connect(const AccessUnit& keyframe, OutputContextPtr* output) {
  const bool rtsp = options_.kind == PublisherOptions::Kind::kRtsp;
  AVFormatContext* raw = nullptr;
  int result = avformat_alloc_output_context2(&raw, nullptr, rtsp ? "rtsp" : "rtp",
                                              options_.url.c_str());
  if (result < 0 || !raw) {
    Fail(AvErrorText("create output", result));
    return false;
  }
  OutputContextPtr owned(raw);
  raw->interrupt_callback = interrupt_.callback();

  AVStream* stream = avformat_new_stream(raw, nullptr);
  if (!stream) {
    Fail("out of memory");
    return false;
  }
  stream->time_base = {1, 90000};
  AVCodecParameters* params = stream->codecpar;
  params->codec_type = AVMEDIA_TYPE_VIDEO;
  params->codec_id = AV_CODEC_ID_H264;
  params->width = width_;
  params->height = height_;
  const std::vector<uint8_t> sets = ParameterSets(keyframe.data);
  params->extradata = static_cast<uint8_t*>(av_mallocz(sets.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!params->extradata) {
    Fail("out of memory");
    return false;
  }
  std::copy(sets.begin(), sets.end(), params->extradata);
  params->extradata_size = static_cast<int>(sets.size());

  Dictionary settings;
  if (rtsp) {
    settings.Set("rtsp_transport", options_.transport == Transport::kUdp ? "udp" : "tcp");
  } else {
    settings.Set("payload_type", options_.payload_type);
  }
  interrupt_.SetDeadline(options_.io_timeout_ms);
  if (!(raw->oformat->flags & AVFMT_NOFILE)) {
    result = avio_open2(&raw->pb, options_.url.c_str(), AVIO_FLAG_WRITE, &raw->interrupt_callback,
                        nullptr);
    if (result < 0) {
      Fail(AvErrorText("open", result));
      return false;
    }
  }
  result = avformat_write_header(raw, settings.Address());
  if (result < 0) {
    Fail(result == AVERROR_EXIT ? "no answer within " + std::to_string(options_.io_timeout_ms) + " ms"
                                : AvErrorText("connect", result));
    return false;
  }
  *output = std::move(owned);
  return true;
}

bool Publisher::Send(AVFormatContext* output, const AccessUnit& unit, int64_t first_pts) {
  PacketPtr packet = MakePacket();
  if (av_new_packet(packet.get(), static_cast<int>(unit.data.size())) < 0) {
    Fail("out of memory");
    return false;
  }
  std::copy(unit.data.begin(), unit.data.end(), packet->data);
  packet->stream_index = 0;
  packet->pts = packet->dts = av_rescale_q(unit.pts - first_pts, {1, 90000},
                                           output->streams[0]->time_base);
  if (unit.keyframe) packet->flags |= AV_PKT_FLAG_KEY;
  interrupt_.SetDeadline(options_.io_timeout_ms);
  const int result = av_write_frame(output, packet.get());
  if (result < 0) {
    Fail(AvErrorText("send", result));
    return false;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.bytes += unit.data.size();
  stats_.units++;
  return true;
}

void Publisher::SetState(PublisherState state, const std::string& error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stats_.state == state && (error.empty() || error == stats_.last_error)) return;
    stats_.state = state;
    if (!error.empty()) stats_.last_error = error;
  }
  if (listener_) listener_(options_.id, state, error);
}

void Publisher::Fail(const std::string& error) {
  if (interrupt_.stopping()) return;
  SetState(PublisherState::kOffline, RedactSecret(RedactSecret(error, options_.url), password_));
}

PublisherStats Publisher::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

}  // namespace mosaic
