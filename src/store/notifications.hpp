// Changes announced by one process reach every process on the same PostgreSQL database
// (LISTEN/NOTIFY). The web app uses it so that a ballot cast through one `coproduce serve`
// updates the live results shown by all of them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace coproduce::db {

class Notifications final {
 public:
  // Listens on `channel` (a lowercase SQL identifier) from a connection of its own, opened with
  // `address` (postgresql://...). `heard(payload)` runs on the listening thread for every
  // announcement, from any process (this one included), and must not throw. If the connection
  // drops, the thread connects again; announcements made meanwhile are lost (the web app's
  // pages fall back to their periodic refresh). Throws Error if the first connection fails.
  Notifications(const std::string& address, const std::string& channel,
                std::function<void(std::string_view payload)> heard);
  ~Notifications();
  Notifications(const Notifications&) = delete;
  Notifications& operator=(const Notifications&) = delete;

  // Tells every listener on the channel. Thread-safe; throws Error if the database refuses.
  void Announce(const std::string& payload);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coproduce::db
