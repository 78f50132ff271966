#include "store/testing/test_postgres.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

namespace coproduce::db::testing {

std::string TestPostgresAddress() {
  if (const char* address = std::getenv("COPRODUCE_TEST_POSTGRES"); address && *address) {
    return address;
  }
  if (const char* file = std::getenv("COPRODUCE_TEST_POSTGRES_FILE"); file && *file) {
    std::ifstream in(file);
    std::string line;
    if (std::getline(in, line) && !line.empty()) return line;
  }
  return "";
}

TestSchema::TestSchema(const std::string& server) : server_(server) {
  static std::atomic<int> counter{0};
  name_ = "test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  auto connection = OpenPostgres(server_);
  connection->ExecuteScript("DROP SCHEMA IF EXISTS " + name_ + " CASCADE; CREATE SCHEMA " + name_);
  // libpq's "options" sets the search path of every connection opened with this address.
  address_ = server_ + (server_.find('?') == std::string::npos ? "?" : "&") +
             "options=-csearch_path%3D" + name_;
}

TestSchema::~TestSchema() {
  try {
    OpenPostgres(server_)->ExecuteScript("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  } catch (...) {
    // The server may be gone already; its folder is removed with everything in it.
  }
}

}  // namespace coproduce::db::testing
