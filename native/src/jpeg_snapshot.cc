#include "jpeg_snapshot.h"

#include <algorithm>

#include "av_error.h"
#include "av_ptr.h"

namespace mosaic {
namespace {

// Requested size, keeping the picture's aspect when only one side is given; even for 4:2:0.
void OutputSize(const AVFrame* picture, const SnapshotOptions& options, int* width,
                int* height) {
  int w = options.width, h = options.height;
  if (w <= 0 && h <= 0) {
    w = picture->width;
    h = picture->height;
  } else if (w <= 0) {
    w = static_cast<int>(static_cast<int64_t>(h) * picture->width / picture->height);
  } else if (h <= 0) {
    h = static_cast<int>(static_cast<int64_t>(w) * picture->height / picture->width);
  }
  *width = std::clamp(w & ~1, 16, 8192);
  *height = std::clamp(h & ~1, 16, 8192);
}

}  // namespace

bool EncodeJpeg(const AVFrame* picture, const SnapshotOptions& options, std::vector<uint8_t>* jpeg,
                std::string* error) {
  int width = 0, height = 0;
  OutputSize(picture, options, &width, &height);

  // MJPEG in this FFmpeg takes full-range YUV ("yuvj420p"); scaling and the range change are one
  // libswscale pass.
  FramePtr scaled = MakeFrame();
  scaled->format = AV_PIX_FMT_YUVJ420P;
  scaled->width = width;
  scaled->height = height;
  if (av_frame_get_buffer(scaled.get(), 32) < 0) {
    *error = "out of memory";
    return false;
  }
  SwsContextPtr scaler(sws_getContext(picture->width, picture->height,
                                      static_cast<AVPixelFormat>(picture->format), width, height,
                                      AV_PIX_FMT_YUVJ420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!scaler) {
    *error = "cannot scale snapshot";
    return false;
  }
  const int* coefficients = sws_getCoefficients(SWS_CS_ITU601);
  sws_setColorspaceDetails(scaler.get(), coefficients, 0, coefficients, 1, 0, 1 << 16, 1 << 16);
  sws_scale(scaler.get(), picture->data, picture->linesize, 0, picture->height, scaled->data,
            scaled->linesize);

  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  CodecContextPtr context(codec ? avcodec_alloc_context3(codec) : nullptr);
  if (!context) {
    *error = "MJPEG encoder not available in this FFmpeg";
    return false;
  }
  context->width = width;
  context->height = height;
  context->pix_fmt = AV_PIX_FMT_YUVJ420P;
  context->time_base = {1, 25};
  context->color_range = AVCOL_RANGE_JPEG;
  // quality 100..1 -> qscale 1..31 (lower is better).
  const int quality = std::clamp(options.quality, 1, 100);
  const int qscale = 1 + (100 - quality) * 30 / 99;
  context->flags |= AV_CODEC_FLAG_QSCALE;
  context->global_quality = FF_QP2LAMBDA * qscale;
  context->qmin = context->qmax = qscale;
  int result = avcodec_open2(context.get(), codec, nullptr);
  if (result < 0) {
    *error = AvErrorText("open MJPEG encoder", result);
    return false;
  }
  scaled->quality = context->global_quality;
  scaled->pts = 0;
  result = avcodec_send_frame(context.get(), scaled.get());
  if (result >= 0) result = avcodec_send_frame(context.get(), nullptr);
  PacketPtr packet = MakePacket();
  if (result >= 0) result = avcodec_receive_packet(context.get(), packet.get());
  if (result < 0) {
    *error = AvErrorText("encode JPEG", result);
    return false;
  }
  jpeg->assign(packet->data, packet->data + packet->size);
  return true;
}

}  // namespace mosaic
