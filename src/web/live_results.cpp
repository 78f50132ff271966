#include "web/live_results.hpp"

#include <chrono>

namespace coproduce::web {

namespace {
constexpr auto kInterval = std::chrono::milliseconds(500);
}  // namespace

LiveResults::LiveResults(std::function<void(int64_t, int64_t)> publish)
    : publish_(std::move(publish)), thread_([this] { Run(); }) {}

LiveResults::~LiveResults() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LiveResults::Changed(int64_t partnership_id, int64_t vote_id) {
  {
    std::lock_guard lock(mutex_);
    changed_[vote_id] = partnership_id;
  }
  wake_.notify_one();
}

void LiveResults::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !changed_.empty(); });
    if (stopping_) return;
    std::map<int64_t, int64_t> batch;
    batch.swap(changed_);
    lock.unlock();
    for (const auto& [vote, partnership] : batch) publish_(partnership, vote);
    lock.lock();
    // Let more ballots arrive before the next recount.
    wake_.wait_for(lock, kInterval, [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace coproduce::web
