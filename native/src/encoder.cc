#include "encoder.h"

#include <stdexcept>

#include "av_error.h"
#include "encoder_choice.h"
#include "thread_name.h"

namespace mosaic {

Encoder::Encoder(const EncoderOptions& options)
    : options_(options), frame_(MakeFrame()), packet_(MakePacket()) {
  const EncoderChoice choice = ChooseEncoder(options);
  const AVCodec* codec = choice.codec;
  name_ = codec->name;
  context_.reset(avcodec_alloc_context3(codec));
  if (!context_ || !frame_ || !packet_) throw std::bad_alloc();

  AVCodecContext* c = context_.get();
  c->width = options.width;
  c->height = options.height;
  c->pix_fmt = choice.pixel_format;
  c->time_base = {1, options.fps};
  c->framerate = {options.fps, 1};
  c->gop_size = options.gop;
  c->max_b_frames = 0;
  c->bit_rate = options.bitrate;
  // A capped rate with half a second of buffer: steady for WebRTC, like the reference command.
  c->rc_max_rate = options.bitrate;
  c->rc_buffer_size = static_cast<int>(options.bitrate / 2);
  // libswscale copies camera YUV into the canvas without changing its matrix, and most camera
  // substreams and FFmpeg's test sources are BT.601: say so, so decoders do not assume BT.709.
  c->color_range = AVCOL_RANGE_MPEG;
  c->colorspace = AVCOL_SPC_SMPTE170M;
  c->color_primaries = AVCOL_PRI_SMPTE170M;
  c->color_trc = AVCOL_TRC_SMPTE170M;
  // No AV_CODEC_FLAG_GLOBAL_HEADER: parameter sets stay in-band, where WebRTC needs them.

  Dictionary settings;
  for (const auto& [key, value] : choice.settings) settings.Set(key.c_str(), value.c_str());
  const int result = [&] {
    ScopedThreadName encoder_threads(choice.thread_name);
    return avcodec_open2(c, codec, settings.Address());
  }();
  if (result < 0) {
    throw std::runtime_error(AvErrorText(std::string("open ") + codec->name, result));
  }
}

bool Encoder::Encode(const AVFrame* frame, int64_t frame_index, std::vector<AccessUnit>* out,
                     std::string* error) {
  av_frame_unref(frame_.get());
  if (av_frame_ref(frame_.get(), frame) < 0) {
    *error = "out of memory";
    return false;
  }
  frame_->pts = frame_index;
  frame_->pict_type =
      keyframe_requested_.exchange(false) ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  const int result = avcodec_send_frame(context_.get(), frame_.get());
  av_frame_unref(frame_.get());
  if (result < 0) {
    *error = AvErrorText("encode", result);
    return false;
  }
  return Drain(out, error);
}

bool Encoder::Drain(std::vector<AccessUnit>* out, std::string* error) {
  while (true) {
    const int result = avcodec_receive_packet(context_.get(), packet_.get());
    if (result == AVERROR(EAGAIN) || result == AVERROR_EOF) return true;
    if (result < 0) {
      *error = AvErrorText("encode", result);
      return false;
    }
    AccessUnit unit;
    unit.data.assign(packet_->data, packet_->data + packet_->size);
    unit.pts = av_rescale_q(packet_->pts, context_->time_base, {1, 90000});
    unit.keyframe = (packet_->flags & AV_PKT_FLAG_KEY) != 0;
    if (unit.keyframe) keyframes_++;
    out->push_back(std::move(unit));
    av_packet_unref(packet_.get());
  }
}

}  // namespace mosaic
