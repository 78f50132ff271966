// Test support: the PostgreSQL server that `scripts/test-postgres` starts for the test suites,
// and a schema of its own for each test, so that tests never see each other's rows.
// Not for production code.
#pragma once

#include <memory>
#include <string>

#include "store/connection.hpp"

namespace coproduce::db::testing {

// The test server's address: $COPRODUCE_TEST_POSTGRES, or else the first line of the file
// named by $COPRODUCE_TEST_POSTGRES_FILE (ctest's fixture writes it). "" when neither is set:
// the tests then run on SQLite.
std::string TestPostgresAddress();

// A fresh schema on the server at `server`, dropped with everything in it on destruction.
// Connections opened with address() see only this schema (search_path).
class TestSchema final {
 public:
  explicit TestSchema(const std::string& server);
  ~TestSchema();
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;
  const std::string& address() const { return address_; }
  const std::string& name() const { return name_; }

 private:
  std::string server_;
  std::string name_;
  std::string address_;
};

}  // namespace coproduce::db::testing
