// Plain structs that cross from the JS thread into the media threads. Validated in TypeScript
// (ajv) before they get here; the native side only clamps what would be unsafe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mosaic {

enum class Transport { kTcp, kUdp };

struct CameraOptions {
  std::string name;
  std::string url;  // rtsp://, rtsps:// or demo:
  Transport transport = Transport::kTcp;
  int open_timeout_ms = 5000;         // connect + DESCRIBE/SETUP/PLAY
  int read_timeout_ms = 5000;         // no packet for this long = connection lost
  int reconnect_initial_ms = 500;     // first back-off after a failure
  // Back-off cap: low, because a camera that answers again should be live within ~2 s, and one
  // connection attempt a second costs a dead camera (and us) nothing.
  int reconnect_max_ms = 1000;
  int stale_after_ms = 2000;          // live -> stale when no frame for this long
};

enum class FitMode { kStretch, kContain, kCover };

struct TileOptions {
  std::string camera;
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

struct StitcherOptions {
  std::vector<CameraOptions> cameras;
  EncoderOptions output;
  std::vector<TileOptions> tiles;
  int stale_timeout_ms = 10000;  // a tile without a new frame for this long turns black
};

struct SnapshotOptions {
  int width = 0;   // 0 = canvas width (or keep aspect from height)
  int height = 0;  // 0 = canvas height (or keep aspect from width)
  int quality = 80;  // 1..100, JPEG-style
};

}  // namespace mosaic
