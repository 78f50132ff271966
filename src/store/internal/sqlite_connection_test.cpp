#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/connection.hpp"
#include "store/internal/temp_directory.hpp"
#include "store/testing/failures.hpp"

namespace coproduce::db {
namespace {

using internal::TempDirectory;

using testing::KindOfFailure;

class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenSqlite((directory_ / "test.db").string());
    db_->ExecuteScript(
        "CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
        "CREATE TABLE children (id INTEGER PRIMARY KEY, "
        "  parent_id INTEGER NOT NULL REFERENCES parents(id));"
        "CREATE TABLE things (a, b, c, d);");
  }

  TempDirectory directory_;
  std::unique_ptr<Connection> db_;
};

TEST_F(SqliteConnectionTest, EveryValueTypeRoundTrips) {
  const std::string with_nul("a\0b", 3);
  db_->Execute("INSERT INTO things VALUES ($1, $2, $3, $4)",
               {int64_t{-9007199254740993}, 2.5, with_nul, nullptr});
  Rows rows = db_->Query("SELECT a, b, c, d FROM things");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.columns, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(rows[0].at(0), Value(int64_t{-9007199254740993}));
  EXPECT_EQ(rows[0].at(1), Value(2.5));
  EXPECT_EQ(rows[0].at(2), Value(with_nul));
  EXPECT_TRUE(rows[0].IsNull(3));
}

TEST_F(SqliteConnectionTest, BlobsReadAsBytes) {
  Rows rows = db_->Query("SELECT X'00FF41', X''");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), std::string("\x00\xff"
                                         "A",
                                         3));
  EXPECT_EQ(rows[0].at(1), Value(std::string()));
}

TEST_F(SqliteConnectionTest, PlaceholderUsedTwiceTakesOneValue) {
  Rows rows = db_->Query("SELECT $1 + $1, $2 || $1", {int64_t{21}, std::string("x")});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), 42);
  EXPECT_EQ(rows[0].Text(1), "x21");
}

TEST_F(SqliteConnectionTest, PlaceholdersMayAppearOutOfOrder) {
  Rows rows = db_->Query("SELECT $2, $1", {int64_t{1}, int64_t{2}});
  EXPECT_EQ(rows[0].Int(0), 2);
  EXPECT_EQ(rows[0].Int(1), 1);
}

TEST_F(SqliteConnectionTest, MissingParameterThrows) {
  try {
    db_->Query("SELECT $1, $2, $3", {int64_t{1}, int64_t{2}});
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), Error::Kind::kOther);
    EXPECT_NE(std::string(error.what()).find("$3"), std::string::npos) << error.what();
  }
}

TEST_F(SqliteConnectionTest, UnusedParameterThrows) {
  EXPECT_THROW(db_->Query("SELECT $1", {int64_t{1}, int64_t{2}}), Error);
}

TEST_F(SqliteConnectionTest, OtherPlaceholderStylesThrow) {
  EXPECT_THROW(db_->Query("SELECT ?", {int64_t{1}}), Error);
  EXPECT_THROW(db_->Query("SELECT :name", {int64_t{1}}), Error);
  EXPECT_THROW(db_->Query("SELECT $0", {int64_t{1}}), Error);
}

TEST_F(SqliteConnectionTest, FailedBindLeavesStatementReusable) {
  EXPECT_THROW(db_->Query("SELECT $1, $2", {int64_t{1}}), Error);
  Rows rows = db_->Query("SELECT $1, $2", {int64_t{1}, int64_t{2}});
  EXPECT_EQ(rows[0].Int(1), 2);
}

TEST_F(SqliteConnectionTest, CachedStatementTakesNewParametersEachRun) {
  const std::string sql = "SELECT $1 * 2";
  EXPECT_EQ(db_->Query(sql, {int64_t{2}})[0].Int(0), 4);
  EXPECT_EQ(db_->Query(sql, {int64_t{5}})[0].Int(0), 10);
  EXPECT_TRUE(db_->Query(sql, {nullptr})[0].IsNull(0));
}

