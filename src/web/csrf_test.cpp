// Every state-changing form needs the token from the CSRF cookie; without it nothing changes.
#include <gtest/gtest.h>

#include "domain/demo.hpp"
#include "domain/organisations.hpp"
#include "domain/partnerships.hpp"
#include "web/testing/test_client.hpp"

namespace coproduce::web {
namespace {

TEST(CsrfTest, EveryPageSetsATokenThatFormsCarry) {
  testing::TestClient client;
  const http::Response r = client.Get("/sign-in");
  ASSERT_TRUE(client.cookies().count(kCsrfCookie));
  const std::string token = client.cookies()[kCsrfCookie];
  EXPECT_EQ(token.size(), 43u);
  EXPECT_NE(r.body.find("name=\"_csrf\" value=\"" + token + "\""), std::string::npos);
  bool http_only = false;
  for (const auto& [name, value] : r.headers) {
    if (name == "Set-Cookie" && value.starts_with(kCsrfCookie)) {
      http_only = value.find("HttpOnly") != std::string::npos &&
                  value.find("SameSite=Lax") != std::string::npos;
    }
  }
  EXPECT_TRUE(http_only);
}

TEST(CsrfTest, MissingOrWrongTokenIsRefusedAndChangesNothing) {
  testing::TestClient client;
  client.SignIn(domain::kDemoAdminEmail, domain::kDemoAdminPassword);
  const auto pid = domain::FindPartnership(client.db(), "riverside")->id;
  const size_t before = domain::ListOrganisations(client.db(), pid, true).size();

  const http::Response missing = client.Post("/p/riverside/organisations/new",
                                             {{"name", "Sneaky"}, {"sector", "third"}}, false);
  EXPECT_EQ(missing.status, 403);
  EXPECT_NE(missing.body.find("This form has expired"), std::string::npos);
  const http::Response wrong = client.Post(
      "/p/riverside/organisations/new",
      {{"name", "Sneaky"}, {"sector", "third"}, {kCsrfField, std::string(43, 'a')}}, false);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(domain::ListOrganisations(client.db(), pid, true).size(), before);
}

TEST(CsrfTest, SigningInRotatesTheToken) {
  testing::TestClient client;
  client.Get("/sign-in");
  const std::string before = client.cookies()[kCsrfCookie];
  client.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  EXPECT_NE(client.cookies()[kCsrfCookie], before);
}

}  // namespace
}  // namespace coproduce::web
