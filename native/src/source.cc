#include "source.h"

#include <algorithm>

#include "av_error.h"
#include "ffmpeg_compat.h"
#include "packet_arrivals.h"
#include "thread_name.h"
#include "url_text.h"

namespace mosaic {
namespace {

int64_t NowUs() { return av_gettime_relative(); }

constexpr int64_t kMotionWithoutKeyframeUs = 5 * 1000 * 1000;

bool StartsWith(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Deliberate decoder threading (see DESIGN.md): every camera already has a thread, and frame
// threading adds a frame of latency per thread, so only very large streams get a second thread.
int DecoderThreadsFor(int width, int height) {
  return static_cast<int64_t>(width) * height > 1920 * 1088 ? 2 : 1;
}

}  // namespace

const char* SourceStateName(SourceState state) {
  switch (state) {
    case SourceState::kConnecting: return "connecting";
    case SourceState::kLive: return "live";
    case SourceState::kStale: return "stale";
    case SourceState::kOffline: return "offline";
    case SourceState::kIdle: return "idle";
  }
  return "offline";
}

Source::Source(CameraOptions options, std::string stream, SourceStateListener listener,
               MotionListener motion_listener)
    : options_(std::move(options)),
      stream_(std::move(stream)),
      listener_(std::move(listener)),
      motion_listener_(std::move(motion_listener)),
      is_demo_(StartsWith(options_.url, "demo:")),
      password_(UrlPassword(options_.url)) {
  stats_.name = options_.name;
  stats_.stream = stream_;
  if (options_.detect_motion && options_.motion.enabled) {
    motion_ = std::make_unique<MotionDetector>(options_.motion);
    stats_.motion_scored = true;
  }
}

Source::~Source() {
  RequestStop();
  Join();
}

void Source::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started_at_us_ = NowUs();
    latest_.reset();  // a reopened stream never shows the picture from before it was closed
  }
  interrupt_.Rearm();
  running_ = true;
  thread_ = std::thread([this] {
    NameThisThread((stream_ == "sub" ? "cm-sub " : "cm-cam ") + options_.name);
    Run();
  });
}

void Source::MarkIdle() { SetState(SourceState::kIdle, ""); }

bool Source::HasFreshFrame() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return latest_ && (NowUs() - latest_at_us_) / 1000 <= options_.stale_after_ms;
}

int Source::width() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_.width;
}

void Source::RequestStop() {
  interrupt_.RequestStop();
  std::lock_guard<std::mutex> lock(wake_mutex_);
  wake_.notify_all();
}

void Source::Join() {
  if (thread_.joinable()) thread_.join();
  running_ = false;
}

bool Source::SleepInterruptibly(int64_t duration_ms) {
  std::unique_lock<std::mutex> lock(wake_mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(duration_ms), [this] { return interrupt_.stopping(); });
  return !interrupt_.stopping();
}

void Source::Run() {
  Backoff backoff(options_.reconnect_initial_ms, options_.reconnect_max_ms);
  bool first_attempt = true;
  while (!interrupt_.stopping()) {
    if (!first_attempt) {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.reconnects++;
    }
    first_attempt = false;
    // A camera that failed stays offline, with its reason, while it is retried: "connecting" is
    // for the first attempt. Otherwise a camera that accepts connections and never answers would
    // read "connecting" nearly all the time, as if it were about to play.
    if (Stats().state != SourceState::kOffline) SetState(SourceState::kConnecting, "");

    FormatContextPtr input;
    CodecContextPtr decoder;
    int stream_index = -1;
    const uint64_t frames_before = Stats().frames;
    if (Open(&input, &decoder, &stream_index)) {
      ReadUntilFailure(input.get(), decoder.get(), stream_index);
    }
    // Closing sends RTSP TEARDOWN; bound it like any other I/O so a dead camera cannot hang us.
    interrupt_.SetDeadline(1000);
    input.reset();
    if (interrupt_.stopping()) break;

    // A connection that delivered frames resets the back-off: the next failure is a new incident.
    if (Stats().frames > frames_before) backoff.Reset();
    if (!SleepInterruptibly(backoff.Next())) break;
  }
  interrupt_.ClearDeadline();
}

