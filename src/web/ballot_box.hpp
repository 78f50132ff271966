// Makes ballots durable in groups. Each ballot must be on disk before its voter is told it
// counts; one fsync per ballot would cap a server at its disk's sync rate. Requests hand
// their ballot to one writer thread, which runs every ballot waiting in one transaction on a
// connection with synchronous = FULL, then answers them all: one sync per group.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "domain/votes.hpp"
#include "store/connection.hpp"

namespace coproduce::web {

class BallotBox final {
 public:
  using Cast = std::function<domain::CastResult(db::Connection&)>;

  explicit BallotBox(std::unique_ptr<db::Connection> connection);
  ~BallotBox();
  BallotBox(const BallotBox&) = delete;
  BallotBox& operator=(const BallotBox&) = delete;

  // Runs `cast` on the writer's connection, inside the group's transaction (a failure of one
  // ballot rolls back only that ballot), and returns once the group is committed. Throws what
  // `cast` threw, or the commit's error. Thread-safe.
  domain::CastResult Submit(Cast cast);

 private:
  struct Item final {
    Cast cast;
    std::promise<domain::CastResult> done;
  };
  void Run();

  std::unique_ptr<db::Connection> connection_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace coproduce::web
