// Serves files below one folder under a URL prefix, with path sanitising and cache headers.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "http/message.hpp"

namespace coproduce::http {

class StaticFiles final {
 public:
  // Files are read from disk when first requested and kept in memory (they do not change
  // while the server runs). url_prefix ends with "/", e.g. "/static/".
  StaticFiles(std::filesystem::path root, std::string url_prefix);
  // A response for GET/HEAD requests under the prefix: 200 with Content-Type, ETag and
  // Cache-Control, 304 for a matching If-None-Match, 404 for a missing file or any path
  // that tries to leave the root ("..", NUL, backslash, hidden files). nullopt when the
  // path is not under the prefix. Other methods get 405. request.path must be percent-decoded
  // (the server does it), so "%2e%2e" is rejected as "..". Thread-safe.
  std::optional<Response> Serve(const Request& request) const;

 private:
  struct Cache;
  std::filesystem::path root_;
  std::string prefix_;
  std::shared_ptr<Cache> cache_;
};

}  // namespace coproduce::http
