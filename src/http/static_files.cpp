#include "http/static_files.hpp"

#include <cctype>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

namespace coproduce::http {

struct StaticFiles::Cache {
  struct Entry {
    std::string content;
    std::string content_type;
    std::string etag;
  };
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> entries;  // by relative path
};

namespace {

constexpr std::string_view kCacheControl = "public, max-age=86400";

std::string_view ContentType(std::string_view path) {
  std::size_t dot = path.rfind('.');
  std::string ext;
  if (dot != std::string_view::npos) {
    for (char c : path.substr(dot + 1)) ext.push_back(static_cast<char>(std::tolower(c)));
  }
  static const std::unordered_map<std::string_view, std::string_view> kTypes = {
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ico", "image/x-icon"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"html", "text/html; charset=utf-8"},
  };
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// A strong validator: FNV-1a over the content, plus its length.
std::string ETagOf(std::string_view content) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : content) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  std::ostringstream out;
  out << '"' << std::hex << content.size() << '-' << hash << '"';
  return out.str();
}

// Only plain names below the root: no empty, ".", ".." or hidden segments, no NUL or "\".
bool IsSafeRelativePath(std::string_view rel) {
  if (rel.empty() || rel.find('\0') != std::string_view::npos ||
      rel.find('\\') != std::string_view::npos) {
    return false;
  }
  while (true) {
    std::size_t slash = rel.find('/');
    std::string_view segment = rel.substr(0, slash);
    if (segment.empty() || segment.front() == '.') return false;
    if (slash == std::string_view::npos) return true;
    rel.remove_prefix(slash + 1);
  }
}

// If-None-Match uses the weak comparison (RFC 9110 section 13.1.2), so "W/" is ignored.
bool MatchesIfNoneMatch(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

Response NotFound() {
  return Response::Text(404, "This file does not exist. Check the address and try again.");
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root, std::string url_prefix)
    : root_(std::move(root)), prefix_(std::move(url_prefix)), cache_(std::make_shared<Cache>()) {}

std::optional<Response> StaticFiles::Serve(const Request& request) const {
  if (!request.path.starts_with(prefix_)) return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    Response response = Response::Text(405, "Files can only be fetched with GET or HEAD.");
    response.SetHeader("Allow", "GET, HEAD");
    return response;
  }
  std::string rel = request.path.substr(prefix_.size());
  if (!IsSafeRelativePath(rel)) return NotFound();

  std::shared_ptr<const Cache::Entry> entry;
  {
    std::lock_guard lock(cache_->mutex);
    if (auto it = cache_->entries.find(rel); it != cache_->entries.end()) entry = it->second;
  }
  if (!entry) {
    // Read outside the lock; missing files are not cached, so that probing cannot grow it.
    std::filesystem::path file = root_ / rel;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return NotFound();
    std::ifstream in(file, std::ios::binary);
    if (!in) return NotFound();
    std::ostringstream content;
    content << in.rdbuf();
    auto fresh = std::make_shared<Cache::Entry>();
    fresh->content = std::move(content).str();
    fresh->content_type = ContentType(rel);
    fresh->etag = ETagOf(fresh->content);
    std::lock_guard lock(cache_->mutex);
    entry = cache_->entries.try_emplace(rel, std::move(fresh)).first->second;
  }

  Response response;
  response.headers.reserve(4);
  response.headers.emplace_back("ETag", entry->etag);
  response.headers.emplace_back("Cache-Control", kCacheControl);
  if (MatchesIfNoneMatch(request.Header("If-None-Match"), entry->etag)) {
    response.status = 304;
    return response;
  }
  response.headers.emplace_back("Content-Type", entry->content_type);
  if (request.method == "HEAD") {
    // The server keeps an explicit Content-Length on HEAD responses with an empty body.
    response.headers.emplace_back("Content-Length", std::to_string(entry->content.size()));
  } else {
    response.body = entry->content;
  }
  return response;
}

}  // namespace coproduce::http
