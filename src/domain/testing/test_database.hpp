// A fresh database with every migration applied, removed afterwards. For tests of the domain
// and the web layer. SQLite in a temporary folder; PostgreSQL in a schema of its own when the
// test server is set (store/testing/test_postgres.hpp), which is how ctest runs the suites a
// second time.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "store/connection.hpp"
#include "store/testing/test_postgres.hpp"

namespace coproduce::domain::testing {

class TestDatabase final {
 public:
  TestDatabase();
  ~TestDatabase();
  db::Connection& db() { return *connection_; }
  const std::filesystem::path& folder() const { return folder_; }
  // Another connection to the same database, for tests of concurrent use.
  std::unique_ptr<db::Connection> Open() const;

 private:
  std::filesystem::path folder_;
  std::optional<db::testing::TestSchema> schema_;  // on PostgreSQL
  std::unique_ptr<db::Connection> connection_;
};

// The project's resource folder (templates, static, migrations).
std::filesystem::path ResourceDir();

}  // namespace coproduce::domain::testing
