#include "text_renderer.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "ffmpeg.h"

namespace mosaic {
namespace {

constexpr int kMinPixelSize = 12;     // the nominal size's floor: legible to a viewer and to OCR
constexpr int kMaxPixelSize = 64;
constexpr int kRowsPerPixel = 14;     // nominal size = rectangle height / 14
constexpr int kMinFitPixelSize = 8;   // shrinking to fit the width stops here; then the text is cut
constexpr size_t kCacheEntries = 64;  // two labels (name, clock) for 16 tiles, with room for churn

// fterrors.h's documented way to get the messages: include it again with FT_ERRORDEF defined
// (FT_Error_String returns null unless FreeType was built with FT_CONFIG_OPTION_ERROR_STRINGS).
#undef FTERRORS_H_
#define FT_ERRORDEF(code, value, message) {value, message},
#define FT_ERROR_START_LIST {
#define FT_ERROR_END_LIST {0, nullptr}};
struct FreeTypeError {
  int code;
  const char* message;
};
constexpr FreeTypeError kFreeTypeErrors[] =
#include FT_ERRORS_H

std::string FreeTypeErrorText(FT_Error error) {
  for (const FreeTypeError& known : kFreeTypeErrors) {
    if (known.message && known.code == error) return known.message;
  }
  return "FreeType error " + std::to_string(error);
}

// UTF-8 to code points; a malformed sequence is skipped byte by byte (drawn as nothing).
std::u32string DecodeUtf8(const std::string& text) {
  std::u32string out;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char lead = s[i];
    int length = 0;
    char32_t cp = 0;
    if (lead < 0x80) {
      length = 1, cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, cp = lead & 0x07;
    } else {
      ++i;
      continue;
    }
    if (i + length > n) break;
    bool valid = true;
    for (int k = 1; k < length; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // RFC 3629 §3: overlong forms, surrogates and values past U+10FFFF are not characters.
    static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (!valid || cp < kSmallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      ++i;
      continue;
    }
    out.push_back(cp);
    i += length;
  }
  return out;
}

int RoundDownEven(int v) { return v & ~1; }
int RoundUpEven(int v) { return (v + 1) & ~1; }

}  // namespace

void TextRenderer::LibraryDone::operator()(FT_LibraryRec_* library) const {
  FT_Done_FreeType(library);
}
void TextRenderer::FaceDone::operator()(FT_FaceRec_* face) const { FT_Done_Face(face); }

TextRenderer::TextRenderer(const std::string& font_path) {
  FT_Library library = nullptr;
  FT_Error error = FT_Init_FreeType(&library);
  if (error) {
    error_ = "cannot start FreeType [" + FreeTypeErrorText(error) + "]";
    return;
  }
  library_.reset(library);
  FT_Face face = nullptr;
  error = FT_New_Face(library, font_path.c_str(), 0, &face);
  if (error) {
    error_ = "cannot load font [path:" + font_path + ", " + FreeTypeErrorText(error) + "]";
    return;
  }
  face_.reset(face);
  // FT_New_Face picks a Unicode charmap when the font has one; without it code points mean nothing.
  if (!face->charmap || face->charmap->encoding != FT_ENCODING_UNICODE) {
    face_.reset();
    error_ = "font has no Unicode character map [path:" + font_path + "]";
  }
}

TextRenderer::~TextRenderer() = default;

const TextRenderer::Coverage& TextRenderer::Rasterise(const std::string& text, int pixel_size) {
  for (auto it = cache_.begin(); it != cache_.end(); ++it) {
    if (it->pixel_size == pixel_size && it->text == text) {
      cache_.splice(cache_.begin(), cache_, it);
      return cache_.front().coverage;
    }
  }
  cache_.push_front(CacheEntry{text, pixel_size, Render(DecodeUtf8(text), pixel_size)});
  if (cache_.size() > kCacheEntries) cache_.pop_back();
  return cache_.front().coverage;
}

TextRenderer::Coverage TextRenderer::Render(const std::u32string& code_points, int pixel_size) {
  Coverage coverage;
  FT_Face face = face_.get();
  if (FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(pixel_size))) return coverage;

