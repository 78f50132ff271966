#include "web/forms.hpp"

#include <charconv>
#include <ctime>

namespace coproduce::web {

void AddErrors(Data& data, const domain::FieldErrors& errors) {
  List list;
  for (const auto& e : errors) {
    Data item;
    item.set("field", e.field);
    item.set("message", e.message);
    list.push_back(item);
    data.set("err_" + e.field, e.message);
  }
  data.set("errors", list);
  data.set("has_errors", !errors.empty());
}

std::string RepresentationTerm(const domain::Representation& r) {
  return r.ends_on.empty() ? "From " + r.starts_on : r.starts_on + " to " + r.ends_on;
}

std::string FormatTime(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%d %H:%M UTC", &tm);
  return out;
}

std::optional<int64_t> ParseId(std::string_view s) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::string SafeNext(std::string_view next) {
  if (next.empty() || next[0] != '/' || next.starts_with("//") || next.starts_with("/\\") ||
      next.find_first_of("\r\n") != std::string_view::npos) {
    return "";
  }
  return std::string(next);
}

}  // namespace coproduce::web
