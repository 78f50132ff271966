#include "web/app.hpp"

#include <gtest/gtest.h>

#include "domain/demo.hpp"
#include "domain/organisations.hpp"
#include "domain/partnerships.hpp"
#include "web/testing/test_client.hpp"

namespace coproduce::web {
namespace {

using testing::Contains;
using testing::TestClient;

TEST(AppTest, HomeListsPartnershipsWithSecurityHeaders) {
  TestClient client;
  const http::Response r = client.Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "href=\"/p/riverside\""));
  EXPECT_TRUE(Contains(r.body, "Skip to main content"));
  EXPECT_TRUE(Contains(r.body, ">Sign in</a>"));
  EXPECT_TRUE(Contains(std::string(r.Header("Content-Security-Policy")), "frame-ancestors 'none'"));
  EXPECT_FALSE(Contains(std::string(r.Header("Content-Security-Policy")), "unsafe-inline"));
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.Header("Referrer-Policy"), "same-origin");
  EXPECT_TRUE(Contains(std::string(r.Header("Content-Type")), "text/html"));
}

TEST(AppTest, PartnershipHomeIsPublic) {
  TestClient client;
  const http::Response r = client.Get("/p/riverside");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "<h1>Riverside and Hills Partnership</h1>"));
  EXPECT_EQ(client.Get("/p/nowhere").status, 404);
}

TEST(AppTest, UnknownPagesAndMethodsGetPlainPages) {
  TestClient client;
  const http::Response missing = client.Get("/no/such/page");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(Contains(missing.body, "Page not found"));
  EXPECT_EQ(client.Post("/", {}).status, 405);
  EXPECT_EQ(client.Get("/healthz").body, "ok\n");
}

