#include "web/forms.hpp"

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

std::optional<domain::Forum> ForumInUrl(const Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return std::nullopt;
  return domain::FindForum(ctx.db, ctx.partnership->id, *id);
}

std::string SafeNext(std::string_view next) {
  if (next.empty() || next[0] != '/' || next.starts_with("//") || next.starts_with("/\\") ||
      next.find_first_of("\r\n") != std::string_view::npos) {
    return "";
  }
  return std::string(next);
}

}  // namespace coproduce::web
