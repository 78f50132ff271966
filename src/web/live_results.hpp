// Pushes live vote results to the pages that show them: after a ballot, the vote is marked
// changed; a background thread recounts each changed vote at most twice a second and
// publishes the new results to the vote's event stream (http/event_hub.hpp). Many ballots in
// a burst cost one recount, not one each.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace coproduce::web {

class LiveResults final {
 public:
  // `publish(partnership_id, vote_id)` recounts and publishes one vote; it runs on the
  // background thread and must not throw.
  explicit LiveResults(std::function<void(int64_t, int64_t)> publish);
  ~LiveResults();
  LiveResults(const LiveResults&) = delete;
  LiveResults& operator=(const LiveResults&) = delete;

  // Thread-safe and quick: marks the vote changed.
  void Changed(int64_t partnership_id, int64_t vote_id);

 private:
  void Run();

  std::function<void(int64_t, int64_t)> publish_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int64_t, int64_t> changed_;  // vote -> partnership
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace coproduce::web