bool Source::Open(FormatContextPtr* input, CodecContextPtr* decoder, int* stream_index) {
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) {
    Fail("out of memory");
    return false;
  }
  raw->interrupt_callback = interrupt_.callback();

  std::string open_url = options_.url;
  const AVInputFormat* format = nullptr;
  Dictionary options;
  if (is_demo_) {
    std::string error;
    if (!DemoUrlToLavfiGraph(options_.url, &open_url, &error)) {
      avformat_free_context(raw);
      Fail(error);
      return false;
    }
    format = av_find_input_format("lavfi");
  } else {
    options.Set("rtsp_transport", options_.transport == Transport::kUdp ? "udp" : "tcp");
    // libavformat's own socket timeout is a backstop a second behind our deadlines (interrupt_),
    // which fire first and say what happened ("no answer within 5000 ms"); its own expiry would
    // surface as a misleading "Invalid data found when processing input".
    const int backstop_ms = std::max(options_.open_timeout_ms, options_.read_timeout_ms) + 1000;
    options.Set("timeout", static_cast<int64_t>(backstop_ms) * 1000);
    options.Set("allowed_media_types", "video");
    options.Set("user_agent", "camera-mosaic");
    // Cameras are live: no jitter buffering beyond what UDP reordering needs.
    options.Set("fflags", "nobuffer");
    if (options_.transport == Transport::kUdp) options.Set("max_delay", 200000);
  }

  interrupt_.SetDeadline(options_.open_timeout_ms);
  int result = avformat_open_input(&raw, open_url.c_str(), format, options.Address());
  if (result < 0) {  // avformat_open_input freed `raw` itself
    Fail(result == AVERROR_EXIT || interrupt_.DeadlinePassed()
             ? "no answer within " + std::to_string(options_.open_timeout_ms) + " ms"
             : AvErrorText("open", result));
    return false;
  }
  input->reset(raw);

  // No avformat_find_stream_info: RTSP's SDP (and lavfi) already name the codec and carry the
  // parameter sets, and probing would delay the first picture by up to seconds.
  result = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (result < 0) {
    // Name what the camera offers, so "unsupported codec" is told apart from "no video at all".
    std::string offered;
    for (unsigned i = 0; i < raw->nb_streams; i++) {
      const AVCodecParameters* params = raw->streams[i]->codecpar;
      const char* type = av_get_media_type_string(params->codec_type);
      offered += std::string(offered.empty() ? "" : ", ") + (type ? type : "unknown") + "/" +
                 avcodec_get_name(params->codec_id);
    }
    Fail("unsupported codec: no video stream this FFmpeg decodes (camera offers " +
         (offered.empty() ? std::string("nothing") : offered) + ")");
    return false;
  }
  *stream_index = result;
  for (unsigned i = 0; i < raw->nb_streams; i++) {
    if (static_cast<int>(i) != *stream_index) raw->streams[i]->discard = AVDISCARD_ALL;
  }

  const AVCodecParameters* params = raw->streams[*stream_index]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(params->codec_id);
  if (!codec) {
    Fail(params->codec_id == AV_CODEC_ID_NONE
             ? std::string("unsupported codec: FFmpeg does not know the camera's video codec")
             : std::string("unsupported codec ") + avcodec_get_name(params->codec_id) +
                   ": no decoder in this FFmpeg");
    return false;
  }
  decoder->reset(avcodec_alloc_context3(codec));
  if (!*decoder || avcodec_parameters_to_context(decoder->get(), params) < 0) {
    Fail("cannot set up decoder");
    return false;
  }
  (*decoder)->thread_count = DecoderThreadsFor(params->width, params->height);
  (*decoder)->flags |= AV_CODEC_FLAG_LOW_DELAY;
  result = avcodec_open2(decoder->get(), codec, nullptr);
  if (result < 0) {
    Fail(AvErrorText("open decoder", result));
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.codec = codec->name;
  }
  demo_first_pts_ = AV_NOPTS_VALUE;
  keyframe_seen_ = false;
  connected_at_us_ = NowUs();
  // A new connection is a new baseline: what changed while the camera was away is not motion.
  if (motion_) motion_ = std::make_unique<MotionDetector>(options_.motion);
  return true;
}

void Source::PaceDemoPacket(const AVPacket* packet, const AVStream* stream) {
  if (packet->pts == AV_NOPTS_VALUE) return;
  if (demo_first_pts_ == AV_NOPTS_VALUE) {
    demo_first_pts_ = packet->pts;
    demo_clock_start_us_ = NowUs();
    return;
  }
  const int64_t due_us = demo_clock_start_us_ + av_rescale_q(packet->pts - demo_first_pts_,
                                                             stream->time_base, {1, 1000000});
  const int64_t wait_us = due_us - NowUs();
  if (wait_us <= 0) return;
  std::unique_lock<std::mutex> lock(wake_mutex_);
  wake_.wait_for(lock, std::chrono::microseconds(wait_us), [this] { return interrupt_.stopping(); });
}

