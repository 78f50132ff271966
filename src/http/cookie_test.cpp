#include "http/cookie.hpp"

#include <gtest/gtest.h>

namespace coproduce::http {
namespace {

using Cookies = std::map<std::string, std::string>;

TEST(ParseCookieHeader, ParsesPairs) {
  EXPECT_EQ(ParseCookieHeader("a=1; b=2"), (Cookies{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(ParseCookieHeader("a=1;b=2"), (Cookies{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(ParseCookieHeader("  token = x=y==  "), (Cookies{{"token", "x=y=="}}));
  EXPECT_EQ(ParseCookieHeader("q=\"quoted\""), (Cookies{{"q", "quoted"}}));
  EXPECT_EQ(ParseCookieHeader("empty="), (Cookies{{"empty", ""}}));
  EXPECT_TRUE(ParseCookieHeader("").empty());
}

TEST(ParseCookieHeader, SkipsMalformedPairs) {
  EXPECT_EQ(ParseCookieHeader("junk; a=1; =nameless; ;; b c=3; d=4"),
            (Cookies{{"a", "1"}, {"d", "4"}}));
}

TEST(ParseCookieHeader, FirstDuplicateWins) {
  EXPECT_EQ(ParseCookieHeader("id=first; id=second"), (Cookies{{"id", "first"}}));
}

TEST(SetCookie, DefaultsAreASessionCookie) {
  SetCookie cookie;
  cookie.name = "session";
  cookie.value = "abc";
  EXPECT_EQ(cookie.ToString(), "session=abc; Path=/; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, AllAttributes) {
  SetCookie cookie;
  cookie.name = "session";
  cookie.value = "abc";
  cookie.path = "/p";
  cookie.max_age = 3600;
  cookie.http_only = true;
  cookie.secure = true;
  cookie.same_site = "Strict";
  EXPECT_EQ(cookie.ToString(),
            "session=abc; Path=/p; Max-Age=3600; HttpOnly; Secure; SameSite=Strict");
}

TEST(SetCookie, MaxAgeZeroDeletes) {
  SetCookie cookie;
  cookie.name = "session";
  cookie.max_age = 0;
  cookie.http_only = false;
  cookie.same_site = "";
  EXPECT_EQ(cookie.ToString(), "session=; Path=/; Max-Age=0");
}

}  // namespace
}  // namespace coproduce::http
