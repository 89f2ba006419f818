#include "compositor.h"

#include <algorithm>
#include <cstring>
#include <ctime>

namespace mosaic {
namespace {

// Limited-range YUV black.
constexpr uint8_t kBlackLuma = 16;
constexpr uint8_t kBlackChroma = 128;

int EvenDown(int v) { return v & ~1; }

// The JPEG ("J") pixel formats are deprecated aliases for full-range YUV; libswscale wants the
// plain format plus an explicit range.
AVPixelFormat WithoutJpegAlias(AVPixelFormat format, bool* full_range) {
  switch (format) {
    case AV_PIX_FMT_YUVJ420P: *full_range = true; return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: *full_range = true; return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: *full_range = true; return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: *full_range = true; return AV_PIX_FMT_YUV440P;
    default: return format;
  }
}

// libswscale's name for a frame's YUV matrix; unspecified is taken as BT.601, as FFmpeg does.
int SwsMatrixFor(AVColorSpace colorspace) {
  switch (colorspace) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    default: return SWS_CS_ITU601;
  }
}

const char* PixelFormatName(int format) {
  const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(format));
  return name ? name : "unknown";
}

// Crops `frame` (our own reference: only its fields change, never the shared pixels) to the
// aspect of a `width`x`height` tile, centred, by moving its plane pointers. Not with
// av_frame_apply_cropping: by default it keeps pointers aligned and refuses (AVERROR_BUG) where it
// cannot, which for packed 4-byte pixels (RGBA, the demo's rgbtestsrc) is any left crop that is
// not a multiple of 32 bytes; and it crops only right and bottom of bitstream formats (monob).
// libswscale reads unaligned input. The left and top crops are kept on whole chroma samples (and
// whole bytes of bitstream pixels), so every plane starts at the same picture point.
bool CropToAspect(AVFrame* frame, int width, int height, std::string* problem) {
  const int64_t src_w = frame->width, src_h = frame->height;
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame->format));
  if (!desc || (desc->flags & AV_PIX_FMT_FLAG_HWACCEL)) {
    *problem = std::string("cannot crop ") + PixelFormatName(frame->format) + " frames for cover";
    return false;
  }
  const bool bitstream = (desc->flags & AV_PIX_FMT_FLAG_BITSTREAM) != 0;
  // Powers of two, so the larger is a multiple of the smaller.
  const int64_t align_x = std::max<int64_t>(int64_t{1} << desc->log2_chroma_w, bitstream ? 8 : 1);
  const int64_t align_y = int64_t{1} << desc->log2_chroma_h;
  int64_t left = 0, top = 0, visible_w = src_w, visible_h = src_h;
  if (src_w * height > src_h * width) {
    visible_w = std::max<int64_t>(1, src_h * width / height);
    left = (src_w - visible_w) / 2 / align_x * align_x;
  } else {
    visible_h = std::max<int64_t>(1, src_w * height / width);
    top = (src_h - visible_h) / 2 / align_y * align_y;
  }
  for (int plane = 0; plane < 4 && frame->data[plane]; plane++) {
    if ((desc->flags & AV_PIX_FMT_FLAG_PAL) && plane == 1) break;  // the palette, not pixels
    const AVComponentDescriptor* component = nullptr;
    for (int c = 0; c < desc->nb_components && !component; c++) {
      if (desc->comp[c].plane == plane) component = &desc->comp[c];
    }
    if (!component) {
      *problem = std::string("cannot crop ") + PixelFormatName(frame->format) + " frames for cover";
      return false;
    }
    const bool chroma = plane == 1 || plane == 2;
    const int64_t x = chroma ? left >> desc->log2_chroma_w : left;
    const int64_t y = chroma ? top >> desc->log2_chroma_h : top;
    // `step` counts bits for bitstream formats, bytes otherwise.
    const int64_t x_bytes = bitstream ? x * component->step / 8 : x * component->step;
    frame->data[plane] += y * frame->linesize[plane] + x_bytes;
  }
  frame->width = static_cast<int>(visible_w);
  frame->height = static_cast<int>(visible_h);
  return true;
}

}  // namespace

