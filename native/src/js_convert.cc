#include "js_convert.h"

#include <string>

namespace mosaic {
namespace {

Napi::Value Field(const Napi::Object& object, const char* key, const char* where) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) {
    throw Napi::TypeError::New(object.Env(), std::string(where) + "." + key + " is required");
  }
  return value;
}

std::string StringField(const Napi::Object& object, const char* key, const char* where) {
  Napi::Value value = Field(object, key, where);
  if (!value.IsString()) {
    throw Napi::TypeError::New(object.Env(), std::string(where) + "." + key + " must be a string");
  }
  return value.As<Napi::String>().Utf8Value();
}

int64_t IntField(const Napi::Object& object, const char* key, const char* where, int64_t min,
                 int64_t max) {
  Napi::Value value = Field(object, key, where);
  if (!value.IsNumber()) {
    throw Napi::TypeError::New(object.Env(), std::string(where) + "." + key + " must be a number");
  }
  const int64_t number = value.As<Napi::Number>().Int64Value();
  if (number < min || number > max) {
    throw Napi::RangeError::New(object.Env(), std::string(where) + "." + key + " is out of range");
  }
  return number;
}

int64_t OptionalIntField(const Napi::Object& object, const char* key, const char* where,
                         int64_t min, int64_t max, int64_t fallback) {
  return object.Get(key).IsUndefined() ? fallback : IntField(object, key, where, min, max);
}

FitMode FitFromString(Napi::Env env, const std::string& fit) {
  if (fit == "stretch") return FitMode::kStretch;
  if (fit == "contain") return FitMode::kContain;
  if (fit == "cover") return FitMode::kCover;
  throw Napi::TypeError::New(env, "tile.fit must be stretch, contain or cover");
}

double NumberIn(const Napi::Object& object, const char* key, double min, double max) {
  Napi::Value value = Field(object, key, "motion.masks[]");
  const double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(number >= min && number <= max)) {
    throw Napi::RangeError::New(object.Env(), std::string("motion.masks[].") + key + " is out of range");
  }
  return number;
}

MotionOptions MotionFromJs(const Napi::Object& object) {
  MotionOptions options;
  if (!object.Get("enabled").IsUndefined()) options.enabled = object.Get("enabled").ToBoolean().Value();
  options.sensitivity = static_cast<int>(
      OptionalIntField(object, "sensitivity", "motion", 1, 100, options.sensitivity));
  Napi::Value masks = object.Get("masks");
  if (masks.IsArray()) {
    Napi::Array list = masks.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++) {
      if (!list.Get(i).IsObject()) throw Napi::TypeError::New(object.Env(), "motion.masks[] must be objects");
      Napi::Object mask = list.Get(i).As<Napi::Object>();
      options.masks.push_back({NumberIn(mask, "x", 0, 1), NumberIn(mask, "y", 0, 1),
                               NumberIn(mask, "width", 0, 1), NumberIn(mask, "height", 0, 1)});
    }
  }
  return options;
}

Napi::Object SourceToJs(Napi::Env env, const SourceStats& source) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("name", source.name);
  object.Set("stream", source.stream);
  object.Set("state", SourceStateName(source.state));
  object.Set("frames", static_cast<double>(source.frames));
  object.Set("errors", static_cast<double>(source.errors));
  object.Set("reconnects", static_cast<double>(source.reconnects));
  object.Set("bytes", static_cast<double>(source.bytes));
  object.Set("fps", source.fps);
  object.Set("width", source.width);
  object.Set("height", source.height);
  object.Set("codec", source.codec);
  object.Set("lastError", source.last_error);
  if (source.motion_scored) {
    Napi::Object motion = Napi::Object::New(env);
    motion.Set("active", source.motion_active);
    motion.Set("score", source.motion_score);
    object.Set("motion", motion);
  }
  return object;
}

}  // namespace

