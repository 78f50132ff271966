#include "web/testing/test_client.hpp"

#include <gtest/gtest.h>

#include "domain/demo.hpp"

namespace coproduce::web::testing {

TestClient::TestClient() {
  domain::SeedDemo(database_.db(), now);
  pool_ = std::make_unique<db::Pool>([this] { return database_.Open(); }, 2);
  app_ = std::make_unique<App>(AppConfig{domain::testing::ResourceDir(),
                                         "http://test",
                                         [this] { return now; },
                                         "a fixed ballot secret for the web tests",
                                         nullptr,
                                         {},
                                         {},
                                         {}},
                               *pool_);
}

http::Response TestClient::Send(http::Request request) {
  std::string cookie_header;
  for (const auto& [name, value] : cookies_) {
    if (!cookie_header.empty()) cookie_header += "; ";
    cookie_header.append(name).append("=").append(value);
  }
  if (!cookie_header.empty()) request.headers.emplace("Cookie", cookie_header);
  if (request.remote_address.empty()) request.remote_address = "127.0.0.1";
  http::Response response = app_->Handle(request);
  for (const auto& [name, value] : response.headers) {
    if (name != "Set-Cookie") continue;
    const auto eq = value.find('=');
    const auto semi = value.find(';');
    const std::string cookie = value.substr(0, eq);
    const std::string content = value.substr(eq + 1, semi - eq - 1);
    if (value.find("Max-Age=0") != std::string::npos) {
      cookies_.erase(cookie);
    } else {
      cookies_[cookie] = content;
    }
  }
  return response;
}

http::Response TestClient::Get(const std::string& target) {
  http::Request request;
  request.method = "GET";
  request.target = target;
  const auto q = target.find('?');
  request.path = target.substr(0, q);
  if (q != std::string::npos) {
    const std::string query = target.substr(q + 1);
    size_t start = 0;
    while (start <= query.size()) {
      const size_t amp = std::min(query.find('&', start), query.size());
      const std::string pair = query.substr(start, amp - start);
      const auto eq = pair.find('=');
      if (!pair.empty()) {
        request.query.emplace(
            *http::PercentDecode(pair.substr(0, eq), true),
            eq == std::string::npos ? "" : *http::PercentDecode(pair.substr(eq + 1), true));
      }
      start = amp + 1;
    }
  }
  return Send(std::move(request));
}

http::Response TestClient::Post(const std::string& target,
                                std::vector<std::pair<std::string, std::string>> fields,
                                bool with_csrf) {
  if (with_csrf && !cookies_.count(kCsrfCookie)) Get("/");
  if (with_csrf) fields.emplace_back(kCsrfField, cookies_[kCsrfCookie]);
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += "&";
    body += http::PercentEncode(name) + "=" + http::PercentEncode(value);
  }
  http::Request request;
  request.method = "POST";
  request.target = target;
  request.path = target;
  request.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  request.body = std::move(body);
  return Send(std::move(request));
}

void TestClient::SignIn(const std::string& email, const std::string& password) {
  const http::Response r = Post("/sign-in", {{"email", email}, {"password", password}});
  ASSERT_EQ(r.status, 303) << r.body;
  ASSERT_TRUE(cookies_.count(kSessionCookie));
}

}  // namespace coproduce::web::testing