  // Each glyph rendered once, kept with its place on the line (pen x, baseline at y = 0).
  struct Glyph {
    int left, top, width, height;
    std::vector<uint8_t> pixels;
  };
  std::vector<Glyph> glyphs;
  const bool kerning = FT_HAS_KERNING(face);
  FT_UInt previous = 0;
  long pen_x = 0;  // 26.6 fixed point
  int min_x = 0, max_x = 0;
  for (char32_t cp : code_points) {
    const FT_UInt index = FT_Get_Char_Index(face, cp);
    if (index == 0) continue;  // not in the font: skipped rather than drawn as a box
    if (kerning && previous) {
      FT_Vector delta;
      if (!FT_Get_Kerning(face, previous, index, FT_KERNING_DEFAULT, &delta)) pen_x += delta.x;
    }
    previous = index;
    if (FT_Load_Glyph(face, index, FT_LOAD_RENDER)) continue;
    const FT_GlyphSlot slot = face->glyph;
    const FT_Bitmap& bitmap = slot->bitmap;
    const int origin = static_cast<int>((pen_x + 32) >> 6);
    pen_x += slot->advance.x;
    max_x = std::max(max_x, static_cast<int>((pen_x + 63) >> 6));
    if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY || bitmap.width == 0 || bitmap.rows == 0) continue;
    Glyph glyph{origin + slot->bitmap_left, -slot->bitmap_top, static_cast<int>(bitmap.width),
                static_cast<int>(bitmap.rows), {}};
    glyph.pixels.resize(static_cast<size_t>(glyph.width) * glyph.height);
    for (int row = 0; row < glyph.height; ++row) {
      const unsigned char* src = bitmap.buffer + static_cast<ptrdiff_t>(row) * bitmap.pitch;
      std::memcpy(&glyph.pixels[static_cast<size_t>(row) * glyph.width], src, glyph.width);
    }
    min_x = std::min(min_x, glyph.left);
    max_x = std::max(max_x, glyph.left + glyph.width);
    glyphs.push_back(std::move(glyph));
  }
  if (glyphs.empty()) return coverage;

  // The line box is the face's ascender to descender, so every string at one size has one height
  // and a label's box does not jump as the clock's digits change.
  const int ascender = static_cast<int>((face->size->metrics.ascender + 63) >> 6);
  const int descender = static_cast<int>((-face->size->metrics.descender + 63) >> 6);
  coverage.width = max_x - min_x;
  coverage.height = ascender + descender;
  coverage.pixels.assign(static_cast<size_t>(coverage.width) * coverage.height, 0);
  for (const Glyph& glyph : glyphs) {
    for (int row = 0; row < glyph.height; ++row) {
      const int y = ascender + glyph.top + row;
      if (y < 0 || y >= coverage.height) continue;
      uint8_t* dst = &coverage.pixels[static_cast<size_t>(y) * coverage.width];
      const uint8_t* src = &glyph.pixels[static_cast<size_t>(row) * glyph.width];
      for (int col = 0; col < glyph.width; ++col) {
        const int x = glyph.left - min_x + col;
        dst[x] = std::max(dst[x], src[col]);  // overlapping glyphs (kerned pairs) keep the stronger
      }
    }
  }
  return coverage;
}

