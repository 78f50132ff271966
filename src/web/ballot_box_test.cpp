#include "web/ballot_box.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "domain/testing/test_database.hpp"

namespace coproduce::web {
namespace {

// Each "ballot" here inserts a row in a transaction of its own, as the domain's casts do.
domain::CastResult Insert(db::Connection& db, int64_t n) {
  db::Transaction tx(db);
  db.Execute("INSERT INTO themes (partnership_id, name, created_at) VALUES (1, $1, 1)",
             {"theme " + std::to_string(n)});
  if (n % 10 == 7) throw std::runtime_error("this ballot fails");
  tx.Commit();
  return {domain::Outcome::Ok(n), "receipt " + std::to_string(n), false};
}

TEST(BallotBoxTest, CommitsConcurrentBallotsAndIsolatesAFailingOne) {
  domain::testing::TestDatabase test;
  test.db().Execute("INSERT INTO partnerships (slug, name, created_at) VALUES ('p', 'P', 1)");
  BallotBox box(test.Open());
  EXPECT_EQ(box.Submit([](db::Connection& db) { return Insert(db, 1); }).receipt, "receipt 1");
  std::atomic<int> ok = 0;
  std::atomic<int> failed = 0;
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const int64_t n = 100 + t * 20 + i;
        try {
          const auto result = box.Submit([n](db::Connection& db) { return Insert(db, n); });
          EXPECT_EQ(result.outcome.id, n);
          ++ok;
        } catch (const std::runtime_error&) {
          ++failed;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok + failed, 160);
  EXPECT_EQ(failed.load(), 16);  // n % 10 == 7
  // Every successful ballot is stored, and none of the failed ones.
  EXPECT_EQ(test.db().Query("SELECT count(*) FROM themes")[0].Int(0), 1 + ok.load());
}

}  // namespace
}  // namespace coproduce::web
