#include "stitcher.h"

#include <algorithm>

#include "thread_name.h"

namespace mosaic {
namespace {

int64_t NowUs() { return av_gettime_relative(); }

}  // namespace

Stitcher::Stitcher(StitcherOptions options, std::shared_ptr<SourcePool> pool,
                   std::vector<PublisherOptions> outputs, StitcherCallbacks callbacks)
    : options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      pool_(std::move(pool)),
      encoder_(options_.output),
      compositor_(options_.output.width, options_.output.height, options_.stale_timeout_ms,
                  options_.font_path, options_.label_corner) {
  compositor_.SetTiles(options_.tiles);
  for (PublisherOptions& output : outputs) {
    publishers_.push_back(std::make_unique<Publisher>(
        std::move(output), compositor_.canvas()->width, compositor_.canvas()->height,
        callbacks_.on_output_state, [this] { encoder_.RequestKeyframe(); }));
  }
  output_.encoder = encoder_.name();
}

Stitcher::~Stitcher() { Stop(); }

void Stitcher::Start() {
  if (started_) return;
  started_ = true;
  for (auto& publisher : publishers_) publisher->Start();
  clock_ = std::thread([this] {
    NameThisThread("cm-clock");
    RunClock();
  });
}

void Stitcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    stop_ = true;
    wake_.notify_all();
  }
  for (auto& publisher : publishers_) publisher->RequestStop();
  if (clock_.joinable()) clock_.join();
  for (auto& publisher : publishers_) publisher->Join();
}

void Stitcher::AddRendition(std::shared_ptr<Rendition> rendition) {
  {
    std::lock_guard<std::mutex> lock(renditions_mutex_);
    renditions_[rendition->id()] = std::move(rendition);
    rendition_count_ = renditions_.size();
  }
  // A resting clock wakes for it at once.
  std::lock_guard<std::mutex> lock(wake_mutex_);
  wake_.notify_all();
}

void Stitcher::RemoveRendition(int id) {
  std::lock_guard<std::mutex> lock(renditions_mutex_);
  renditions_.erase(id);
  rendition_count_ = renditions_.size();
}

void Stitcher::SetIdle(bool idle) {
  if (idle_.exchange(idle) == idle) return;
  // A viewer waking the encoder needs a picture it can start on.
  if (!idle) encoder_.RequestKeyframe();
  std::lock_guard<std::mutex> lock(wake_mutex_);
  wake_.notify_all();
}

void Stitcher::RequestRenditionKeyframe(int id) {
  std::lock_guard<std::mutex> lock(renditions_mutex_);
  auto found = renditions_.find(id);
  if (found != renditions_.end()) found->second->RequestKeyframe();
}

void Stitcher::SetLayout(std::vector<TileOptions> tiles) {
  std::lock_guard<std::mutex> lock(layout_mutex_);
  pending_tiles_ = std::move(tiles);
}

void Stitcher::RunClock() {
  const int64_t frame_us = 1000000 / std::max(1, options_.output.fps);
  const int64_t start_us = NowUs();
  int64_t frame_index = 0;
  bool rested = false;
  while (!stop_) {
    if (Resting()) {
      RestTick();
      std::unique_lock<std::mutex> lock(wake_mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(kIdleComposeMs),
                     [this] { return stop_.load() || !Resting(); });
      rested = true;
      continue;
    }
    if (rested) {
      // Back from rest: the next frame is due now, its timestamp where wall time has got to (a
      // gap in pts, not a burst of frames), and the rest is not counted as skipped ticks.
      frame_index = std::max(frame_index, (NowUs() - start_us) / frame_us);
      rested = false;
    }
    const int64_t due_us = start_us + frame_index * frame_us;
    {
      std::unique_lock<std::mutex> lock(wake_mutex_);
      wake_.wait_for(lock, std::chrono::microseconds(std::max<int64_t>(0, due_us - NowUs())),
                     [this] { return stop_.load(); });
    }
    if (stop_) break;
    // Fallen behind by more than two frames (machine overloaded): skip ahead rather than
    // burst, so timestamps keep matching wall time.
    const int64_t late_frames = (NowUs() - due_us) / frame_us;
    if (late_frames > 2) {
      frame_index += late_frames;
      std::lock_guard<std::mutex> lock(canvas_mutex_);
      output_.skipped_ticks += late_frames;
    }
    Tick(frame_index);
    frame_index++;
  }
}

void Stitcher::ComposeCanvas(int64_t now_us, bool resting) {
  std::optional<std::vector<TileOptions>> tiles;
  {
    std::lock_guard<std::mutex> lock(layout_mutex_);
    tiles.swap(pending_tiles_);
  }
  std::vector<TileProblem> problems;
  {
    std::lock_guard<std::mutex> lock(canvas_mutex_);
    if (tiles) compositor_.SetTiles(std::move(*tiles));
    compositor_.SetResting(resting);
    compositor_.Compose([this](const std::string& camera) { return pool_->Find(camera); }, now_us);
    problems = compositor_.new_problems();
  }
  // Outside the lock: the callback hands over to JS, which may be slow to take it.
  if (callbacks_.on_tile_problem) {
    for (const TileProblem& problem : problems) callbacks_.on_tile_problem(problem);
  }
}