const char* TileContentName(TileContent content) {
  switch (content) {
    case TileContent::kLive: return "live";
    case TileContent::kCached: return "cached";
    case TileContent::kBlack: return "black";
  }
  return "black";
}

Compositor::Compositor(int width, int height, int stale_timeout_ms, const std::string& font_path,
                       LabelCorner label_corner)
    : stale_timeout_ms_(stale_timeout_ms), label_corner_(label_corner), canvas_(MakeFrame()) {
  if (!font_path.empty()) {
    text_ = std::make_unique<TextRenderer>(font_path);
    if (!text_->ok()) text_.reset();
  }
  canvas_->format = AV_PIX_FMT_YUV420P;
  canvas_->width = EvenDown(width);
  canvas_->height = EvenDown(height);
  if (av_frame_get_buffer(canvas_.get(), 32) < 0) throw std::bad_alloc();
}

void Compositor::SetTiles(std::vector<TileOptions> tiles) {
  slots_.clear();
  slots_.reserve(tiles.size());
  for (TileOptions& tile : tiles) {
    TileSlot slot;
    // Clip to the canvas and align to even pixels so chroma planes line up with luma.
    const int x = std::clamp(EvenDown(tile.x), 0, canvas_->width);
    const int y = std::clamp(EvenDown(tile.y), 0, canvas_->height);
    slot.area = {x, y, EvenDown(std::min(tile.width, canvas_->width - x)),
                 EvenDown(std::min(tile.height, canvas_->height - y))};
    if (tile.cameras.empty()) tile.cameras.push_back(tile.camera);
    tile.rotate_ms = std::max(tile.rotate_ms, 100);
    slot.options = std::move(tile);
    if (slot.area.width >= 2 && slot.area.height >= 2) slots_.push_back(std::move(slot));
  }
  repaint_all_ = true;
  tiles_set_at_us_ = 0;
}

void Compositor::Compose(const SourceLookup& lookup, int64_t now_us) {
  painted_arrivals_.clear();
  new_problems_.clear();
  if (repaint_all_) {
    FillBlack({0, 0, canvas_->width, canvas_->height});
    repaint_all_ = false;
  }
  if (tiles_set_at_us_ == 0) tiles_set_at_us_ = now_us;
  if (text_) {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char clock[16];
    std::strftime(clock, sizeof clock, "%H:%M:%S", &local);
    clock_text_ = clock;
  }
  for (TileSlot& slot : slots_) ComposeTile(&slot, lookup, now_us);
}

namespace {

// The stream a tile asks for (see StreamChoice); a camera without a substream has only main.
Source* ChosenStream(const CameraSources& camera, StreamChoice choice, int tile_width) {
  if (!camera.sub) return camera.main.get();
  switch (choice) {
    case StreamChoice::kMain: return camera.main.get();
    case StreamChoice::kSub: return camera.sub.get();
    case StreamChoice::kAuto: {
      const int sub_width = camera.sub->width();  // 0 until its first frame: assume it will do
      return sub_width == 0 || sub_width * 3 >= tile_width * 2 ? camera.sub.get() : camera.main.get();
    }
  }
  return camera.main.get();
}

}  // namespace