TEST_F(SqliteConnectionTest, MoreThanOneStatementThrows) {
  EXPECT_THROW(db_->Execute("DELETE FROM things; DELETE FROM parents"), Error);
  // A trailing semicolon, whitespace or comment is still one statement.
  EXPECT_EQ(db_->Execute("DELETE FROM things; -- all of them\n"), 0);
}

TEST_F(SqliteConnectionTest, SyntaxErrorNamesTheProblem) {
  try {
    db_->Query("SELEC 1");
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), Error::Kind::kOther);
    EXPECT_NE(std::string(error.what()).find("syntax error"), std::string::npos) << error.what();
  }
}

TEST_F(SqliteConnectionTest, UniqueViolationIsConstraint) {
  db_->Execute("INSERT INTO parents (name) VALUES ($1)", {std::string("ada")});
  EXPECT_EQ(KindOfFailure([&] {
              db_->Execute("INSERT INTO parents (name) VALUES ($1)", {std::string("ada")});
            }),
            Error::Kind::kConstraint);
}

TEST_F(SqliteConnectionTest, ForeignKeysAreEnforced) {
  EXPECT_EQ(db_->Query("PRAGMA foreign_keys")[0].Int(0), 1);
  EXPECT_EQ(KindOfFailure([&] {
              db_->Execute("INSERT INTO children (parent_id) VALUES ($1)", {int64_t{999}});
            }),
            Error::Kind::kConstraint);
}