TEST(AppTest, SignInAndOut) {
  TestClient client;
  const http::Response wrong =
      client.Post("/sign-in", {{"email", domain::kDemoAdminEmail}, {"password", "nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_TRUE(Contains(wrong.body, "The email address or password is not right"));
  EXPECT_TRUE(Contains(wrong.body, "value=\"admin@example.org\""));

  client.SignIn(domain::kDemoAdminEmail, domain::kDemoAdminPassword);
  const http::Response home = client.Get("/p/riverside");
  EXPECT_TRUE(Contains(home.body, "Signed in as Alex Morgan"));
  EXPECT_TRUE(Contains(home.body, "href=\"/p/riverside/audit\""));

  const std::string session = client.cookies()[kSessionCookie];
  EXPECT_EQ(client.Post("/sign-out", {}).status, 303);
  EXPECT_FALSE(domain::FindSession(client.db(), client.now, session));
  EXPECT_TRUE(Contains(client.Get("/").body, ">Sign in</a>"));
}

TEST(AppTest, SignInRedirectsOnlyToLocalPaths) {
  TestClient client;
  const http::Response r = client.Post("/sign-in", {{"email", domain::kDemoAdminEmail},
                                                    {"password", domain::kDemoAdminPassword},
                                                    {"next", "https://evil.example/"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.Header("Location"), "/p/riverside");
}

TEST(AppTest, SignInIsRateLimited) {
  TestClient client;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(
        client.Post("/sign-in", {{"email", domain::kDemoMemberEmail}, {"password", "x"}}).status,
        401);
  }
  const http::Response limited = client.Post(
      "/sign-in", {{"email", domain::kDemoMemberEmail}, {"password", domain::kDemoMemberPassword}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_TRUE(Contains(limited.body, "Too many attempts"));
}

TEST(AppTest, BadCharityNumberIsRefusedAndNothingSaved) {
  TestClient client;
  client.SignIn(domain::kDemoAdminEmail, domain::kDemoAdminPassword);
  const auto pid = domain::FindPartnership(client.db(), "riverside")->id;
  const size_t before = domain::ListOrganisations(client.db(), pid, true).size();
  const http::Response r =
      client.Post("/p/riverside/organisations/new",
                  {{"name", "New Group"}, {"sector", "third"}, {"charity_number", "12345"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(Contains(r.body, "There is a problem"));
  EXPECT_TRUE(Contains(r.body, "SC followed by 6 digits"));
  EXPECT_TRUE(Contains(r.body, "value=\"New Group\""));
  EXPECT_EQ(domain::ListOrganisations(client.db(), pid, true).size(), before);

  const http::Response ok =
      client.Post("/p/riverside/organisations/new",
                  {{"name", "New Group"}, {"sector", "third"}, {"charity_number", "SC012345"}});
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(domain::ListOrganisations(client.db(), pid, true).size(), before + 1);
}

TEST(AppTest, HostileTextIsShownBackAsText) {
  TestClient client;
  client.SignIn(domain::kDemoAdminEmail, domain::kDemoAdminPassword);
  const std::string name =
      "<script>alert(1)</script> O'Brien \"Q\" & Co; DROP TABLE organisations;--";
  const http::Response r =
      client.Post("/p/riverside/organisations/new", {{"name", name}, {"sector", "community"}});
  ASSERT_EQ(r.status, 303);
  const http::Response page = client.Get(std::string(r.Header("Location")));
  EXPECT_FALSE(Contains(page.body, "<script>alert(1)"));
  EXPECT_TRUE(Contains(
      page.body, "&lt;script&gt;alert(1)&lt;/script&gt; O&apos;Brien &quot;Q&quot; &amp; Co"));
  EXPECT_EQ(client.Get("/p/riverside/organisations").status, 200);
}

TEST(AppTest, MembersCannotSeeTheAuditLogAndThePublicIsSentToSignIn) {
  TestClient client;
  const http::Response anonymous = client.Get("/p/riverside/audit");
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_EQ(anonymous.Header("Location"), "/sign-in?next=%2Fp%2Friverside%2Faudit");
  client.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  const http::Response member = client.Get("/p/riverside/audit");
  EXPECT_EQ(member.status, 403);
  EXPECT_TRUE(Contains(member.body, "You do not have permission to see this page"));
  EXPECT_EQ(client.Get("/p/riverside/organisations/new").status, 403);
  EXPECT_EQ(client.Get("/p/riverside/people").status, 200);
  EXPECT_EQ(client.Get("/p/riverside/directory").status, 200);
}

TEST(AppTest, InviteAndSignUp) {
  TestClient admin;
  admin.SignIn(domain::kDemoAdminEmail, domain::kDemoAdminPassword);
  const http::Response created = admin.Post(
      "/p/riverside/people/invite",
      {{"full_name", "Nina Fox"}, {"email", "nina@example.org"}, {"role", "facilitator"}});
  ASSERT_EQ(created.status, 200) << created.body;
  const auto at = created.body.find("http://test/invite/");
  ASSERT_NE(at, std::string::npos);
  const std::string path = created.body.substr(at + 11, created.body.find('<', at) - at - 11);

  TestClient& newcomer = admin;  // same database; start a fresh cookie jar
  newcomer.cookies().clear();
  EXPECT_EQ(newcomer.Get(path).status, 200);
  const http::Response mismatch = newcomer.Post(
      path,
      {{"full_name", "Nina Fox"}, {"password", "long password 1"}, {"confirm_password", "other"}});
  EXPECT_EQ(mismatch.status, 422);
  const http::Response done = newcomer.Post(path, {{"full_name", "Nina Fox"},
                                                   {"password", "long password 1"},
                                                   {"confirm_password", "long password 1"}});
  EXPECT_EQ(done.status, 303);
  EXPECT_EQ(done.Header("Location"), "/p/riverside");
  EXPECT_TRUE(Contains(newcomer.Get("/p/riverside").body, "Signed in as Nina Fox"));
  EXPECT_EQ(newcomer.Get(path).status, 410);
}

TEST(AppTest, PasswordReset) {
  TestClient client;
  EXPECT_EQ(client.Post("/password/forgot", {{"email", domain::kDemoMemberEmail}}).status, 200);
  const auto messages = domain::ListOutbox(client.db(), 1);
  ASSERT_EQ(messages.size(), 1u);
  const auto at = messages[0].body.find("/password/reset/");
  ASSERT_NE(at, std::string::npos);
  const std::string path = messages[0].body.substr(at, messages[0].body.find('\n', at) - at);
  EXPECT_EQ(client.Get(path).status, 200);
  EXPECT_EQ(
      client.Post(path, {{"password", "brand new pass"}, {"confirm_password", "brand new pass"}})
          .status,
      303);
  client.cookies().clear();
  client.SignIn(domain::kDemoMemberEmail, "brand new pass");
  EXPECT_EQ(client.Get(path).status, 410);
}

TEST(AppTest, MalformedFormsGetAClearPage) {
  TestClient client;
  client.Get("/");
  http::Request bad_utf8;
  bad_utf8.method = "POST";
  bad_utf8.path = bad_utf8.target = "/sign-in";
  bad_utf8.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  bad_utf8.body = "email=%C3%28&_csrf=" + client.cookies()[kCsrfCookie];
  const http::Response r = client.Send(bad_utf8);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(Contains(r.body, "characters we could not read"));

  http::Request wrong_type = bad_utf8;
  wrong_type.headers = {{"Content-Type", "application/json"}};
  EXPECT_EQ(client.Send(wrong_type).status, 415);
}

}  // namespace
}  // namespace coproduce::web
