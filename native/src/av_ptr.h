// Owners for every FFmpeg object camera-mosaic holds: no bare av_*_free outside this file.
#pragma once

#include <memory>

#include "ffmpeg.h"

namespace mosaic {

struct FormatContextCloser {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
// An output (muxer) context: its I/O is closed here unless the muxer owns it (RTSP does).
// Call av_write_trailer first when the header was written: it frees the muxer's own state.
struct OutputContextFreer {
  void operator()(AVFormatContext* ctx) const {
    if (ctx && ctx->pb && ctx->oformat && !(ctx->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx->pb);
    avformat_free_context(ctx);
  }
};
struct CodecContextFreer {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct FrameFreer {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketFreer {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct SwsContextFreer {
  void operator()(SwsContext* ctx) const { sws_freeContext(ctx); }
};
struct DictionaryFreer {
  void operator()(AVDictionary* dict) const { av_dict_free(&dict); }
};

// avformat_open_input frees the context itself on failure, so an input is owned only once open.
using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextCloser>;
using OutputContextPtr = std::unique_ptr<AVFormatContext, OutputContextFreer>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using SwsContextPtr = std::unique_ptr<SwsContext, SwsContextFreer>;

inline FramePtr MakeFrame() { return FramePtr(av_frame_alloc()); }
inline PacketPtr MakePacket() { return PacketPtr(av_packet_alloc()); }

// A new reference to the same frame buffers (cheap: ref-counted), or null.
inline FramePtr RefFrame(const AVFrame* src) {
  FramePtr frame(av_frame_alloc());
  if (frame && av_frame_ref(frame.get(), src) < 0) return nullptr;
  return frame;
}

// An AVDictionary built up for one call; av_dict_set reallocates, so it is held by pointer-to-pointer.
class Dictionary {
 public:
  Dictionary() = default;
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  ~Dictionary() { av_dict_free(&dict_); }
  void Set(const char* key, const char* value) { av_dict_set(&dict_, key, value, 0); }
  void Set(const char* key, int64_t value) { av_dict_set_int(&dict_, key, value, 0); }
  AVDictionary** Address() { return &dict_; }

 private:
  AVDictionary* dict_ = nullptr;
};

}  // namespace mosaic
