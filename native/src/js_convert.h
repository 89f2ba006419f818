// JS values <-> the plain structs of options.h and stitcher.h. TypeScript validated the options
// (ajv) already; these checks only keep a wrong call from reaching the media threads.
#pragma once

#include <napi.h>

#include <vector>

#include "options.h"
#include "publisher.h"
#include "stitcher.h"

namespace mosaic {

SourcePoolOptions SourcePoolOptionsFromJs(const Napi::Object& object);
StitcherOptions StitcherOptionsFromJs(const Napi::Object& object);
// `options.outputs` (optional): where the main rendition is published.
std::vector<PublisherOptions> OutputsFromJs(const Napi::Object& object);
std::vector<TileOptions> TilesFromJs(const Napi::Value& value);
SnapshotOptions SnapshotOptionsFromJs(const Napi::Value& value);
EncoderOptions EncoderOptionsFromJs(const Napi::Value& value, const char* where);
Napi::Object StatsToJs(Napi::Env env, const StitcherStats& stats, uint64_t dropped_units);
Napi::Array SourcesToJs(Napi::Env env, const std::vector<SourceStats>& sources);

}  // namespace mosaic
