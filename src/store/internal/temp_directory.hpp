// Test support for the store: a fresh folder under the system's temp folder, removed with
// everything in it when the object goes away. Not for production code.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace coproduce::db::internal {

class TempDirectory final {
 public:
  // The process id and a counter make the name unique; a leftover folder from an earlier
  // process with the same id is skipped, never reused.
  TempDirectory() {
    static std::atomic<int> counter{0};
    const std::filesystem::path base = std::filesystem::temp_directory_path();
    do {
      path_ = base / ("coproduce-store-test-" + std::to_string(::getpid()) + "-" +
                      std::to_string(counter++));
    } while (!std::filesystem::create_directory(path_));
  }
  ~TempDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

  // Writes (or overwrites) a file in the folder.
  void Write(std::string_view name, std::string_view content) const {
    std::ofstream file(path_ / name, std::ios::binary | std::ios::trunc);
    file << content;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace coproduce::db::internal
