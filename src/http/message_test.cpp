#include "http/message.hpp"

#include <gtest/gtest.h>

namespace coproduce::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(PercentDecode("%e2%82%ac", false), "\xE2\x82\xAC");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("", false), "");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("abc%2", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%zz", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%2g", false), std::nullopt);
}

TEST(PercentEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
  EXPECT_EQ(PercentEncode("\xE2\x82\xAC"), "%E2%82%AC");
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(PercentDecode(PercentEncode(all), false), all);
}

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(IsValidUtf8, RejectsMalformedText) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800 surrogate
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("a\xE2\x82z"));
}

TEST(Request, HeadersAreCaseInsensitive) {
  Request request;
  request.headers.emplace("Content-Type", "text/html");
  request.headers.emplace("X-Twice", "first");
  request.headers.emplace("x-twice", "second");
  EXPECT_EQ(request.Header("content-type"), "text/html");
  EXPECT_EQ(request.Header("X-TWICE"), "first");
  EXPECT_EQ(request.Header("Missing"), "");
}

TEST(Request, Cookie) {
  Request request;
  request.headers.emplace("Cookie", "session=abc123; theme=dark");
  EXPECT_EQ(request.Cookie("session"), "abc123");
  EXPECT_EQ(request.Cookie("theme"), "dark");
  EXPECT_EQ(request.Cookie("sess"), std::nullopt);
  EXPECT_EQ(Request().Cookie("session"), std::nullopt);
}

TEST(Request, QueryReturnsTheFirstValue) {
  Request request;
  request.query.emplace("page", "2");
  request.query.emplace("tag", "a");
  request.query.emplace("tag", "b");
  EXPECT_EQ(request.Query("page"), "2");
  EXPECT_EQ(request.Query("tag"), "a");
  EXPECT_EQ(request.Query("pag"), std::nullopt);
  EXPECT_EQ(request.Query("pages"), std::nullopt);
}

TEST(Request, Param) {
  Request request;
  request.path_params["id"] = "42";
  EXPECT_EQ(request.Param("id"), "42");
  EXPECT_EQ(request.Param("slug"), "");
}

TEST(Response, SetHeaderReplacesAndAddHeaderKeeps) {
  Response response = Response::Html(200, "<p>hi</p>");
  EXPECT_EQ(response.Header("content-type"), "text/html; charset=utf-8");
  response.SetHeader("CONTENT-TYPE", "text/plain");
  EXPECT_EQ(response.Header("Content-Type"), "text/plain");
  EXPECT_EQ(response.headers.size(), 1U);
  response.AddHeader("Set-Cookie", "a=1");
  response.AddHeader("Set-Cookie", "b=2");
  EXPECT_EQ(response.headers.size(), 3U);
  EXPECT_EQ(response.Header("set-cookie"), "a=1");
  EXPECT_EQ(response.Header("Location"), "");
}

TEST(Response, Constructors) {
  EXPECT_EQ(Response::Text(404, "x").Header("Content-Type"), "text/plain; charset=utf-8");
  Response json = Response::Json(201, "{}");
  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(json.body, "{}");
  EXPECT_EQ(json.Header("Content-Type"), "application/json");
}

TEST(Response, RedirectIsSeeOtherByDefault) {
  Response redirect = Response::Redirect("/p/demo");
  EXPECT_EQ(redirect.status, 303);
  EXPECT_EQ(redirect.Header("Location"), "/p/demo");
  EXPECT_TRUE(redirect.body.empty());
  EXPECT_EQ(Response::Redirect("/x", 308).status, 308);
}

TEST(StatusText, KnownAndUnknown) {
  EXPECT_EQ(StatusText(404), "Not Found");
  EXPECT_EQ(StatusText(413), "Content Too Large");
  EXPECT_EQ(StatusText(599), "Unknown");
}

}  // namespace
}  // namespace coproduce::http
