// Cookie header parsing and Set-Cookie serialisation (RFC 6265).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace coproduce::http {

// Parses "a=1; b=2". Malformed pairs are skipped; the first of duplicate names wins.
std::map<std::string, std::string> ParseCookieHeader(std::string_view header);

struct SetCookie final {
  std::string name;
  std::string value;
  std::string path = "/";
  std::optional<int64_t> max_age;  // seconds; 0 deletes the cookie; nullopt = session cookie
  bool http_only = true;
  bool secure = false;
  std::string same_site = "Lax";

  // "name=value; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax"
  std::string ToString() const;
};

}  // namespace coproduce::http
