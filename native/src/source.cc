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

// Deliberate decoder threading (docs/ARCHITECTURE.md, "Why it is fast"): every camera already has
// a thread, and frame threading adds a frame of latency per thread, so only very large streams get
// a second thread.
int DecoderThreadsFor(int width, int height) {
  return static_cast<int64_t>(width) * height > 1920 * 1088 ? 2 : 1;
}

// A redirect to the same place again and again would otherwise be followed until the deadline.
constexpr int kMaxRedirects = 3;

// What camera-mosaic documents: H.264, H.265 and MJPEG cameras. Demo cameras come from lavfi,
// which hands out rawvideo up to FFmpeg 6.0 and wrapped AVFrames from 6.1 on (Debian 13's 7.1).
bool IsDocumentedCodec(AVCodecID codec, bool demo) {
  return codec == AV_CODEC_ID_H264 || codec == AV_CODEC_ID_HEVC || codec == AV_CODEC_ID_MJPEG ||
         (demo && (codec == AV_CODEC_ID_RAWVIDEO || codec == AV_CODEC_ID_WRAPPED_AVFRAME));
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
  if (!is_demo_) {
    RtspGuard::InstallLogWatch();
    interrupt_.set_guard(&guard_);
  }
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
  // One deadline for the open and the redirects it follows.
  interrupt_.SetDeadline(options_.open_timeout_ms);
  std::string url = options_.url;
  for (int redirects = 0;; redirects++) {
    const OpenOutcome outcome = OpenInput(url, input);
    if (outcome == OpenOutcome::kFailed) return false;
    if (outcome == OpenOutcome::kOpened) break;
    const std::string location = guard_.redirect_location();
    const std::string shown = RedactUrl(location);
    if (!StartsWith(location, "rtsp://") && !StartsWith(location, "rtsps://")) {
      Fail("the camera redirected to " + shown + ", which is not an rtsp:// or rtsps:// URL");
      return false;
    }
    if (!options_.follow_redirects && !SameRtspOrigin(options_.url, location)) {
      Fail("the camera redirected to another host (" + shown +
           "); not followed unless the camera's followRedirects is true");
      return false;
    }
    if (redirects == kMaxRedirects) {
      Fail("the camera redirected more than " + std::to_string(kMaxRedirects) + " times");
      return false;
    }
    url = RedirectUrl(options_.url, location);
  }
  return OpenDecoder(input->get(), decoder, stream_index);
}

Source::OpenOutcome Source::OpenInput(const std::string& url, FormatContextPtr* input) {
  input->reset();
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) {
    Fail("out of memory");
    return OpenOutcome::kFailed;
  }
  raw->interrupt_callback = interrupt_.callback();

  std::string open_url = url;
  const AVInputFormat* format = nullptr;
  Dictionary options;
  if (is_demo_) {
    std::string error;
    if (!DemoUrlToLavfiGraph(url, &open_url, &error)) {
      avformat_free_context(raw);
      Fail(error);
      return OpenOutcome::kFailed;
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
    guard_.Arm(url, &interrupt_);
  }

  interrupt_.ClearRefusal();
  const int result = avformat_open_input(&raw, open_url.c_str(), format, options.Address());
  if (result < 0) {  // avformat_open_input freed `raw` itself
    if (!guard_.redirect_location().empty()) return OpenOutcome::kRedirected;
    Fail(!guard_.refusal().empty() ? guard_.refusal()
         : result == AVERROR_EXIT || interrupt_.DeadlinePassed()
             ? "no answer within " + std::to_string(options_.open_timeout_ms) + " ms"
             : AvErrorText("open", result));
    return OpenOutcome::kFailed;
  }
  input->reset(raw);
  return OpenOutcome::kOpened;
}

bool Source::OpenDecoder(AVFormatContext* raw, CodecContextPtr* decoder, int* stream_index) {
  // No avformat_find_stream_info: RTSP's SDP (and lavfi) already name the codec and carry the
  // parameter sets, and probing would delay the first picture by up to seconds.
  // Only the codecs camera-mosaic documents get a decoder: every other decoder FFmpeg has is
  // attack surface a camera could pick (lavfi's rawvideo is for demo: cameras only).
  *stream_index = -1;
  std::string offered;
  const AVCodecParameters* refused_video = nullptr;
  for (unsigned i = 0; i < raw->nb_streams; i++) {
    const AVCodecParameters* params = raw->streams[i]->codecpar;
    const char* type = av_get_media_type_string(params->codec_type);
    offered += std::string(offered.empty() ? "" : ", ") + (type ? type : "unknown") + "/" +
               avcodec_get_name(params->codec_id);
    if (params->codec_type != AVMEDIA_TYPE_VIDEO || *stream_index >= 0) continue;
    if (IsDocumentedCodec(params->codec_id, is_demo_)) {
      *stream_index = static_cast<int>(i);
    } else if (!refused_video && params->codec_id != AV_CODEC_ID_NONE) {
      refused_video = params;
    }
  }
  if (*stream_index < 0) {
    // Name what the camera offers, so "unsupported codec" is told apart from "no video at all".
    if (refused_video) {
      Fail(std::string("unsupported codec ") + avcodec_get_name(refused_video->codec_id) +
           ": a camera must send H.264, H.265 or MJPEG");
    } else {
      Fail("unsupported codec: no video stream this FFmpeg decodes (camera offers " +
           (offered.empty() ? std::string("nothing") : offered) + ")");
    }
    return false;
  }
  for (unsigned i = 0; i < raw->nb_streams; i++) {
    if (static_cast<int>(i) != *stream_index) raw->streams[i]->discard = AVDISCARD_ALL;
  }

  const AVCodecParameters* params = raw->streams[*stream_index]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(params->codec_id);
  if (!codec) {
    Fail(std::string("unsupported codec ") + avcodec_get_name(params->codec_id) +
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
  (*decoder)->opaque = this;
  (*decoder)->get_buffer2 = &Source::GetBufferWithinLimit;
  refused_picture_ = 0;
  const int result = avcodec_open2(decoder->get(), codec, nullptr);
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
  // Reset in place: Stats() may be reading the detector from another thread right now.
  if (motion_) motion_->Reset();
  return true;
}

// FFmpeg's own max_pixels option refuses a size by zeroing the decoder's dimensions before any
// callback sees them, which leaves nothing to tell the user; get_buffer2 sees the size and is
// where every picture buffer of every video decoder is taken, so refusing here costs no memory.
int Source::GetBufferWithinLimit(AVCodecContext* context, AVFrame* frame, int flags) {
  if (static_cast<int64_t>(frame->width) * frame->height > kMaxCameraPixels) {
    auto* self = static_cast<Source*>(context->opaque);
    self->refused_picture_ = (static_cast<int64_t>(frame->width) << 32) | frame->height;
    return AVERROR(EINVAL);
  }
  return avcodec_default_get_buffer2(context, frame, flags);
}

std::string Source::GuardRefusal() const {
  if (guard_.refusal().empty()) return "";
  if (!guard_.redirect_location().empty()) {
    return "the camera redirected to " + RedactUrl(guard_.redirect_location()) + " while streaming";
  }
  return guard_.refusal();
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
      if (interrupt_.refused()) {
        Fail(GuardRefusal());
        return;
      }
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
    if (const int64_t refused = refused_picture_.load()) {
      Fail("picture too large: the camera sends " + std::to_string(refused >> 32) + "x" +
           std::to_string(refused & 0xffffffff) + ", more than the " +
           std::to_string(kMaxCameraPixels) + " pixels (4096x4096) accepted");
      return;
    }
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
