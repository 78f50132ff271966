#include "store/connection.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <future>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace coproduce::db {
namespace {

TEST(RowTest, IntReadsEveryType) {
  Row row({int64_t{-7}, 3.9, -3.9, std::string("42"), std::string("4x"), std::string(""), nullptr,
           1e300, std::nan("")});
  EXPECT_EQ(row.Int(0), -7);
  EXPECT_EQ(row.Int(1), 3);  // truncated toward zero
  EXPECT_EQ(row.Int(2), -3);
  EXPECT_EQ(row.Int(3), 42);
  EXPECT_EQ(row.Int(4), 0);  // not a whole number
  EXPECT_EQ(row.Int(5), 0);
  EXPECT_EQ(row.Int(6), 0);  // NULL
  EXPECT_EQ(row.Int(7), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(row.Int(8), 0);
}

TEST(RowTest, RealReadsEveryType) {
  Row row({2.5, int64_t{3}, std::string("0.25"), std::string("abc"), nullptr});
  EXPECT_EQ(row.Real(0), 2.5);
  EXPECT_EQ(row.Real(1), 3.0);
  EXPECT_EQ(row.Real(2), 0.25);
  EXPECT_EQ(row.Real(3), 0.0);
  EXPECT_EQ(row.Real(4), 0.0);
}

TEST(RowTest, TextFormatsNumbers) {
  Row row({std::string("hi"), int64_t{-12345678901234}, 0.1, 2.0, nullptr});
  EXPECT_EQ(row.Text(0), "hi");
  EXPECT_EQ(row.Text(1), "-12345678901234");
  EXPECT_EQ(row.Text(2), "0.1");
  EXPECT_EQ(row.Text(3), "2");
  EXPECT_EQ(row.Text(4), "");
}

TEST(RowTest, OptionalsAreEmptyOnlyForNull) {
  Row row({nullptr, int64_t{0}, std::string("")});
  EXPECT_TRUE(row.IsNull(0));
  EXPECT_FALSE(row.IsNull(1));
  EXPECT_EQ(row.OptInt(0), std::nullopt);
  EXPECT_EQ(row.OptText(0), std::nullopt);
  EXPECT_EQ(row.OptInt(1), 0);
  EXPECT_EQ(row.OptText(1), "0");
  EXPECT_EQ(row.OptText(2), "");
}

TEST(RowTest, OutOfRangeColumnThrows) {
  Row row({int64_t{1}});
  EXPECT_THROW(row.Int(1), std::out_of_range);
}

// Opens in-memory databases and counts how many it opened.
struct CountingFactory {
  std::shared_ptr<std::atomic<int>> opened = std::make_shared<std::atomic<int>>(0);
  std::unique_ptr<Connection> operator()() const {
    ++*opened;
    return OpenSqlite(":memory:");
  }
};

TEST(PoolTest, OpensConnectionsLazilyAndReusesThem) {
  CountingFactory factory;
  Pool pool(factory, 2);
  EXPECT_EQ(*factory.opened, 0);
  Connection* first = nullptr;
  {
    Pool::Lease lease = pool.Acquire();
    first = &*lease;
    EXPECT_EQ(*factory.opened, 1);
  }
  {
    Pool::Lease again = pool.Acquire();
    EXPECT_EQ(&*again, first);
    Pool::Lease second = pool.Acquire();
    EXPECT_NE(&*second, first);
    EXPECT_EQ(*factory.opened, 2);
  }
  Pool::Lease third = pool.Acquire();
  EXPECT_EQ(*factory.opened, 2);
}

TEST(PoolTest, AcquireWaitsForAReturnedConnection) {
  CountingFactory factory;
  Pool pool(factory, 1);
  auto held = std::make_unique<Pool::Lease>(pool.Acquire());
  Connection* only = &**held;
  std::atomic<bool> returned{false};
  std::atomic<bool> acquired{false};

  std::promise<void> starting;
  std::future<void> started = starting.get_future();
  std::future<Connection*> waiter = std::async(std::launch::async, [&] {
    starting.set_value();
    Pool::Lease lease = pool.Acquire();
    acquired = true;
    // The only connection can reach us only after the main thread gave it back.
    EXPECT_TRUE(returned.load());
    return &*lease;
  });
  started.wait();
  EXPECT_FALSE(acquired.load());
  returned = true;
  held.reset();

  EXPECT_EQ(waiter.get(), only);
  EXPECT_EQ(*factory.opened, 1);
}

TEST(PoolTest, LeaseRollsBackAnOpenTransaction) {
  Pool pool(CountingFactory{}, 1);
  pool.Acquire()->ExecuteScript("CREATE TABLE notes (text TEXT);");
  try {
    Pool::Lease lease = pool.Acquire();
    lease->Begin();
    lease->Execute("INSERT INTO notes VALUES ('unfinished')");
    throw std::runtime_error("the request failed");
  } catch (const std::runtime_error&) {
  }
  Pool::Lease lease = pool.Acquire();
  EXPECT_FALSE(lease->InTransaction());
  EXPECT_EQ(lease->Query("SELECT COUNT(*) FROM notes")[0].Int(0), 0);
}

TEST(PoolTest, MovedLeaseReturnsOnce) {
  CountingFactory factory;
  Pool pool(factory, 1);
  {
    Pool::Lease lease = pool.Acquire();
    Pool::Lease moved(std::move(lease));
    EXPECT_EQ(moved->Query("SELECT 1")[0].Int(0), 1);
  }
  Pool::Lease again = pool.Acquire();
  EXPECT_EQ(*factory.opened, 1);
}

TEST(PoolTest, FailedOpenFreesItsPlace) {
  int calls = 0;
  Pool pool(
      [&calls]() -> std::unique_ptr<Connection> {
        if (++calls == 1) throw Error(Error::Kind::kOther, "cannot open");
        return OpenSqlite(":memory:");
      },
      1);
  EXPECT_THROW(pool.Acquire(), Error);
  Pool::Lease lease = pool.Acquire();  // would wait forever if the failed open kept its place
  EXPECT_EQ(calls, 2);
}

// A connection whose transaction cannot be rolled back, as after a lost database.
class BrokenConnection final : public Connection {
 public:
  Rows Query(std::string_view, const std::vector<Value>&) override { return {}; }
  int64_t Execute(std::string_view, const std::vector<Value>&) override { return 0; }
  void ExecuteScript(std::string_view) override {}
  void Begin() override {}
  void Commit() override {}
  void Rollback() override { throw Error(Error::Kind::kOther, "disk gone"); }
  bool InTransaction() const override { return true; }
  std::string_view Engine() const override { return "broken"; }
};

TEST(PoolTest, ConnectionThatCannotRollBackIsReplaced) {
  int opened = 0;
  Pool pool(
      [&opened]() -> std::unique_ptr<Connection> {
        ++opened;
        return std::make_unique<BrokenConnection>();
      },
      1);
  { Pool::Lease lease = pool.Acquire(); }
  Pool::Lease lease = pool.Acquire();
  EXPECT_EQ(opened, 2);
}

TEST(PoolTest, RejectsSizeZero) { EXPECT_THROW(Pool(CountingFactory{}, 0), std::invalid_argument); }

TEST(RetryOnBusyTest, RunsAgainOnlyWhenBusy) {
  int runs = 0;
  const int result = RetryOnBusy([&] {
    if (++runs < 3) throw Error(Error::Kind::kBusy, "lost to another transaction");
    return 42;
  });
  EXPECT_EQ(result, 42);
  EXPECT_EQ(runs, 3);

  runs = 0;
  EXPECT_THROW(RetryOnBusy([&]() -> int {
                 ++runs;
                 throw Error(Error::Kind::kConstraint, "duplicate");
               }),
               Error);
  EXPECT_EQ(runs, 1);  // other failures are not retried

  runs = 0;
  EXPECT_THROW(RetryOnBusy(
                   [&]() -> int {
                     ++runs;
                     throw Error(Error::Kind::kBusy, "always");
                   },
                   4),
               Error);
  EXPECT_EQ(runs, 4);  // gives up after the attempts allowed
}

}  // namespace
}  // namespace coproduce::db
