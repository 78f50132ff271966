#include "domain/validation.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace coproduce::domain {
namespace {

bool IsSpace(unsigned char c) { return c <= 0x20 || c == 0x7f; }

}  // namespace

std::string TrimField(std::string_view s) {
  while (!s.empty() && IsSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && IsSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string NormaliseCharityNumber(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<std::string> CheckCharityNumber(std::string_view s) {
  const std::string n = NormaliseCharityNumber(s);
  const bool ok = n.size() == 8 && n.starts_with("SC") &&
                  std::all_of(n.begin() + 2, n.end(),
                              [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (ok) return std::nullopt;
  return "Enter a Scottish charity number as SC followed by 6 digits, like SC012345, or leave it "
         "empty.";
}

std::string NormaliseEmail(std::string_view s) {
  std::string out = TrimField(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<std::string> CheckEmail(std::string_view s) {
  const std::string e = NormaliseEmail(s);
  const std::string kMessage = "Enter an email address in the right format, like name@example.org.";
  if (e.empty()) return "Enter an email address.";
  if (e.size() > 254) return kMessage;
  const auto at = e.find('@');
  if (at == std::string::npos || at == 0 || e.find('@', at + 1) != std::string::npos) {
    return kMessage;
  }
  const std::string_view domain = std::string_view(e).substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return kMessage;
  if (std::any_of(e.begin(), e.end(), [](unsigned char c) { return IsSpace(c); })) return kMessage;
  return std::nullopt;
}

std::optional<std::string> CheckWebsite(std::string_view s) {
  const std::string kMessage =
      "Enter a website address starting with https://, like https://example.org.";
  std::string_view rest;
  if (s.starts_with("https://")) {
    rest = s.substr(8);
  } else if (s.starts_with("http://")) {
    rest = s.substr(7);
  } else {
    return kMessage;
  }
  if (s.size() > 500) return "Enter a website address of at most 500 characters.";
  const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.size() < 3 || host.find('.') == std::string_view::npos || host.front() == '.' ||
      host.back() == '.') {
    return kMessage;
  }
  if (std::any_of(s.begin(), s.end(), [](unsigned char c) { return IsSpace(c) || c == '"'; })) {
    return kMessage;
  }
  return std::nullopt;
}

std::optional<std::string> CheckNewPassword(std::string_view password, std::string_view confirm) {
  if (password.size() < 10) return "Enter a password of at least 10 characters.";
  if (password.size() > 200) return "Enter a password of at most 200 characters.";
  if (password != confirm) return "The two passwords are not the same. Type them again.";
  return std::nullopt;
}

std::optional<std::string> CheckRequired(std::string_view s, std::string_view what, size_t max) {
  if (TrimField(s).empty()) return "Enter " + std::string(what) + ".";
  if (s.size() > max) {
    return "Enter " + std::string(what) + " of at most " + std::to_string(max) + " characters.";
  }
  return std::nullopt;
}

std::optional<int64_t> ParseInteger(std::string_view s) {
  const std::string t = TrimField(s);
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
  return v;
}

std::optional<int64_t> ParseId(std::string_view s) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace coproduce::domain
