// What a page handler knows about the request it answers: who is asking, in which
// partnership, with which form, and a database connection for the length of the request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/accounts.hpp"
#include "domain/partnerships.hpp"
#include "domain/types.hpp"
#include "http/cookie.hpp"
#include "http/form.hpp"
#include "http/message.hpp"
#include "store/connection.hpp"

namespace coproduce::web {

inline constexpr const char* kSessionCookie = "coproduce_session";
inline constexpr const char* kCsrfCookie = "coproduce_csrf";
inline constexpr const char* kCsrfField = "_csrf";

struct Context final {
  http::Request& request;
  db::Connection& db;
  int64_t now = 0;
  std::optional<domain::SessionPerson> user;
  domain::Actor actor;  // the user, with their role in `partnership` when it is set
  std::optional<domain::Partnership> partnership;
  std::string csrf;                      // the token every form on the page carries
  http::Form form;                       // the parsed body of a POST
  std::vector<http::SetCookie> cookies;  // added to the response
};

}  // namespace coproduce::web
