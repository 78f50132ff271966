// Drives the App without a socket, like a browser would: keeps cookies, sends the CSRF
// token with forms, and follows nothing (tests look at each response).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "domain/testing/test_database.hpp"
#include "store/connection.hpp"
#include "web/app.hpp"

namespace coproduce::web::testing {

// Whether a page's body holds `needle`.
inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class TestClient final {
 public:
  // A fresh database with the demo partnership seeded.
  TestClient();
  http::Response Get(const std::string& target);
  // Sends a urlencoded form; the CSRF token from the cookie is added unless with_csrf is false.
  http::Response Post(const std::string& target,
                      std::vector<std::pair<std::string, std::string>> fields,
                      bool with_csrf = true);
  http::Response Send(http::Request request);
  // Signs in through the form; asserts that it worked.
  void SignIn(const std::string& email, const std::string& password);
  std::map<std::string, std::string>& cookies() { return cookies_; }
  db::Connection& db() { return database_.db(); }
  App& app() { return *app_; }
  int64_t now = 1'800'000'000;

 private:
  domain::testing::TestDatabase database_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<App> app_;
  std::map<std::string, std::string> cookies_;
};

}  // namespace coproduce::web::testing
