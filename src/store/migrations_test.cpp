#include "store/migrations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/connection.hpp"
#include "store/internal/temp_directory.hpp"

namespace coproduce::db {
namespace {

using internal::TempDirectory;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<int> Numbers(const std::vector<Migration>& migrations) {
  std::vector<int> numbers;
  numbers.reserve(migrations.size());
  for (const Migration& migration : migrations) numbers.push_back(migration.number);
  return numbers;
}

// Returns the message of the runtime_error that `run` throws, or "" if it throws none.
template <typename Run>
std::string ErrorMessage(Run run) {
  try {
    run();
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

bool TableExists(Connection& db, const std::string& name) {
  return !db.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1", {name})
              .empty();
}

TEST(LoadMigrationsTest, SortsByNumberAndIgnoresOtherFiles) {
  TempDirectory dir;
  dir.Write("0010_late.sql", "CREATE TABLE late (x);");
  dir.Write("0002_votes.sql", "CREATE TABLE votes (x);");
  dir.Write("0001_init.sql", "CREATE TABLE init (x);");
  dir.Write("README.md", "not a migration");
  std::filesystem::create_directory(dir / "9999_folder.sql");

  std::vector<Migration> migrations = LoadMigrations(dir.path(), "sqlite");
  EXPECT_THAT(Numbers(migrations), ElementsAre(1, 2, 10));
  EXPECT_EQ(migrations[0].name, "init");
  EXPECT_EQ(migrations[1].sql, "CREATE TABLE votes (x);");
  EXPECT_EQ(migrations[2].name, "late");
}

TEST(LoadMigrationsTest, EngineVariantReplacesPlainFile) {
  TempDirectory dir;
  dir.Write("0001_init.sql", "plain");
  dir.Write("0001_init.sqlite.sql", "for sqlite");
  dir.Write("0002_search.postgresql.sql", "for postgresql");
  dir.Write("0003_more.sql", "more");

  std::vector<Migration> sqlite = LoadMigrations(dir.path(), "sqlite");
  EXPECT_THAT(Numbers(sqlite), ElementsAre(1, 3));
  EXPECT_EQ(sqlite[0].sql, "for sqlite");
  EXPECT_EQ(sqlite[0].name, "init");

  std::vector<Migration> postgresql = LoadMigrations(dir.path(), "postgresql");
  EXPECT_THAT(Numbers(postgresql), ElementsAre(1, 2, 3));
  EXPECT_EQ(postgresql[0].sql, "plain");
  EXPECT_EQ(postgresql[1].sql, "for postgresql");
}

TEST(LoadMigrationsTest, MalformedNameIsAnError) {
  for (const char* file : {"1_init.sql", "0001_Init.sql", "0001-init.sql", "0001_.sql",
                           "0001_init.SQLite.sql", "00001_init.sql"}) {
    TempDirectory dir;
    dir.Write("0002_fine.sql", "");
    dir.Write(file, "");
    EXPECT_THAT(ErrorMessage([&] { LoadMigrations(dir.path(), "sqlite"); }), HasSubstr(file));
  }
}

TEST(LoadMigrationsTest, DuplicateNumberIsAnError) {
  TempDirectory dir;
  dir.Write("0001_init.sql", "");
  dir.Write("0001_other.sql", "");
  std::string message = ErrorMessage([&] { LoadMigrations(dir.path(), "sqlite"); });
  EXPECT_THAT(message, HasSubstr("0001_init.sql"));
  EXPECT_THAT(message, HasSubstr("0001_other.sql"));
}

TEST(LoadMigrationsTest, DuplicateVariantForThisEngineIsAnError) {
  TempDirectory dir;
  dir.Write("0001_a.sqlite.sql", "");
  dir.Write("0001_b.sqlite.sql", "");
  EXPECT_THAT(ErrorMessage([&] { LoadMigrations(dir.path(), "sqlite"); }),
              HasSubstr("0001_b.sqlite.sql"));
  // For another engine both files are ignored.
  EXPECT_THAT(LoadMigrations(dir.path(), "postgresql"), IsEmpty());
}

TEST(LoadMigrationsTest, VariantWithAnotherNameIsAnError) {
  TempDirectory dir;
  dir.Write("0001_init.sql", "");
  dir.Write("0001_start.sqlite.sql", "");
  EXPECT_THAT(ErrorMessage([&] { LoadMigrations(dir.path(), "sqlite"); }),
              HasSubstr("0001_start.sqlite.sql"));
}

TEST(LoadMigrationsTest, MissingFolderIsAnError) {
  TempDirectory dir;
  EXPECT_THAT(ErrorMessage([&] { LoadMigrations(dir / "nope", "sqlite"); }), HasSubstr("nope"));
}

class MigrateTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connection> db_ = OpenSqlite(":memory:");
  std::vector<Migration> migrations_ = {
      {1, "init", "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);"},
      {2, "votes",
       "CREATE TABLE votes (person_id INTEGER REFERENCES people(id));"
       "CREATE INDEX votes_person ON votes (person_id);"},
  };
};

TEST_F(MigrateTest, AppliesInOrderThenNothing) {
  MigrationReport first = Migrate(*db_, migrations_);
  EXPECT_THAT(first.applied, ElementsAre(1, 2));
  EXPECT_EQ(first.current, 2);
  EXPECT_TRUE(TableExists(*db_, "people"));
  EXPECT_TRUE(TableExists(*db_, "votes"));
  Rows recorded = db_->Query("SELECT number, name, length(checksum) FROM schema_migrations");
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[1].Text(1), "votes");
  EXPECT_EQ(recorded[1].Int(2), 16);

  MigrationReport second = Migrate(*db_, migrations_);
  EXPECT_THAT(second.applied, IsEmpty());
  EXPECT_EQ(second.current, 2);
}

TEST_F(MigrateTest, AppliesOnlyNewMigrations) {
  Migrate(*db_, {migrations_[0]});
  MigrationReport report = Migrate(*db_, migrations_);
  EXPECT_THAT(report.applied, ElementsAre(2));
  EXPECT_EQ(report.current, 2);
}

TEST_F(MigrateTest, SortsMigrationsGivenOutOfOrder) {
  MigrationReport report = Migrate(*db_, {migrations_[1], migrations_[0]});
  EXPECT_THAT(report.applied, ElementsAre(1, 2));
}

TEST_F(MigrateTest, ChangedMigrationIsDetected) {
  Migrate(*db_, migrations_);
  std::vector<Migration> changed = migrations_;
  changed[1].sql += " -- edited";
  changed.push_back({3, "later", "CREATE TABLE later (x);"});
  std::string message = ErrorMessage([&] { Migrate(*db_, changed); });
  EXPECT_THAT(message, HasSubstr("Migration 0002_votes has changed since it was applied"));
  EXPECT_FALSE(TableExists(*db_, "later"));  // nothing runs after the check fails
}

TEST_F(MigrateTest, FailingMigrationIsRolledBackAndEarlierOnesStay) {
  std::vector<Migration> migrations = migrations_;
  migrations.push_back({3, "broken", "CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);"});
  migrations.push_back({4, "later", "CREATE TABLE later (x);"});

  std::string message = ErrorMessage([&] { Migrate(*db_, migrations); });
  EXPECT_THAT(message, HasSubstr("0003_broken"));
  EXPECT_THAT(message, HasSubstr("no such table: nowhere"));
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_FALSE(TableExists(*db_, "half"));
  EXPECT_FALSE(TableExists(*db_, "later"));
  EXPECT_TRUE(TableExists(*db_, "votes"));
  EXPECT_EQ(db_->Query("SELECT MAX(number) FROM schema_migrations")[0].Int(0), 2);

  migrations[2].sql = "CREATE TABLE half (x);";
  MigrationReport report = Migrate(*db_, migrations);
  EXPECT_THAT(report.applied, ElementsAre(3, 4));
  EXPECT_EQ(report.current, 4);
}

TEST_F(MigrateTest, LoadedFilesApplyToAFileDatabase) {
  TempDirectory dir;
  dir.Write("0001_init.sql", "CREATE TABLE generic (x);");
  dir.Write("0001_init.sqlite.sql", "CREATE TABLE for_sqlite (x);");
  std::unique_ptr<Connection> db = OpenSqlite((dir / "app.db").string());
  MigrationReport report = Migrate(*db, LoadMigrations(dir.path(), db->Engine()));
  EXPECT_THAT(report.applied, ElementsAre(1));
  EXPECT_TRUE(TableExists(*db, "for_sqlite"));
  EXPECT_FALSE(TableExists(*db, "generic"));
}

TEST_F(MigrateTest, EmptyDatabaseReportsZero) {
  MigrationReport report = Migrate(*db_, {});
  EXPECT_THAT(report.applied, IsEmpty());
  EXPECT_EQ(report.current, 0);
}

}  // namespace
}  // namespace coproduce::db