TEST_F(SqliteConnectionTest, ReturningGivesNewKeys) {
  Rows first =
      db_->Query("INSERT INTO parents (name) VALUES ($1) RETURNING id, name", {std::string("ada")});
  Rows second =
      db_->Query("INSERT INTO parents (name) VALUES ($1) RETURNING id", {std::string("bob")});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first.columns, (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(first[0].Text(1), "ada");
  EXPECT_EQ(second[0].Int(0), first[0].Int(0) + 1);
  EXPECT_EQ(db_->Query("SELECT name FROM parents WHERE id = $1", {second[0].Int(0)})[0].Text(0),
            "bob");
}

TEST_F(SqliteConnectionTest, ReturningManyRows) {
  db_->ExecuteScript("INSERT INTO parents (name) VALUES ('a'), ('b'), ('c');");
  Rows deleted = db_->Query("DELETE FROM parents WHERE name <> $1 RETURNING name", {"b"});
  EXPECT_EQ(deleted.size(), 2u);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM parents")[0].Int(0), 1);
}

TEST_F(SqliteConnectionTest, ExecuteCountsChangedRows) {
  EXPECT_EQ(db_->Execute("INSERT INTO parents (name) VALUES ('a'), ('b'), ('c')"), 3);
  EXPECT_EQ(db_->Execute("UPDATE parents SET name = name || '!' WHERE name <> $1", {"a"}), 2);
  EXPECT_EQ(db_->Execute("UPDATE parents SET name = 'z' WHERE id = $1", {int64_t{999}}), 0);
  // Not a change, even though the last INSERT/UPDATE/DELETE changed rows.
  EXPECT_EQ(db_->Execute("DELETE FROM parents WHERE id = 1"), 1);
  EXPECT_EQ(db_->Execute("CREATE TABLE more (x)"), 0);
  EXPECT_EQ(db_->Execute("DELETE FROM parents"), 2);
}

TEST_F(SqliteConnectionTest, TransactionCommits) {
  {
    Transaction transaction(*db_);
    EXPECT_TRUE(db_->InTransaction());
    db_->Execute("INSERT INTO parents (name) VALUES ('kept')");
    transaction.Commit();
  }
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM parents")[0].Int(0), 1);
}

TEST_F(SqliteConnectionTest, TransactionRollsBackWhenDestroyed) {
  try {
    Transaction transaction(*db_);
    db_->Execute("INSERT INTO parents (name) VALUES ('lost')");
    throw std::runtime_error("the work failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM parents")[0].Int(0), 0);
}

TEST_F(SqliteConnectionTest, NestedTransactionIsASavepoint) {
  {
    Transaction outer(*db_);
    db_->Execute("INSERT INTO parents (name) VALUES ('outer')");
    {
      Transaction inner(*db_);
      db_->Execute("INSERT INTO parents (name) VALUES ('inner, undone')");
    }  // destroyed without Commit: only its own work is undone
    {
      Transaction inner(*db_);
      db_->Execute("INSERT INTO parents (name) VALUES ('inner, kept')");
      inner.Commit();
      EXPECT_TRUE(db_->InTransaction());  // the outer one is still open
    }
    outer.Commit();
  }
  EXPECT_FALSE(db_->InTransaction());
  const Rows rows = db_->Query("SELECT name FROM parents ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Text(0), "outer");
  EXPECT_EQ(rows[1].Text(0), "inner, kept");
}

TEST_F(SqliteConnectionTest, OuterRollbackUndoesCommittedInnerWork) {
  {
    Transaction outer(*db_);
    Transaction inner(*db_);
    db_->Execute("INSERT INTO parents (name) VALUES ('inner')");
    inner.Commit();
  }
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM parents")[0].Int(0), 0);
}

TEST_F(SqliteConnectionTest, PragmasAreSet) {
  EXPECT_EQ(db_->Query("PRAGMA journal_mode")[0].Text(0), "wal");
  EXPECT_EQ(db_->Query("PRAGMA busy_timeout")[0].Int(0), 5000);
  EXPECT_EQ(db_->Query("PRAGMA synchronous")[0].Int(0), 1);  // NORMAL
  EXPECT_EQ(db_->Engine(), "sqlite");
}

TEST_F(SqliteConnectionTest, SecondWriterWaitsForFirst) {
  std::unique_ptr<Connection> other = OpenSqlite((directory_ / "test.db").string());
  db_->Begin();
  db_->Execute("INSERT INTO parents (name) VALUES ('first')");

  std::promise<void> starting;
  std::future<void> started = starting.get_future();
  std::future<int64_t> written = std::async(std::launch::async, [&] {
    starting.set_value();
    return other->Execute("INSERT INTO parents (name) VALUES ('second')");
  });
  started.wait();
  // While we hold the write lock the other write cannot finish, however long we give it:
  // the pause only lets it start waiting, so that the busy timeout is what gets tested.
  EXPECT_EQ(written.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM parents")[0].Int(0), 1);
  db_->Commit();

  EXPECT_EQ(written.get(), 1);
  Rows names = db_->Query("SELECT name FROM parents ORDER BY id");
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0].Text(0), "first");
  EXPECT_EQ(names[1].Text(0), "second");
}

TEST_F(SqliteConnectionTest, WriterWithoutTimeoutGetsBusy) {
  std::unique_ptr<Connection> other = OpenSqlite((directory_ / "test.db").string());
  other->ExecuteScript("PRAGMA busy_timeout = 0;");
  db_->Begin();
  EXPECT_EQ(KindOfFailure([&] { other->Begin(); }), Error::Kind::kBusy);
  EXPECT_FALSE(other->InTransaction());
  db_->Rollback();
  other->Begin();
  EXPECT_TRUE(other->InTransaction());
  other->Rollback();
}

TEST_F(SqliteConnectionTest, ScriptErrorsThrow) {
  EXPECT_THROW(db_->ExecuteScript("CREATE TABLE ok (x); INSERT INTO nowhere VALUES (1);"), Error);
  // sqlite3_exec ran the first statement before failing; callers wrap scripts in a
  // transaction when they need all or nothing.
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ok'")[0].Int(0), 1);
}

TEST(OpenSqliteTest, UnopenablePathThrows) {
  TempDirectory directory;
  try {
    OpenSqlite((directory / "missing" / "test.db").string());
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("missing"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace coproduce::db
