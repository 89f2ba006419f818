// One canvas and its tiles: at each tick of the output clock, a tile whose camera has a newer
// frame gets it scaled straight into its rectangle of the canvas planes; a tile with nothing new
// keeps its pixels (the last-frame cache is the canvas itself); a tile whose newest frame is older
// than the stale timeout is painted black once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "av_ptr.h"
#include "options.h"
#include "source.h"

namespace mosaic {

enum class TileContent { kLive, kCached, kBlack };
const char* TileContentName(TileContent content);

struct TileStatus {
  std::string camera;
  TileContent content = TileContent::kBlack;
  uint64_t painted = 0;  // frames scaled into this tile since the layout was set
};

class Compositor {
 public:
  // Finds the source of a camera by name, or null when no such camera is configured.
  using SourceLookup = std::function<Source*(const std::string& camera)>;

  Compositor(int width, int height, int stale_timeout_ms);

  // Replaces the tiles and repaints the whole canvas at the next Compose().
  void SetTiles(std::vector<TileOptions> tiles);
  void Compose(const SourceLookup& lookup);

  const AVFrame* canvas() const { return canvas_.get(); }
  // When each frame painted by the last Compose() arrived (µs, av_gettime_relative clock).
  const std::vector<int64_t>& painted_arrivals() const { return painted_arrivals_; }
  std::vector<TileStatus> TileStatuses() const;

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
    uint64_t sequence = 0; // of the source frame shown; 0 = none since the layout was set
    TileContent content = TileContent::kBlack;
    uint64_t painted = 0;
    SwsContextPtr scaler;
    int colour_key = -1;   // the source matrix and range the scaler was told about
  };

  void PaintFrame(TileSlot* slot, AVFrame* frame);
  void FillBlack(const Rect& rect);

  const int stale_timeout_ms_;
  FramePtr canvas_;
  std::vector<TileSlot> slots_;
  bool repaint_all_ = true;
  std::vector<int64_t> painted_arrivals_;
};

}  // namespace mosaic