void Source::ReadUntilFailure(AVFormatContext* input, AVCodecContext* decoder, int stream_index) {
  PacketPtr packet = MakePacket();
  FramePtr frame = MakeFrame();
  PacketArrivals arrivals;
  const AVStream* stream = input->streams[stream_index];
  while (!interrupt_.stopping()) {
    interrupt_.SetDeadline(options_.read_timeout_ms);
    const int result = av_read_frame(input, packet.get());
    if (result < 0) {
      if (interrupt_.stopping()) return;
      const bool timed_out = result == AVERROR_EXIT || interrupt_.DeadlinePassed();
      Fail(timed_out ? "no data for " + std::to_string(options_.read_timeout_ms) + " ms"
                     : AvErrorText("read", result));
      return;
    }
    if (packet->stream_index != stream_index) {
      av_packet_unref(packet.get());
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.bytes += packet->size;
    }
    if (is_demo_) PaceDemoPacket(packet.get(), stream);

    arrivals.Add(packet->pts, NowUs());
    int sent = avcodec_send_packet(decoder, packet.get());
    av_packet_unref(packet.get());
    if (sent < 0 && sent != AVERROR(EAGAIN)) {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.errors++;  // a broken packet costs a frame, never the connection
      continue;
    }
    while (avcodec_receive_frame(decoder, frame.get()) == 0) {
      // Damage the decoder concealed (lost or broken slices) costs no packet, only picture
      // quality: count it, or a camera sending broken data would look healthy.
      if (frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT) != 0) {
        std::lock_guard<std::mutex> lock(mutex_);
        stats_.errors++;
      }
      OnFrame(frame.get(), arrivals.Find(frame->pts));
      av_frame_unref(frame.get());
    }
  }
}

void Source::OnFrame(const AVFrame* frame, int64_t arrival_us) {
  FramePtr newest = RefFrame(frame);
  if (!newest) return;
  const int64_t now = NowUs();
  bool became_live = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    latest_ = std::move(newest);
    latest_arrival_us_ = arrival_us;
    sequence_++;
    latest_at_us_ = now;
    arrivals_us_[stats_.frames % 64] = now;
    stats_.frames++;
    stats_.width = frame->width;
    stats_.height = frame->height;
    became_live = stats_.state != SourceState::kLive;
  }
  if (became_live) SetState(SourceState::kLive, "");
  // A stream with no keyframes at all (intra refresh) is scored after a few seconds anyway.
  keyframe_seen_ = keyframe_seen_ || FrameIsKeyframe(frame) ||
                   now - connected_at_us_ > kMotionWithoutKeyframeUs;
  if (motion_ && keyframe_seen_ && motion_->OnFrame(frame, now) && motion_listener_) {
    motion_listener_(options_.name, motion_->active(), motion_->score());
  }
}

void Source::SetState(SourceState state, const std::string& error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stats_.state == state && (error.empty() || error == stats_.last_error)) return;
    stats_.state = state;
    if (!error.empty()) stats_.last_error = error;
  }
  if (listener_) listener_(options_.name, stream_, state, error);
}

void Source::Fail(const std::string& error) {
  if (interrupt_.stopping()) return;  // failures caused by our own interrupt are not the camera's
  const std::string safe = RedactSecret(RedactSecret(error, options_.url), password_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.errors++;
  }
  SetState(SourceState::kOffline, safe);
}

void Source::UpdateStaleness(int64_t now_us) {
  bool became_stale = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stats_.state == SourceState::kLive &&
        now_us - latest_at_us_ > static_cast<int64_t>(options_.stale_after_ms) * 1000) {
      stats_.state = SourceState::kStale;
      became_stale = true;
    }
  }
  if (became_stale && listener_) listener_(options_.name, stream_, SourceState::kStale, "");
}

bool Source::TakeNewerFrame(uint64_t known_sequence, FramePtr* frame, uint64_t* sequence,
                            int64_t* age_ms, int64_t* arrival_us) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t since = latest_ ? latest_at_us_ : started_at_us_;
  *age_ms = (NowUs() - since) / 1000;
  if (!latest_ || sequence_ == known_sequence) return false;
  *frame = RefFrame(latest_.get());
  *sequence = sequence_;
  *arrival_us = latest_arrival_us_;
  return *frame != nullptr;
}

SourceStats Source::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  SourceStats copy = stats_;
  if (motion_) {
    copy.motion_active = motion_->active();
    copy.motion_score = motion_->score();
  }
  // fps over the arrivals of the last 2 s found in the ring.
  const int64_t now = NowUs();
  const uint64_t count = std::min<uint64_t>(stats_.frames, 64);
  int64_t oldest = now;
  uint64_t recent = 0;
  for (uint64_t i = 0; i < count; i++) {
    const int64_t at = arrivals_us_[i];
    if (now - at <= 2000000) {
      recent++;
      oldest = std::min(oldest, at);
    }
  }
  if (recent >= 2 && now > oldest) copy.fps = (recent - 1) * 1e6 / static_cast<double>(now - oldest);
  return copy;
}

}  // namespace mosaic
