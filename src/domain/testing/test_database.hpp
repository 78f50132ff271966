// A fresh SQLite database with every migration applied, in a temporary folder that is
// removed afterwards. For tests of the domain and the web layer.
#pragma once

#include <filesystem>
#include <memory>

#include "store/connection.hpp"

namespace coproduce::domain::testing {

class TestDatabase final {
 public:
  TestDatabase();
  ~TestDatabase();
  db::Connection& db() { return *connection_; }
  const std::filesystem::path& folder() const { return folder_; }
  // Another connection to the same file, for tests of concurrent use.
  std::unique_ptr<db::Connection> Open() const;

 private:
  std::filesystem::path folder_;
  std::unique_ptr<db::Connection> connection_;
};

// The project's resource folder (templates, static, migrations).
std::filesystem::path ResourceDir();

}  // namespace coproduce::domain::testing
