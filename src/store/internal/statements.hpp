// Shared by the engines behind Connection: a statement cache keyed by SQL text, and SQL cut
// short for error messages.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace coproduce::db::internal {

// Lets a statement cache keyed by std::string be searched with a string_view.
struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
};

// Keeps error messages readable when the statement is a long script.
inline std::string Excerpt(std::string_view sql) {
  constexpr std::size_t kLongest = 200;
  if (sql.size() <= kLongest) return std::string(sql);
  return std::string(sql.substr(0, kLongest)) + "...";
}

}  // namespace coproduce::db::internal
