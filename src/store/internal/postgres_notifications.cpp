// LISTEN/NOTIFY over libpq: one connection listens on its own thread, another announces.
#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "store/connection.hpp"
#include "store/notifications.hpp"

namespace coproduce::db {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using Handle = std::unique_ptr<PGconn, ConnectionCloser>;

// How often the listening thread looks up from its socket to see whether it should stop.
constexpr int kPollMilliseconds = 200;

// A connection that has run LISTEN, or nothing with `why` saying what went wrong.
Handle Listen(const std::string& address, const std::string& channel, std::string& why) {
  Handle connection(PQconnectdb(address.c_str()));
  if (!connection || PQstatus(connection.get()) != CONNECTION_OK) {
    why = connection ? PQerrorMessage(connection.get()) : "no memory";
    return nullptr;
  }
  PGresult* result = PQexec(connection.get(), ("LISTEN " + channel).c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  if (!ok) why = PQresultErrorMessage(result);
  PQclear(result);
  if (!ok) return nullptr;
  return connection;
}

}  // namespace

struct Notifications::Impl {
  std::string address;
  std::string channel;
  std::function<void(std::string_view)> heard;
  Handle listening;
  std::atomic<bool> stopping{false};
  std::thread thread;
  std::mutex announce_mutex;
  std::unique_ptr<Connection> announcing;  // opened on first use, again after a failure

  void Run() {
    while (!stopping) {
      if (!listening) {
        std::string why;
        listening = Listen(address, channel, why);
        if (!listening) {
          spdlog::warn("Listening for {} failed ({}); trying again in a second.", channel, why);
          std::this_thread::sleep_for(std::chrono::seconds(1));
          continue;
        }
      }
      pollfd socket{PQsocket(listening.get()), POLLIN, 0};
      const int ready = poll(&socket, 1, kPollMilliseconds);
      if (ready <= 0) continue;  // timed out (or interrupted): look at `stopping` again
      if (PQconsumeInput(listening.get()) == 0) {
        spdlog::warn("The connection listening for {} dropped: {}", channel,
                     PQerrorMessage(listening.get()));
        listening.reset();
        continue;
      }
      while (PGnotify* notice = PQnotifies(listening.get())) {
        heard(notice->extra != nullptr ? notice->extra : "");
        PQfreemem(notice);
      }
    }
  }
};

Notifications::Notifications(const std::string& address, const std::string& channel,
                             std::function<void(std::string_view payload)> heard)
    : impl_(std::make_unique<Impl>()) {
  static const std::regex kIdentifier("[a-z_][a-z0-9_]*");
  if (!std::regex_match(channel, kIdentifier)) {
    throw Error(Error::Kind::kOther,
                "A notification channel is a lowercase name like "
                "\"live_votes\"; \"" +
                    channel + "\" is not.");
  }
  impl_->address = address;
  impl_->channel = channel;
  impl_->heard = std::move(heard);
  std::string why;
  impl_->listening = Listen(address, channel, why);
  if (!impl_->listening) {
    throw Error(Error::Kind::kOther, "Could not listen for notifications on PostgreSQL: " + why);
  }
  impl_->thread = std::thread([impl = impl_.get()] { impl->Run(); });
}

Notifications::~Notifications() {
  impl_->stopping = true;
  impl_->thread.join();
}

void Notifications::Announce(const std::string& payload) {
  std::lock_guard lock(impl_->announce_mutex);
  for (int attempt = 1;; ++attempt) {
    try {
      if (!impl_->announcing) impl_->announcing = OpenPostgres(impl_->address);
      impl_->announcing->Query("SELECT pg_notify($1, $2)", {impl_->channel, payload});
      return;
    } catch (const Error&) {
      impl_->announcing.reset();  // perhaps a dropped connection: one more try on a new one
      if (attempt >= 2) throw;
    }
  }
}

}  // namespace coproduce::db