SourcePoolOptions SourcePoolOptionsFromJs(const Napi::Object& object) {
  SourcePoolOptions options;
  Napi::Value cameras = Field(object, "cameras", "options");
  if (!cameras.IsArray()) throw Napi::TypeError::New(object.Env(), "options.cameras must be an array");
  Napi::Array list = cameras.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    if (!list.Get(i).IsObject()) throw Napi::TypeError::New(object.Env(), "camera must be an object");
    Napi::Object camera = list.Get(i).As<Napi::Object>();
    CameraOptions parsed;
    parsed.name = StringField(camera, "name", "camera");
    parsed.url = StringField(camera, "url", "camera");
    if (!camera.Get("subUrl").IsUndefined()) parsed.sub_url = StringField(camera, "subUrl", "camera");
    if (!camera.Get("title").IsUndefined()) parsed.title = StringField(camera, "title", "camera");
    parsed.transport = camera.Get("transport").IsString() &&
                               camera.Get("transport").As<Napi::String>().Utf8Value() == "udp"
                           ? Transport::kUdp
                           : Transport::kTcp;
    parsed.follow_redirects = camera.Get("followRedirects").IsBoolean() &&
                              camera.Get("followRedirects").As<Napi::Boolean>().Value();
    parsed.open_timeout_ms = static_cast<int>(
        OptionalIntField(camera, "openTimeoutMs", "camera", 100, 60000, parsed.open_timeout_ms));
    parsed.read_timeout_ms = static_cast<int>(
        OptionalIntField(camera, "readTimeoutMs", "camera", 100, 60000, parsed.read_timeout_ms));
    parsed.reconnect_initial_ms = static_cast<int>(OptionalIntField(
        camera, "reconnectInitialMs", "camera", 10, 60000, parsed.reconnect_initial_ms));
    parsed.reconnect_max_ms = static_cast<int>(OptionalIntField(
        camera, "reconnectMaxMs", "camera", 10, 600000, parsed.reconnect_max_ms));
    parsed.stale_after_ms = static_cast<int>(
        OptionalIntField(camera, "staleAfterMs", "camera", 100, 600000, parsed.stale_after_ms));
    if (camera.Get("motion").IsObject()) parsed.motion = MotionFromJs(camera.Get("motion").As<Napi::Object>());
    options.cameras.push_back(std::move(parsed));
  }
  options.main_idle_close_ms = static_cast<int>(OptionalIntField(
      object, "mainIdleCloseMs", "options", 0, 3600000, options.main_idle_close_ms));
  return options;
}

StitcherOptions StitcherOptionsFromJs(const Napi::Object& object) {
  StitcherOptions options;
  options.output = EncoderOptionsFromJs(Field(object, "output", "options"), "output");
  options.tiles = TilesFromJs(Field(object, "tiles", "options"));
  options.stale_timeout_ms =
      static_cast<int>(IntField(object, "staleTimeoutMs", "options", 0, 3600000));
  if (!object.Get("fontPath").IsUndefined()) options.font_path = StringField(object, "fontPath", "options");
  if (!object.Get("labelCorner").IsUndefined()) {
    const std::string corner = StringField(object, "labelCorner", "options");
    if (corner == "top-left") options.label_corner = LabelCorner::kTopLeft;
    else if (corner == "top-right") options.label_corner = LabelCorner::kTopRight;
    else if (corner == "bottom-left") options.label_corner = LabelCorner::kBottomLeft;
    else if (corner == "bottom-right") options.label_corner = LabelCorner::kBottomRight;
    else throw Napi::TypeError::New(object.Env(), "options.labelCorner must be top-left, top-right, bottom-left or bottom-right");
  }
  return options;
}