void Compositor::ComposeTile(TileSlot* slot, const SourceLookup& lookup, int64_t now_us) {
  const std::vector<std::string>& cameras = slot->options.cameras;
  const size_t index = cameras.size() < 2 ? 0
      : static_cast<size_t>((now_us - tiles_set_at_us_) / 1000 / slot->options.rotate_ms) % cameras.size();
  if (index != slot->camera_index) {
    // The next camera's newest frame replaces the picture this tick; until it has one, the
    // last picture stays.
    slot->camera_index = index;
    slot->shown = nullptr;
  }
  const CameraSources* camera = lookup(cameras[index]);
  Source* source = nullptr;
  if (camera) {
    Source* wanted = resting_ && camera->sub
                         ? camera->sub.get()
                         : ChosenStream(*camera, slot->options.stream, slot->area.width);
    wanted->MarkWanted(now_us);
    // While the wanted stream has no picture yet (a main stream being opened, or one that
    // dropped), the camera's other stream stands in: no black flash on a switch.
    Source* other = wanted == camera->main.get() ? camera->sub.get() : camera->main.get();
    // A closed stream keeps its last frame, which may still count as fresh: no stand-in, and
    // never chosen over the other stream's live picture until it runs again.
    auto live = [](Source* stream) { return stream && stream->running() && stream->HasFreshFrame(); };
    source = live(wanted) || !live(other) ? wanted : other;
  }
  FramePtr frame;
  uint64_t sequence = 0;
  int64_t age_ms = 0;
  int64_t arrival_us = 0;
  const uint64_t known = source == slot->shown ? slot->sequence : 0;
  const bool newer =
      source && source->TakeNewerFrame(known, &frame, &sequence, &age_ms, &arrival_us);
  if (source == nullptr || age_ms > stale_timeout_ms_) {
    // Layout changes start from an all-black canvas, so only a tile that showed a picture
    // needs painting.
    if (!slot->offline_painted) PaintOffline(slot, camera);
    return;
  }
  if (newer) {
    painted_arrivals_.push_back(arrival_us);
    std::string problem;
    if (!PaintFrame(slot, frame.get(), &problem)) {
      // Reported once per new reason (stats say it for as long as it lasts), never silently.
      if (problem != slot->problem) new_problems_.push_back({cameras[index], problem});
      slot->problem = std::move(problem);
      if (slot->content == TileContent::kLive) slot->content = TileContent::kCached;
      slot->shown = source;  // the next try is the camera's next frame, not this one again
      slot->sequence = sequence;
      return;
    }
    slot->problem.clear();
    slot->offline_painted = false;
    slot->shown = source;
    slot->sequence = sequence;
    DrawLabel(slot, camera, true);
  } else {
    if (slot->content == TileContent::kLive) slot->content = TileContent::kCached;
    DrawLabel(slot, camera, false);  // the clock ticks on over a cached picture
  }
}

void Compositor::DrawLabel(TileSlot* slot, const CameraSources* camera, bool force) {
  if (!text_ || !camera || !slot->options.label || slot->content == TileContent::kBlack) return;
  std::string text = camera->title;
  if (slot->options.clock) text += "  " + clock_text_;
  if (!force && text == slot->label_drawn) return;
  const Rect& area = slot->area;
  text_->DrawLabel(canvas_.get(), area.x, area.y, area.width, area.height, text, label_corner_);
  slot->label_drawn = std::move(text);
}

void Compositor::PaintOffline(TileSlot* slot, const CameraSources* camera) {
  if (slot->content != TileContent::kBlack) FillBlack(slot->area);
  slot->content = TileContent::kBlack;
  slot->painted_area = {};
  slot->shown = nullptr;
  slot->offline_painted = true;
  slot->label_drawn.clear();
  slot->problem.clear();  // the camera's state says why now
  // Labelled tiles say why they are black; an unlabelled one stays plain black.
  if (!text_ || !slot->options.label) return;
  const std::string name = camera ? camera->title : slot->options.cameras[slot->camera_index];
  slot->label_drawn = name + " offline";
  const Rect& area = slot->area;
  text_->DrawLabel(canvas_.get(), area.x, area.y, area.width, area.height, slot->label_drawn,
                   LabelCorner::kCenter);
}