void TextRenderer::DrawLabel(AVFrame* canvas, int x, int y, int width, int height,
                             const std::string& text, LabelCorner corner) {
  if (!face_ || !canvas || text.empty()) return;
  if (canvas->format != AV_PIX_FMT_YUV420P && canvas->format != AV_PIX_FMT_YUVJ420P) return;
  const bool full_range =
      canvas->format == AV_PIX_FMT_YUVJ420P || canvas->color_range == AVCOL_RANGE_JPEG;

  // The rectangle, clipped to the canvas and shrunk to even edges so the box's chroma is its own.
  const int left = RoundUpEven(std::max(x, 0));
  const int top = RoundUpEven(std::max(y, 0));
  const int right = RoundDownEven(std::min(x + width, canvas->width));
  const int bottom = RoundDownEven(std::min(y + height, canvas->height));
  if (right - left <= 0 || bottom - top <= 0) return;
  const int area_width = right - left;
  const int area_height = bottom - top;

  // Padding inside the box and its margin from the tile's edges, both even.
  const auto padding = [](int size) { return RoundUpEven(std::max(2, size / 4)); };
  const auto box_width_for = [&](const Coverage& c, int size) {
    return RoundUpEven(c.width + 2 * padding(size));
  };
  int pixel_size = std::clamp(height / kRowsPerPixel, kMinPixelSize, kMaxPixelSize);
  const Coverage* coverage = &Rasterise(text, pixel_size);
  // Shrink to the width: first in proportion, then a pixel at a time (hinting is not linear).
  while (pixel_size > kMinFitPixelSize &&
         box_width_for(*coverage, pixel_size) + 2 * padding(pixel_size) > area_width) {
    const int room = area_width - 4 * padding(pixel_size);
    const int scaled = room > 0 ? pixel_size * room / std::max(1, coverage->width) : 0;
    pixel_size = std::max(kMinFitPixelSize, std::min(pixel_size - 1, scaled));
    coverage = &Rasterise(text, pixel_size);
  }
  if (coverage->width == 0) return;

  const int pad = padding(pixel_size);
  const int margin = pad;
  const int box_height = RoundUpEven(coverage->height + 2 * pad);
  if (box_height + 2 * margin > area_height) return;  // a tile too small for a legible label
  const int box_width = std::min(box_width_for(*coverage, pixel_size), area_width - 2 * margin);
  if (box_width <= 2 * pad) return;

  int box_x = left + margin, box_y = top + margin;
  const bool right_side = corner == LabelCorner::kTopRight || corner == LabelCorner::kBottomRight;
  const bool bottom_side =
      corner == LabelCorner::kBottomLeft || corner == LabelCorner::kBottomRight;
  if (right_side) box_x = right - margin - box_width;
  if (bottom_side) box_y = bottom - margin - box_height;
  if (corner == LabelCorner::kCenter) {
    box_x = RoundDownEven(left + (area_width - box_width) / 2);
    box_y = RoundDownEven(top + (area_height - box_height) / 2);
  }

  // Opaque box, then glyphs blended from the box's black to white: the result is a function of the
  // coverage alone, whatever the tile showed before.
  const int black = full_range ? 0 : 16;
  const int white = full_range ? 255 : 235;
  const int text_x = box_x + pad;
  const int text_y = box_y + (box_height - coverage->height) / 2;
  for (int row = 0; row < box_height; ++row) {
    uint8_t* luma =
        canvas->data[0] + static_cast<ptrdiff_t>(box_y + row) * canvas->linesize[0] + box_x;
    std::memset(luma, black, box_width);
    const int source_row = box_y + row - text_y;
    if (source_row < 0 || source_row >= coverage->height) continue;
    const uint8_t* src = &coverage->pixels[static_cast<size_t>(source_row) * coverage->width];
    const int columns = std::min(coverage->width, box_x + box_width - text_x);
    uint8_t* dst = luma + (text_x - box_x);
    for (int col = 0; col < columns; ++col) {
      dst[col] = static_cast<uint8_t>(black + ((white - black) * src[col] + 127) / 255);
    }
  }
  for (int plane = 1; plane <= 2; ++plane) {
    for (int row = 0; row < box_height / 2; ++row) {
      uint8_t* chroma = canvas->data[plane] +
                        static_cast<ptrdiff_t>(box_y / 2 + row) * canvas->linesize[plane] +
                        box_x / 2;
      std::memset(chroma, 128, box_width / 2);  // neutral: the label is grey scale
    }
  }
}

}  // namespace mosaic
