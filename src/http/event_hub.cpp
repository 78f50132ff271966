#include "http/event_hub.hpp"

#include <algorithm>

namespace coproduce::http {

std::string FormatEvent(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  while (true) {
    const std::size_t end = data.find('\n');
    std::string_view line = data.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.append("data: ").append(line).append("\n");
    if (end == std::string_view::npos) break;
    data.remove_prefix(end + 1);
  }
  out.append("\n");
  return out;
}

std::optional<std::string> EventHub::Listener::Take() {
  std::lock_guard lock(mutex_);
  std::optional<std::string> out = std::move(pending_);
  pending_.reset();
  return out;
}

std::shared_ptr<EventHub::Listener> EventHub::Subscribe(const std::string& topic,
                                                        std::function<void()> wake) {
  auto listener = std::make_shared<Listener>();
  listener->wake_ = std::move(wake);
  std::lock_guard lock(mutex_);
  topics_[topic].push_back(listener);
  return listener;
}

void EventHub::Unsubscribe(const std::string& topic, const std::shared_ptr<Listener>& listener) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  std::erase(it->second, listener);
  if (it->second.empty()) topics_.erase(it);
}

void EventHub::Publish(const std::string& topic, std::string_view data) {
  const std::string event = FormatEvent(data);
  std::vector<std::shared_ptr<Listener>> listeners;
  {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return;
    listeners = it->second;
  }
  for (const auto& listener : listeners) {
    {
      std::lock_guard lock(listener->mutex_);
      listener->pending_ = event;
    }
    if (listener->wake_) listener->wake_();
  }
}

std::size_t EventHub::Listeners() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [topic, listeners] : topics_) n += listeners.size();
  return n;
}

std::size_t EventHub::Listeners(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  return it == topics_.end() ? 0 : it->second.size();
}

}  // namespace coproduce::http