bool Compositor::PaintFrame(TileSlot* slot, AVFrame* frame, std::string* problem) {
  const Rect& area = slot->area;
  Rect target = area;
  const FitMode fit = slot->options.fit;
  const int64_t src_w = frame->width, src_h = frame->height;
  if (src_w <= 0 || src_h <= 0) {
    *problem = "the camera sent a frame without a size";
    return false;
  }

  if (fit == FitMode::kContain) {
    // Largest rectangle of the frame's aspect inside the tile, centred.
    if (src_w * area.height > src_h * area.width) {
      target.height = std::max(2, EvenDown(static_cast<int>(area.width * src_h / src_w)));
      target.y = area.y + EvenDown((area.height - target.height) / 2);
    } else {
      target.width = std::max(2, EvenDown(static_cast<int>(area.height * src_w / src_h)));
      target.x = area.x + EvenDown((area.width - target.width) / 2);
    }
  } else if (fit == FitMode::kCover && !CropToAspect(frame, area.width, area.height, problem)) {
    return false;
  }
  if (!(target == slot->painted_area)) {
    FillBlack(area);  // the letterbox bars, or leftovers of a differently shaped picture
    slot->painted_area = target;
  }

  bool full_range = false;
  const AVPixelFormat source_format =
      WithoutJpegAlias(static_cast<AVPixelFormat>(frame->format), &full_range);
  full_range = full_range || frame->color_range == AVCOL_RANGE_JPEG;
  SwsContext* previous = slot->scaler.get();
  SwsContext* scaler = sws_getCachedContext(
      slot->scaler.release(), frame->width, frame->height, source_format, target.width,
      target.height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
  slot->scaler.reset(scaler);
  if (!scaler) {
    *problem = std::string("cannot scale ") + PixelFormatName(frame->format) + " " +
               std::to_string(frame->width) + "x" + std::to_string(frame->height) + " to " +
               std::to_string(target.width) + "x" + std::to_string(target.height);
    return false;
  }
  // The canvas is limited-range BT.601 (what the encoder signals); HD cameras often send BT.709
  // and MJPEG full range, which libswscale converts when told. Told once per scaler and source
  // colour description, not per frame.
  const int source_matrix = SwsMatrixFor(frame->colorspace);
  const int colour_key = source_matrix * 2 + (full_range ? 1 : 0);
  if (scaler != previous || colour_key != slot->colour_key) {
    sws_setColorspaceDetails(scaler, sws_getCoefficients(source_matrix), full_range ? 1 : 0,
                             sws_getCoefficients(SWS_CS_ITU601), 0, 0, 1 << 16, 1 << 16);
    slot->colour_key = colour_key;
  }

  AVFrame* canvas = canvas_.get();
  uint8_t* planes[4] = {
      canvas->data[0] + target.y * canvas->linesize[0] + target.x,
      canvas->data[1] + (target.y / 2) * canvas->linesize[1] + target.x / 2,
      canvas->data[2] + (target.y / 2) * canvas->linesize[2] + target.x / 2, nullptr};
  const int strides[4] = {canvas->linesize[0], canvas->linesize[1], canvas->linesize[2], 0};
  sws_scale(scaler, frame->data, frame->linesize, 0, frame->height, planes, strides);
  slot->content = TileContent::kLive;
  slot->painted++;
  return true;
}

void Compositor::FillBlack(const Rect& rect) {
  AVFrame* canvas = canvas_.get();
  for (int row = rect.y; row < rect.y + rect.height; row++) {
    std::memset(canvas->data[0] + row * canvas->linesize[0] + rect.x, kBlackLuma, rect.width);
  }
  for (int row = rect.y / 2; row < (rect.y + rect.height) / 2; row++) {
    std::memset(canvas->data[1] + row * canvas->linesize[1] + rect.x / 2, kBlackChroma,
                rect.width / 2);
    std::memset(canvas->data[2] + row * canvas->linesize[2] + rect.x / 2, kBlackChroma,
                rect.width / 2);
  }
}

std::vector<TileStatus> Compositor::TileStatuses() const {
  std::vector<TileStatus> statuses;
  statuses.reserve(slots_.size());
  for (const TileSlot& slot : slots_) {
    const bool shown = slot.content != TileContent::kBlack && slot.shown;
    statuses.push_back({slot.options.cameras.empty() ? slot.options.camera
                                                     : slot.options.cameras[slot.camera_index],
                        shown ? slot.shown->stream() : std::string(), slot.content, slot.painted,
                        slot.problem});
  }
  return statuses;
}

}  // namespace mosaic
