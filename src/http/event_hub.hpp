// Server-Sent Events (text/event-stream): a handler answers with Response::EventStream(topic,
// first event) and the server keeps the connection open, writing every event published on
// the topic until the client goes away or the server stops. Listeners of a topic only need
// the latest state (live results), so a listener that has not yet written an event gets the
// newer one instead: a slow client never makes the server queue.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace coproduce::http {

// An event's wire form: "data: " before each line of `data`, a blank line after.
std::string FormatEvent(std::string_view data);

class EventHub final {
 public:
  class Listener final {
   public:
    // The newest event not yet taken, if any.
    std::optional<std::string> Take();

   private:
    friend class EventHub;
    std::mutex mutex_;
    std::optional<std::string> pending_;
    std::function<void()> wake_;
  };

  // `wake` is called (from the publishing thread) when an event is waiting; it must only
  // schedule work, not write.
  std::shared_ptr<Listener> Subscribe(const std::string& topic, std::function<void()> wake);
  void Unsubscribe(const std::string& topic, const std::shared_ptr<Listener>& listener);
  // Thread-safe. `data` is the event's payload (FormatEvent is applied here).
  void Publish(const std::string& topic, std::string_view data);
  std::size_t Listeners() const;
  std::size_t Listeners(const std::string& topic) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::shared_ptr<Listener>>, std::less<>> topics_;
};

}  // namespace coproduce::http