std::vector<PublisherOptions> OutputsFromJs(const Napi::Object& object) {
  std::vector<PublisherOptions> outputs;
  Napi::Value value = object.Get("outputs");
  if (value.IsUndefined()) return outputs;
  if (!value.IsArray()) throw Napi::TypeError::New(object.Env(), "options.outputs must be an array");
  Napi::Array list = value.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Object output = list.Get(i).As<Napi::Object>();
    PublisherOptions parsed;
    parsed.id = StringField(output, "id", "output");
    const std::string type = StringField(output, "type", "output");
    if (type == "rtsp") {
      parsed.kind = PublisherOptions::Kind::kRtsp;
    } else if (type == "rtp") {
      parsed.kind = PublisherOptions::Kind::kRtp;
    } else {
      throw Napi::TypeError::New(object.Env(), "output.type must be rtsp or rtp");
    }
    parsed.url = StringField(output, "url", "output");
    parsed.transport = output.Get("transport").IsString() &&
                               output.Get("transport").As<Napi::String>().Utf8Value() == "udp"
                           ? Transport::kUdp
                           : Transport::kTcp;
    parsed.payload_type =
        static_cast<int>(OptionalIntField(output, "payloadType", "output", 96, 127, 96));
    parsed.reconnect_initial_ms = static_cast<int>(OptionalIntField(
        output, "reconnectInitialMs", "output", 10, 60000, parsed.reconnect_initial_ms));
    parsed.reconnect_max_ms = static_cast<int>(OptionalIntField(
        output, "reconnectMaxMs", "output", 10, 600000, parsed.reconnect_max_ms));
    outputs.push_back(std::move(parsed));
  }
  return outputs;
}

std::vector<TileOptions> TilesFromJs(const Napi::Value& value) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), "tiles must be an array");
  Napi::Array list = value.As<Napi::Array>();
  std::vector<TileOptions> tiles;
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Object tile = list.Get(i).As<Napi::Object>();
    TileOptions parsed;
    parsed.camera = StringField(tile, "camera", "tile");
    Napi::Value cameras = tile.Get("cameras");
    if (cameras.IsArray()) {
      Napi::Array names = cameras.As<Napi::Array>();
      for (uint32_t j = 0; j < names.Length(); j++) {
        if (!names.Get(j).IsString()) throw Napi::TypeError::New(value.Env(), "tile.cameras must hold strings");
        parsed.cameras.push_back(names.Get(j).As<Napi::String>().Utf8Value());
      }
    }
    parsed.rotate_ms = static_cast<int>(OptionalIntField(tile, "rotateMs", "tile", 100, 86400000, parsed.rotate_ms));
    if (!tile.Get("stream").IsUndefined()) {
      const std::string stream = StringField(tile, "stream", "tile");
      if (stream == "main") parsed.stream = StreamChoice::kMain;
      else if (stream == "sub") parsed.stream = StreamChoice::kSub;
      else if (stream == "auto") parsed.stream = StreamChoice::kAuto;
      else throw Napi::TypeError::New(value.Env(), "tile.stream must be auto, main or sub");
    }
    parsed.label = tile.Get("label").ToBoolean().Value();
    parsed.clock = tile.Get("clock").ToBoolean().Value();
    parsed.x = static_cast<int>(IntField(tile, "x", "tile", 0, 16384));
    parsed.y = static_cast<int>(IntField(tile, "y", "tile", 0, 16384));
    parsed.width = static_cast<int>(IntField(tile, "width", "tile", 1, 16384));
    parsed.height = static_cast<int>(IntField(tile, "height", "tile", 1, 16384));
    parsed.fit = tile.Get("fit").IsUndefined() ? FitMode::kStretch
                                               : FitFromString(value.Env(), StringField(tile, "fit", "tile"));
    tiles.push_back(std::move(parsed));
  }
  return tiles;
}

EncoderOptions EncoderOptionsFromJs(const Napi::Value& value, const char* where) {
  if (!value.IsObject()) {
    throw Napi::TypeError::New(value.Env(), std::string(where) + " must be an object");
  }
  Napi::Object object = value.As<Napi::Object>();
  EncoderOptions options;
  // Even sizes: 4:2:0 chroma.
  options.width = static_cast<int>(IntField(object, "width", where, 16, 8192)) & ~1;
  options.height = static_cast<int>(IntField(object, "height", where, 16, 8192)) & ~1;
  options.fps = static_cast<int>(IntField(object, "fps", where, 1, 120));
  options.bitrate = IntField(object, "bitrate", where, 10000, 200000000);
  options.gop = static_cast<int>(IntField(object, "gop", where, 1, 10000));
  options.preset = StringField(object, "preset", where);
  options.profile = StringField(object, "profile", where);
  return options;
}

