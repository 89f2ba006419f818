// Plain structs that cross from the JS thread into the media threads. Validated in TypeScript
// (ajv) before they get here; the native side only clamps what would be unsafe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "motion_detector.h"

namespace mosaic {

enum class Transport { kTcp, kUdp };

struct CameraOptions {
  std::string name;
  std::string title;  // what labels show; the name when empty
  std::string url;  // rtsp://, rtsps:// or demo:
  // The camera's cheap low-resolution stream, for small tiles; empty = none. It gets a Source of
  // its own with the same settings as `url`.
  std::string sub_url;
  MotionOptions motion;
  // Score motion on this stream: the pool sets it on the substream when there is one (always
  // open, and cheap), else on the main stream.
  bool detect_motion = false;
  Transport transport = Transport::kTcp;
  // An RTSP redirect to another scheme, host or port is followed (without the credentials, which
  // go only to the configured host); false: such a camera is offline and says where it pointed.
  bool follow_redirects = false;
  int open_timeout_ms = 5000;         // connect + DESCRIBE/SETUP/PLAY
  int read_timeout_ms = 5000;         // no packet for this long = connection lost
  int reconnect_initial_ms = 500;     // first back-off after a failure
  // Back-off cap: low, because a camera that answers again should be live within ~2 s, and one
  // connection attempt a second costs a dead camera (and us) nothing.
  int reconnect_max_ms = 1000;
  int stale_after_ms = 2000;          // live -> stale when no frame for this long
};

enum class FitMode { kStretch, kContain, kCover };

// Which of a camera's streams a tile shows. kAuto: the substream when it has at least 2/3 of the
// tile's width in pixels (so it is upscaled by 1.5x at most), else the main stream.
enum class StreamChoice { kAuto, kMain, kSub };

struct TileOptions {
  std::string camera;                // the first of `cameras`
  std::vector<std::string> cameras;  // more than one: a timeshare tile rotating every rotate_ms
  int rotate_ms = 10000;
  StreamChoice stream = StreamChoice::kAuto;
  bool label = false;  // the camera's title in a corner
  bool clock = false;  // the local time beside it
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  FitMode fit = FitMode::kStretch;
};

struct EncoderOptions {
  int width = 1920;
  int height = 1080;
  int fps = 25;
  int64_t bitrate = 4000000;  // bit/s
  int gop = 50;               // frames between IDRs
  std::string preset = "ultrafast";
  std::string profile = "baseline";
};

// The cameras every mosaic of one process shares: each camera is pulled and decoded once.
struct SourcePoolOptions {
  std::vector<CameraOptions> cameras;
  // A main stream no tile has shown for this long is closed when the camera has a substream
  // (which stays open for small tiles and motion).
  int main_idle_close_ms = 10000;
};

// Where in its tile a label goes; kCenter is for a dead camera's "offline".
enum class LabelCorner { kTopLeft, kTopRight, kBottomLeft, kBottomRight, kCenter };

struct StitcherOptions {
  EncoderOptions output;
  std::string font_path;  // empty: no labels, and offline tiles are plain black
  LabelCorner label_corner = LabelCorner::kBottomLeft;
  std::vector<TileOptions> tiles;
  int stale_timeout_ms = 10000;  // a tile without a new frame for this long turns black
};

struct SnapshotOptions {
  int width = 0;   // 0 = canvas width (or keep aspect from height)
  int height = 0;  // 0 = canvas height (or keep aspect from width)
  int quality = 80;  // 1..100, JPEG-style
};

}  // namespace mosaic
