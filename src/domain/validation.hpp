// Checks on what people type. Each returns the sentence to show, or nullopt when it is fine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coproduce::domain {

// Trims spaces and control characters from both ends and folds runs of inner
// whitespace-only lines; used on every single-line text field before it is stored.
std::string TrimField(std::string_view s);

// A whole decimal integer such as "42" or "-3" (spaces around it are ignored); nullopt for
// anything else, including numbers beyond 64 bits.
std::optional<int64_t> ParseInteger(std::string_view s);
// A record id: a positive decimal integer with nothing around it; nullopt otherwise.
std::optional<int64_t> ParseId(std::string_view s);
// "SC" followed by exactly 6 digits (OSCR's format). Letters are compared upper-case.
std::optional<std::string> CheckCharityNumber(std::string_view s);
// Upper-cases and removes spaces: " sc 012345" -> "SC012345".
std::string NormaliseCharityNumber(std::string_view s);
// A plausible address: one "@", a dot in the domain, no spaces, at most 254 characters.
std::optional<std::string> CheckEmail(std::string_view s);
// Lower-case, trimmed.
std::string NormaliseEmail(std::string_view s);
// http:// or https:// followed by a host with a dot; at most 500 characters.
std::optional<std::string> CheckWebsite(std::string_view s);
// At least 10 characters and at most 200; checked against the confirmation.
std::optional<std::string> CheckNewPassword(std::string_view password, std::string_view confirm);
// A required single-line text of at most max characters (counted in bytes).
std::optional<std::string> CheckRequired(std::string_view s, std::string_view what, size_t max);

}  // namespace coproduce::domain
