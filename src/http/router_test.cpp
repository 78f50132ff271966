#include "http/router.hpp"

#include <gtest/gtest.h>

namespace coproduce::http {
namespace {

Handler Answer(const std::string& body) {
  return [body](Request&) { return Response::Text(200, body); };
}

// The body the matched handler answers with, or "" when nothing matched.
std::string Call(const Router& router, std::string_view method, std::string_view path) {
  Router::Match match = router.Find(method, path);
  if (!match.handler) return "";
  Request request;
  return (*match.handler)(request).body;
}

TEST(Router, MatchesLiteralPaths) {
  Router router;
  router.Add("GET", "/", Answer("root"));
  router.Add("GET", "/about", Answer("about"));
  router.Add("GET", "/p/demo/results", Answer("results"));
  EXPECT_EQ(Call(router, "GET", "/"), "root");
  EXPECT_EQ(Call(router, "GET", "/about"), "about");
  EXPECT_EQ(Call(router, "GET", "/p/demo/results"), "results");
  EXPECT_EQ(Call(router, "GET", "/p/demo"), "");
  EXPECT_EQ(Call(router, "GET", "/About"), "");
  EXPECT_EQ(Call(router, "GET", "/about/more"), "");
  EXPECT_EQ(Call(router, "GET", ""), "");
}

TEST(Router, ExtractsParameters) {
  Router router;
  router.Add("GET", "/p/{slug}/items/{id}", Answer("item"));
  Router::Match match = router.Find("GET", "/p/demo/items/42");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.params, (std::map<std::string, std::string>{{"slug", "demo"}, {"id", "42"}}));
  EXPECT_EQ(router.Find("GET", "/p/demo/items").handler, nullptr);
  EXPECT_EQ(router.Find("GET", "/p//items/42").handler, nullptr);  // parameters are non-empty
}

TEST(Router, ParametersArriveDecoded) {
  Router router;
  router.Add("GET", "/tag/{name}", Answer("tag"));
  Router::Match match = router.Find("GET", "/tag/caf\xC3\xA9 au lait");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.params["name"], "caf\xC3\xA9 au lait");
}

TEST(Router, LiteralBeatsParameter) {
  Router router;
  router.Add("GET", "/p/{id}", Answer("param"));
  router.Add("GET", "/p/new", Answer("literal"));
  router.Add("GET", "/p/{id}/edit", Answer("edit"));
  EXPECT_EQ(Call(router, "GET", "/p/new"), "literal");
  EXPECT_EQ(Call(router, "GET", "/p/7"), "param");
  // No literal route continues below "new", so the parameter route is tried.
  EXPECT_EQ(Call(router, "GET", "/p/new/edit"), "edit");
  EXPECT_EQ(router.Find("GET", "/p/new/edit").params.at("id"), "new");
}

TEST(Router, SameParameterPositionWithDifferentNames) {
  Router router;
  router.Add("GET", "/u/{user}", Answer("user"));
  router.Add("GET", "/u/{org}/members", Answer("members"));
  EXPECT_EQ(router.Find("GET", "/u/ann").params.at("user"), "ann");
  EXPECT_EQ(router.Find("GET", "/u/acme/members").params.at("org"), "acme");
}

TEST(Router, MethodNotAllowed) {
  Router router;
  router.Add("GET", "/p/{id}", Answer("get"));
  router.Add("POST", "/p/{id}", Answer("post"));
  Router::Match match = router.Find("DELETE", "/p/3");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_TRUE(match.method_not_allowed);
  EXPECT_EQ(match.allow, "GET, HEAD, POST");
  EXPECT_EQ(Call(router, "POST", "/p/3"), "post");
  Router::Match missing = router.Find("DELETE", "/nowhere");
  EXPECT_EQ(missing.handler, nullptr);
  EXPECT_FALSE(missing.method_not_allowed);
}

TEST(Router, MethodIsFoundOnAnotherBranch) {
  Router router;
  router.Add("GET", "/p/new", Answer("form"));
  router.Add("POST", "/p/{id}", Answer("update"));
  Router::Match match = router.Find("POST", "/p/new");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_FALSE(match.method_not_allowed);
  EXPECT_EQ(match.params.at("id"), "new");
}

TEST(Router, HeadFallsBackToGet) {
  Router router;
  router.Add("GET", "/page", Answer("get"));
  router.Add("GET", "/both", Answer("get"));
  router.Add("HEAD", "/both", Answer("head"));
  EXPECT_EQ(Call(router, "HEAD", "/page"), "get");
  EXPECT_EQ(Call(router, "HEAD", "/both"), "head");
  router.Add("POST", "/form", Answer("post"));
  EXPECT_TRUE(router.Find("HEAD", "/form").method_not_allowed);
}

TEST(Router, TrailingSlashIsIgnored) {
  Router router;
  router.Add("GET", "/about", Answer("about"));
  router.Add("GET", "/p/{id}/", Answer("p"));
  EXPECT_EQ(Call(router, "GET", "/about/"), "about");
  EXPECT_EQ(Call(router, "GET", "/p/1"), "p");
  EXPECT_EQ(Call(router, "GET", "/p/1/"), "p");
  EXPECT_EQ(Call(router, "GET", "/about//"), "");
  EXPECT_EQ(Call(router, "GET", "/"), "");  // the root is not "/about" minus its slash
}

TEST(Router, EmptyRouterFindsNothing) {
  Router router;
  EXPECT_EQ(router.Find("GET", "/").handler, nullptr);
}

}  // namespace
}  // namespace coproduce::http
