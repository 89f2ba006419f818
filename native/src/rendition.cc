#include "rendition.h"

#include <stdexcept>

namespace mosaic {

Rendition::Rendition(int id, const EncoderOptions& options, int canvas_fps)
    : id_(id), options_(options), canvas_fps_(canvas_fps), encoder_(options), scaled_(MakeFrame()) {
  scaled_->format = AV_PIX_FMT_YUV420P;
  scaled_->width = options.width;
  scaled_->height = options.height;
  if (av_frame_get_buffer(scaled_.get(), 32) < 0) throw std::bad_alloc();
}

bool Rendition::OnCanvasTick(const AVFrame* canvas, int64_t canvas_index,
                             std::vector<AccessUnit>* out, std::string* error) {
  // Frame n of this rendition is due at canvas tick ceil(n * canvas_fps / fps): an exact
  // subsampling when the rates divide, an even spread when they do not.
  const int64_t index = canvas_index * options_.fps / canvas_fps_;
  if (index < next_index_) return true;
  next_index_ = index + 1;

  const AVFrame* picture = canvas;
  if (canvas->width != options_.width || canvas->height != options_.height) {
    scaler_.reset(sws_getCachedContext(scaler_.release(), canvas->width, canvas->height,
                                       AV_PIX_FMT_YUV420P, options_.width, options_.height,
                                       AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr,
                                       nullptr));
    if (!scaler_) {
      *error = "cannot scale the canvas for a rendition";
      return false;
    }
    if (av_frame_make_writable(scaled_.get()) < 0) {
      *error = "out of memory";
      return false;
    }
    sws_scale(scaler_.get(), canvas->data, canvas->linesize, 0, canvas->height, scaled_->data,
              scaled_->linesize);
    picture = scaled_.get();
  }
  return encoder_.Encode(picture, index, out, error);
}

}  // namespace mosaic