void Stitcher::Tick(int64_t frame_index) {
  const int64_t tick_start = NowUs();
  ComposeCanvas(tick_start, false);
  const int64_t composed = NowUs();

  std::vector<AccessUnit> units;
  std::string error;
  // Read once: a SetIdle() during this tick applies from the next one.
  const bool main_wanted = !idle_;
  const bool encoded =
      !main_wanted || encoder_.Encode(compositor_.canvas(), frame_index, &units, &error);
  std::vector<std::shared_ptr<Rendition>> renditions;
  {
    std::lock_guard<std::mutex> lock(renditions_mutex_);
    for (auto& entry : renditions_) renditions.push_back(entry.second);
  }
  bool renditions_ok = true;
  for (auto& rendition : renditions) {
    const size_t first = units.size();
    std::string rendition_error;
    renditions_ok &= rendition->OnCanvasTick(compositor_.canvas(), frame_index, &units, &rendition_error);
    for (size_t i = first; i < units.size(); i++) units[i].rendition = rendition->id();
  }
  const int64_t done = NowUs();
  {
    std::lock_guard<std::mutex> lock(canvas_mutex_);
    output_.compose_us = composed - tick_start;
    output_.encode_us = done - composed;
    output_.idle = !main_wanted;
    if (!encoded || !renditions_ok) output_.encode_errors++;
    if (main_wanted) {
      recent_ticks_us_[output_.frames % 64] = done;
      output_.frames++;
    }
    output_.keyframes = encoder_.keyframes();
    for (const AccessUnit& unit : units) {
      if (unit.rendition == 0) output_.bytes += unit.data.size();
    }
    // Each frame painted this tick first leaves the encoder in this tick's access unit.
    const int64_t encoded_at = composed + output_.encode_us;
    for (int64_t arrival : compositor_.painted_arrivals()) {
      if (arrival <= 0 || arrival > encoded_at) continue;
      if (latency_us_.size() < kLatencySamples) latency_us_.push_back(encoded_at - arrival);
      else latency_us_[latency_count_ % kLatencySamples] = encoded_at - arrival;
      latency_count_++;
    }
  }
  if (!publishers_.empty()) {
    for (const AccessUnit& unit : units) {
      if (unit.rendition != 0) continue;
      auto shared = std::make_shared<const AccessUnit>(unit);
      for (auto& publisher : publishers_) publisher->Push(shared);
    }
  }
  if (callbacks_.on_access_unit) {
    for (AccessUnit& unit : units) callbacks_.on_access_unit(std::move(unit));
  }
}

void Stitcher::RestTick() {
  const int64_t start = NowUs();
  ComposeCanvas(start, true);
  std::lock_guard<std::mutex> lock(canvas_mutex_);
  output_.compose_us = NowUs() - start;
  output_.encode_us = 0;
  output_.idle = true;
}

FramePtr Stitcher::CopyCanvas() {
  FramePtr copy = MakeFrame();
  std::lock_guard<std::mutex> lock(canvas_mutex_);
  const AVFrame* canvas = compositor_.canvas();
  copy->format = canvas->format;
  copy->width = canvas->width;
  copy->height = canvas->height;
  if (av_frame_get_buffer(copy.get(), 32) < 0 || av_frame_copy(copy.get(), canvas) < 0) {
    return nullptr;
  }
  return copy;
}

StitcherStats Stitcher::Stats() {
  StitcherStats stats;
  {
    std::lock_guard<std::mutex> lock(canvas_mutex_);
    stats.output = output_;
    stats.tiles = compositor_.TileStatuses();
    const int64_t now = NowUs();
    const uint64_t count = std::min<uint64_t>(output_.frames, 64);
    uint64_t recent = 0;
    for (uint64_t i = 0; i < count; i++) {
      if (now - recent_ticks_us_[i] <= 1000000) recent++;
    }
    stats.output.fps = static_cast<double>(recent);
    if (!latency_us_.empty()) {
      std::vector<int64_t> sorted = latency_us_;
      std::sort(sorted.begin(), sorted.end());
      auto at = [&sorted](double q) { return sorted[static_cast<size_t>(q * (sorted.size() - 1))]; };
      stats.output.latency_p50_us = at(0.50);
      stats.output.latency_p95_us = at(0.95);
      stats.output.latency_p99_us = at(0.99);
    }
  }
  for (auto& publisher : publishers_) stats.outputs.push_back(publisher->Stats());
  return stats;
}

}  // namespace mosaic
