// Labels drawn into the canvas (camera names, the clock, "offline"): FreeType rasterises a string
// once into an 8-bit coverage bitmap, kept in a small cache, and each repaint only blends that
// bitmap over an opaque dark box, so a static label costs a blend and the result never depends on
// what was under it (redrawing the clock over an unchanged tile gives the same pixels).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "options.h"  // LabelCorner

// FreeType's handles point to these; declared here so only text_renderer.cc needs its headers.
struct FT_LibraryRec_;
struct FT_FaceRec_;
struct AVFrame;

namespace mosaic {

class TextRenderer {
 public:
  // Never throws: a font that cannot be loaded leaves ok() false and DrawLabel() drawing nothing.
  explicit TextRenderer(const std::string& font_path);
  TextRenderer(const TextRenderer&) = delete;
  TextRenderer& operator=(const TextRenderer&) = delete;
  ~TextRenderer();

  bool ok() const { return face_ != nullptr; }
  const std::string& error() const { return error_; }

  // Draws `text` (UTF-8; code points the font lacks are skipped) in `corner` of the rectangle
  // (x, y, width, height) of `canvas`, a writable YUV420P frame (limited range; YUVJ420P or
  // AVCOL_RANGE_JPEG: full range): white anti-aliased glyphs on an opaque black box, even-aligned
  // for 4:2:0 chroma. The glyph height follows the rectangle's height (height / 14, 12 to 64 px)
  // and shrinks to fit its width; text still too wide at the smallest size is cut at the right.
  // Draws nothing for empty text, a rectangle too small for the smallest size, or another format.
  // Not thread-safe: one thread at a time per instance.
  void DrawLabel(AVFrame* canvas, int x, int y, int width, int height, const std::string& text,
                 LabelCorner corner);

 private:
  struct LibraryDone {
    void operator()(FT_LibraryRec_* library) const;
  };
  struct FaceDone {
    void operator()(FT_FaceRec_* face) const;
  };
  // A rasterised string: coverage 0..255, `width` x `height`, the baseline already placed.
  struct Coverage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;
  };
  struct CacheEntry {
    std::string text;
    int pixel_size = 0;
    Coverage coverage;
  };

  const Coverage& Rasterise(const std::string& text, int pixel_size);
  Coverage Render(const std::u32string& code_points, int pixel_size);

  std::unique_ptr<FT_LibraryRec_, LibraryDone> library_;
  // Declared after library_ so it is freed first (FT_Done_Face needs its library).
  std::unique_ptr<FT_FaceRec_, FaceDone> face_;
  std::string error_;
  std::list<CacheEntry> cache_;  // most recently used first, at most kCacheEntries
};

}  // namespace mosaic
