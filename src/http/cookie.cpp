#include "http/cookie.hpp"

#include <cassert>

namespace coproduce::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 token characters, which RFC 6265 requires of cookie names.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
    if (std::string_view("()<>@,;:\\\"/[]?={}").find(c) != std::string_view::npos) return false;
  }
  return true;
}

// RFC 6265 cookie-octet: printable ASCII except space, '"', ',', ';' and '\'.
[[maybe_unused]] bool IsCookieValue(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == '"' || c == ',' || c == ';' || c == '\\') return false;
  }
  return true;
}

}  // namespace

std::map<std::string, std::string> ParseCookieHeader(std::string_view header) {
  std::map<std::string, std::string> cookies;
  while (!header.empty()) {
    std::size_t end = header.find(';');
    std::string_view pair = Trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);

    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = Trim(pair.substr(0, eq));
    std::string_view value = Trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!IsToken(name)) continue;
    cookies.emplace(name, value);  // emplace keeps the first of duplicate names
  }
  return cookies;
}

std::string SetCookie::ToString() const {
  assert(IsToken(name) && "cookie names must be RFC 9110 tokens");
  assert(IsCookieValue(value) && "cookie values must be encoded (e.g. base64url) by the caller");
  std::string out = name + "=" + value;
  if (!path.empty()) out += "; Path=" + path;
  if (max_age) out += "; Max-Age=" + std::to_string(*max_age < 0 ? 0 : *max_age);
  if (http_only) out += "; HttpOnly";
  if (secure) out += "; Secure";
  if (!same_site.empty()) out += "; SameSite=" + same_site;
  return out;
}

}  // namespace coproduce::http
