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
  connection_ = Open();
  db::Migrate(*connection_, db::LoadMigrations(ResourceDir() / "migrations", "sqlite"));
}

TestDatabase::~TestDatabase() {
  connection_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::unique_ptr<db::Connection> TestDatabase::Open() const {
  return db::OpenSqlite((folder_ / "coproduce.sqlite3").string());
}

}  // namespace coproduce::domain::testing
