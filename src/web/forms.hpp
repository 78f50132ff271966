// Small pieces every form page shares: errors into template data, ids from the URL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/forums.hpp"
#include "domain/people.hpp"
#include "domain/types.hpp"
#include "domain/validation.hpp"
#include "web/context.hpp"
#include "web/views.hpp"

namespace coproduce::web {

// Sets "errors" (a list of {field, message} for the error summary), "has_errors" and one
// "err_<field>" per field, which the templates use beside each field.
void AddErrors(Data& data, const domain::FieldErrors& errors);
// "From 2026-04-01" or "2026-04-01 to 2027-03-31".
std::string RepresentationTerm(const domain::Representation& r);
// Options for a <select>: each item's id and name, and "selected" on the one whose id is
// `selected` (as posted). Items are anything with `id` and `name` (localities, themes...).
template <typename Items>
List SelectOptions(const Items& items, const std::string& selected) {
  List out;
  for (const auto& item : items) {
    Data option;
    option.set("id", std::to_string(item.id));
    option.set("name", item.name);
    option.set("selected", selected == std::to_string(item.id));
    out.push_back(option);
  }
  return out;
}

// "2026-04-01 14:30 UTC".
std::string FormatTime(int64_t unix_seconds);
// Ids in URLs and forms: a positive decimal integer, or nullopt (domain/validation.hpp).
using domain::ParseId;
// The forum whose id is the URL's {id}, in the request's partnership; nullopt when the id is
// malformed or names no forum there (the caller answers 404).
std::optional<domain::Forum> ForumInUrl(const Context& ctx);
// A path to return to after signing in: a local path only, never another site.
std::string SafeNext(std::string_view next);

}  // namespace coproduce::web
