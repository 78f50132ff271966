// Copying a SQLite database into PostgreSQL (the test server; ctest starts it).
#include "store/copy.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "store/internal/temp_directory.hpp"
#include "store/migrations.hpp"
#include "store/testing/test_postgres.hpp"

namespace coproduce::db {
namespace {

// The same small schema on both engines: a table that refers to itself, a child table, and a
// table keyed on two columns without a rowid.
constexpr std::string_view kSchema =
    "CREATE TABLE groups (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "  merged_into INTEGER REFERENCES groups(id));"
    "CREATE TABLE members (id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL REFERENCES "
    "  groups(id), note TEXT, score INTEGER);"
    "CREATE TABLE slots (group_id INTEGER NOT NULL REFERENCES groups(id), slot TEXT NOT NULL, "
    "  PRIMARY KEY (group_id, slot)) WITHOUT ROWID;";

class CopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string server = testing::TestPostgresAddress();
    if (server.empty()) GTEST_SKIP() << "No test PostgreSQL server: run through ctest.";
    schema_.emplace(server);
    source_ = OpenSqlite((directory_.path() / "source.sqlite3").string());
    target_ = OpenPostgres(schema_->address());
  }

  internal::TempDirectory directory_;
  std::optional<testing::TestSchema> schema_;
  std::unique_ptr<Connection> source_;
  std::unique_ptr<Connection> target_;
};

TEST_F(CopyTest, EveryRowArrivesAndIdsContinue) {
  source_->ExecuteScript(kSchema);
  target_->ExecuteScript(ForPostgres(kSchema));
  // Group 1 is merged into group 3, which comes later: the copy must wait for it.
  source_->ExecuteScript(
      "INSERT INTO groups VALUES (1, 'Buses', NULL), (2, 'Ōban café', NULL), (3, 'Transport', "
      "NULL);"
      "UPDATE groups SET merged_into = 3 WHERE id = 1;"
      "INSERT INTO members VALUES (10, 1, NULL, 9007199254740993), (11, 3, 'x', -4);"
      "INSERT INTO slots VALUES (3, 'b'), (1, 'a'), (3, 'a');");
  for (int i = 0; i < 450; ++i) {  // more than one batch
    source_->Execute("INSERT INTO members (group_id, note, score) VALUES (2, $1, $2)",
                     {"note " + std::to_string(i), int64_t{i}});
  }
  const CopyReport report = CopyDatabase(*source_, *target_);
  ASSERT_EQ(report.tables.size(), 3u);
  EXPECT_EQ(report.tables[0].table, "groups");  // parents first
  EXPECT_TRUE(report.same());
  EXPECT_EQ(report.rows(), 3 + 452 + 3);
  EXPECT_EQ(target_->Query("SELECT merged_into FROM groups WHERE id = 1")[0].Int(0), 3);
  EXPECT_EQ(target_->Query("SELECT score FROM members WHERE id = 10")[0].Int(0), 9007199254740993);
  // New rows on PostgreSQL get ids after the copied ones.
  const int64_t next =
      target_->Query("INSERT INTO groups (name) VALUES ('New') RETURNING id")[0].Int(0);
  EXPECT_EQ(next, 4);
}

TEST_F(CopyTest, ADifferenceIsFoundAndAFullTargetIsRefused) {
  source_->ExecuteScript(kSchema);
  target_->ExecuteScript(ForPostgres(kSchema));
  source_->ExecuteScript("INSERT INTO groups VALUES (1, 'Buses', NULL), (2, 'Rail', NULL);");
  ASSERT_TRUE(CopyDatabase(*source_, *target_).same());

  target_->Execute("UPDATE groups SET name = 'Trams' WHERE id = 2");
  CopyReport report = CompareDatabases(*source_, *target_);
  EXPECT_FALSE(report.same());
  EXPECT_FALSE(report.tables[0].same());
  EXPECT_EQ(report.tables[0].source_rows, report.tables[0].target_rows);  // same count
  EXPECT_TRUE(report.tables[1].same());

  // Copying again would double the rows: refused, and nothing changes.
  EXPECT_THROW(CopyDatabase(*source_, *target_), std::runtime_error);
  EXPECT_EQ(target_->Query("SELECT COUNT(*) FROM groups")[0].Int(0), 2);
}

TEST_F(CopyTest, TheProjectsSchemaCopiesTableByTable) {
  const char* resources = std::getenv("COPRODUCE_RESOURCES");
  ASSERT_NE(resources, nullptr);
  const std::string dir = std::string(resources) + "/migrations";
  Migrate(*source_, LoadMigrations(dir, "sqlite"));
  Migrate(*target_, LoadMigrations(dir, "postgresql"));
  source_->Execute(
      "INSERT INTO partnerships (slug, name, description, created_at) VALUES ('r', 'R', '', 1)");
  const CopyReport report = CopyDatabase(*source_, *target_);
  EXPECT_TRUE(report.same());
  EXPECT_GT(report.tables.size(), 20u);
  EXPECT_EQ(report.rows(), 1);
}

TEST_F(CopyTest, EnginesAreChecked) {
  EXPECT_THROW(CopyDatabase(*target_, *target_), std::runtime_error);
}

}  // namespace
}  // namespace coproduce::db
