#include "web/ballot_box.hpp"

#include <algorithm>
#include <thread>
#include <vector>

namespace coproduce::web {

namespace {
constexpr std::size_t kLargestGroup = 512;
constexpr int kAttempts = 8;
}  // namespace

BallotBox::BallotBox(std::unique_ptr<db::Connection> connection)
    : connection_(std::move(connection)) {
  // SQLite's default here (NORMAL) may lose the last commits on power loss; PostgreSQL's
  // commits are durable unless configured otherwise.
  if (connection_->Engine() == "sqlite") connection_->ExecuteScript("PRAGMA synchronous = FULL;");
  thread_ = std::thread([this] { Run(); });
}

BallotBox::~BallotBox() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

domain::CastResult BallotBox::Submit(Cast cast) {
  std::future<domain::CastResult> result;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Item{std::move(cast), {}});
    result = queue_.back().done.get_future();
  }
  wake_.notify_one();
  return result.get();
}

void BallotBox::Run() {
  while (true) {
    std::vector<Item> group;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      while (!queue_.empty() && group.size() < kLargestGroup) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<std::optional<domain::CastResult>> results(group.size());
    std::vector<std::exception_ptr> failures(group.size());
    std::exception_ptr commit_failure;
    // A group that lost to another transaction (PostgreSQL's serialization failure, which no
    // savepoint undoes) is written again from the start.
    for (int attempt = 1;; ++attempt) {
      std::fill(results.begin(), results.end(), std::nullopt);
      std::fill(failures.begin(), failures.end(), nullptr);
      commit_failure = nullptr;
      bool busy = false;
      try {
        db::Transaction tx(*connection_);
        for (std::size_t i = 0; i < group.size(); ++i) {
          try {
            results[i] = group[i].cast(*connection_);  // its own savepoint inside the group
          } catch (const db::Error& error) {
            busy = busy || error.kind() == db::Error::Kind::kBusy;
            failures[i] = std::current_exception();
          } catch (...) {
            failures[i] = std::current_exception();
          }
        }
        if (busy)
          throw db::Error(db::Error::Kind::kBusy, "A ballot's transaction lost to another.");
        tx.Commit();
      } catch (const db::Error& error) {
        busy = error.kind() == db::Error::Kind::kBusy;
        commit_failure = std::current_exception();
      } catch (...) {
        commit_failure = std::current_exception();
      }
      if (!busy || attempt >= kAttempts) break;
      std::this_thread::sleep_for(db::BusyPause(attempt + 1));
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (commit_failure) {
        group[i].done.set_exception(commit_failure);
      } else if (failures[i]) {
        group[i].done.set_exception(failures[i]);
      } else {
        group[i].done.set_value(std::move(*results[i]));
      }
    }
  }
}

}  // namespace coproduce::web
