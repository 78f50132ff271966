#include "domain/testing/test_database.hpp"

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <string>

#include "domain/security.hpp"
#include "store/migrations.hpp"

namespace coproduce::domain::testing {

std::filesystem::path ResourceDir() {
  if (const char* dir = std::getenv("COPRODUCE_RESOURCES")) return dir;
  return COPRODUCE_RESOURCE_DIR;
}

TestDatabase::TestDatabase() {
  static std::atomic<int> counter{0};
  InitSecurity();
  folder_ = std::filesystem::temp_directory_path() /
            ("coproduce-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(folder_);
  std::filesystem::create_directories(folder_);
  if (const std::string server = db::testing::TestPostgresAddress(); !server.empty()) {
    schema_.emplace(server);
  }
  connection_ = Open();
  db::Migrate(*connection_,
              db::LoadMigrations(ResourceDir() / "migrations", connection_->Engine()));
}

TestDatabase::~TestDatabase() {
  connection_.reset();
  schema_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::unique_ptr<db::Connection> TestDatabase::Open() const {
  if (schema_) return db::OpenPostgres(schema_->address());
  return db::OpenSqlite((folder_ / "coproduce.sqlite3").string());
}

}  // namespace coproduce::domain::testing