SnapshotOptions SnapshotOptionsFromJs(const Napi::Value& value) {
  SnapshotOptions options;
  if (!value.IsObject()) return options;
  Napi::Object object = value.As<Napi::Object>();
  options.width = static_cast<int>(OptionalIntField(object, "width", "snapshot", 0, 8192, 0));
  options.height = static_cast<int>(OptionalIntField(object, "height", "snapshot", 0, 8192, 0));
  options.quality = static_cast<int>(OptionalIntField(object, "quality", "snapshot", 1, 100, 80));
  return options;
}

Napi::Object StatsToJs(Napi::Env env, const StitcherStats& stats, uint64_t dropped_units) {
  Napi::Object output = Napi::Object::New(env);
  output.Set("frames", static_cast<double>(stats.output.frames));
  output.Set("skippedTicks", static_cast<double>(stats.output.skipped_ticks));
  output.Set("keyframes", static_cast<double>(stats.output.keyframes));
  output.Set("bytes", static_cast<double>(stats.output.bytes));
  output.Set("encodeErrors", static_cast<double>(stats.output.encode_errors));
  output.Set("droppedAccessUnits", static_cast<double>(dropped_units));
  output.Set("fps", stats.output.fps);
  output.Set("composeUs", static_cast<double>(stats.output.compose_us));
  output.Set("encodeUs", static_cast<double>(stats.output.encode_us));
  output.Set("encoder", stats.output.encoder);
  output.Set("idle", stats.output.idle);
  Napi::Object latency = Napi::Object::New(env);
  latency.Set("p50", static_cast<double>(stats.output.latency_p50_us));
  latency.Set("p95", static_cast<double>(stats.output.latency_p95_us));
  latency.Set("p99", static_cast<double>(stats.output.latency_p99_us));
  output.Set("latencyUs", latency);

  Napi::Array tiles = Napi::Array::New(env, stats.tiles.size());
  for (size_t i = 0; i < stats.tiles.size(); i++) {
    Napi::Object tile = Napi::Object::New(env);
    tile.Set("camera", stats.tiles[i].camera);
    tile.Set("stream", stats.tiles[i].stream);
    tile.Set("content", TileContentName(stats.tiles[i].content));
    tile.Set("painted", static_cast<double>(stats.tiles[i].painted));
    tile.Set("problem", stats.tiles[i].problem);
    tiles.Set(static_cast<uint32_t>(i), tile);
  }
  Napi::Array outputs = Napi::Array::New(env, stats.outputs.size());
  for (size_t i = 0; i < stats.outputs.size(); i++) {
    const PublisherStats& publisher = stats.outputs[i];
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("id", publisher.id);
    entry.Set("state", PublisherStateName(publisher.state));
    entry.Set("bytes", static_cast<double>(publisher.bytes));
    entry.Set("units", static_cast<double>(publisher.units));
    entry.Set("dropped", static_cast<double>(publisher.dropped));
    entry.Set("reconnects", static_cast<double>(publisher.reconnects));
    entry.Set("lastError", publisher.last_error);
    outputs.Set(static_cast<uint32_t>(i), entry);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("outputs", outputs);
  result.Set("output", output);
  result.Set("tiles", tiles);
  return result;
}

Napi::Array SourcesToJs(Napi::Env env, const std::vector<SourceStats>& sources) {
  Napi::Array list = Napi::Array::New(env, sources.size());
  for (size_t i = 0; i < sources.size(); i++) list.Set(static_cast<uint32_t>(i), SourceToJs(env, sources[i]));
  return list;
}

}  // namespace mosaic
