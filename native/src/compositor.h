// One canvas and its tiles: at each tick of the output clock, a tile whose camera has a newer
// frame gets it scaled straight into its rectangle of the canvas planes; a tile with nothing new
// keeps its pixels (the last-frame cache is the canvas itself); a tile whose newest frame is older
// than the stale timeout is painted black once. Labels (the camera's title, a clock) are drawn
// over a tile after each repaint and when their text changes; a black tile with labels on says
// "<title> offline".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "av_ptr.h"
#include "options.h"
#include "source.h"
#include "source_pool.h"
#include "text_renderer.h"

namespace mosaic {

enum class TileContent { kLive, kCached, kBlack };
const char* TileContentName(TileContent content);

struct TileStatus {
  std::string camera;  // the camera shown now (a timeshare tile rotates)
  std::string stream;  // "main" or "sub": the stream whose picture is shown; "" when black
  TileContent content = TileContent::kBlack;
  uint64_t painted = 0;  // frames scaled into this tile since the layout was set
  std::string problem;   // why the camera's frames cannot be painted; "" when they can
};

// A tile that newly cannot paint its camera's frames, and why.
struct TileProblem {
  std::string camera;
  std::string problem;
};

class Compositor {
 public:
  // Finds a camera's streams by name, or null when no such camera is configured.
  using SourceLookup = std::function<const CameraSources*(const std::string& camera)>;

  // An empty `font_path` (or one that does not load) draws no text at all.
  Compositor(int width, int height, int stale_timeout_ms, const std::string& font_path,
             LabelCorner label_corner);

  // Replaces the tiles and repaints the whole canvas at the next Compose().
  void SetTiles(std::vector<TileOptions> tiles);
  void Compose(const SourceLookup& lookup, int64_t now_us);
  // Resting (nothing encoded, the canvas kept for snapshots): a camera with a substream is shown
  // from it, so its main stream, wanted by no tile, is closed after mainStreamIdleMs. Waking, the
  // substream stands in until the main stream's first picture.
  void SetResting(bool resting) { resting_ = resting; }

  const AVFrame* canvas() const { return canvas_.get(); }
  // When each frame painted by the last Compose() arrived (µs, av_gettime_relative clock;
  // 0: unknown, which the latency figures skip).
  const std::vector<int64_t>& painted_arrivals() const { return painted_arrivals_; }
  std::vector<TileStatus> TileStatuses() const;
  // Tiles whose frames could not be painted by the last Compose() for a reason not reported
  // before (each reason once, until the tile paints again).
  const std::vector<TileProblem>& new_problems() const { return new_problems_; }

 private:
  struct Rect {
    int x = 0, y = 0, width = 0, height = 0;
    bool operator==(const Rect& o) const {
      return x == o.x && y == o.y && width == o.width && height == o.height;
    }
  };
  struct TileSlot {
    TileOptions options;
    Rect area;             // the tile, even-aligned for 4:2:0 chroma
    Rect painted_area;     // where the picture went last time (differs from area for contain)
    const Source* shown = nullptr;  // whose frame is on the canvas
    uint64_t sequence = 0; // of the source frame shown; 0 = none since the layout was set
    size_t camera_index = 0;        // into options.cameras, for a timeshare tile
    TileContent content = TileContent::kBlack;
    uint64_t painted = 0;
    SwsContextPtr scaler;
    int colour_key = -1;   // the source matrix and range the scaler was told about
    std::string label_drawn;  // the label text on the canvas now; "" = none
    bool offline_painted = false;  // black (and "offline" when labelled) since the last picture
    std::string problem;  // why the last frame could not be painted; "" after a good one
  };

  void ComposeTile(TileSlot* slot, const SourceLookup& lookup, int64_t now_us);
  // Scales `frame` into the tile; false (with `problem` set) when it cannot.
  bool PaintFrame(TileSlot* slot, AVFrame* frame, std::string* problem);
  // The tile's label for `camera` when it differs from what is drawn (or `force`, after a repaint).
  void DrawLabel(TileSlot* slot, const CameraSources* camera, bool force);
  void PaintOffline(TileSlot* slot, const CameraSources* camera);
  void FillBlack(const Rect& rect);

  const int stale_timeout_ms_;
  const LabelCorner label_corner_;
  std::unique_ptr<TextRenderer> text_;  // null: no font, no labels
  std::string clock_text_;              // the local time, once per Compose()
  FramePtr canvas_;
  std::vector<TileSlot> slots_;
  bool repaint_all_ = true;
  bool resting_ = false;
  int64_t tiles_set_at_us_ = 0;  // timeshare tiles rotate from here
  std::vector<int64_t> painted_arrivals_;
  std::vector<TileProblem> new_problems_;
};

}  // namespace mosaic
