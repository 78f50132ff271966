// Small pieces every form page shares: errors into template data, ids from the URL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/people.hpp"
#include "domain/types.hpp"
#include "web/views.hpp"

namespace coproduce::web {

// Sets "errors" (a list of {field, message} for the error summary), "has_errors" and one
// "err_<field>" per field, which the templates use beside each field.
void AddErrors(Data& data, const domain::FieldErrors& errors);
// "From 2026-04-01" or "2026-04-01 to 2027-03-31".
std::string RepresentationTerm(const domain::Representation& r);
// A positive decimal id, or nullopt.
std::optional<int64_t> ParseId(std::string_view s);
// A path to return to after signing in: a local path only, never another site.
std::string SafeNext(std::string_view next);

}  // namespace coproduce::web
