#include "domain/validation.hpp"

#include <gtest/gtest.h>

#include "domain/people.hpp"

namespace coproduce::domain {
namespace {

TEST(ValidationTest, ParseId) {
  EXPECT_EQ(ParseId("42"), 42);
  EXPECT_FALSE(ParseId("0"));
  EXPECT_FALSE(ParseId("-1"));
  EXPECT_FALSE(ParseId("4x"));
  EXPECT_FALSE(ParseId(" 4"));
  EXPECT_FALSE(ParseId(""));
  EXPECT_FALSE(ParseId("99999999999999999999"));
}

TEST(ValidationTest, ParseInteger) {
  EXPECT_EQ(ParseInteger("42"), 42);
  EXPECT_EQ(ParseInteger(" -3 "), -3);
  EXPECT_EQ(ParseInteger("0"), 0);
  EXPECT_FALSE(ParseInteger(""));
  EXPECT_FALSE(ParseInteger("  "));
  EXPECT_FALSE(ParseInteger("1.5"));
  EXPECT_FALSE(ParseInteger("99999999999999999999"));
}

TEST(ValidationTest, CharityNumber) {
  EXPECT_FALSE(CheckCharityNumber("SC012345"));
  EXPECT_FALSE(CheckCharityNumber("sc 012345"));
  EXPECT_EQ(NormaliseCharityNumber(" sc 012345 "), "SC012345");
  EXPECT_TRUE(CheckCharityNumber("12345"));
  EXPECT_TRUE(CheckCharityNumber("SC01234"));
  EXPECT_TRUE(CheckCharityNumber("SC0123456"));
  EXPECT_TRUE(CheckCharityNumber("SCO12345"));
  EXPECT_TRUE(CheckCharityNumber("EW012345"));
  EXPECT_NE(CheckCharityNumber("12345")->find("SC followed by 6 digits"), std::string::npos);
}

TEST(ValidationTest, Email) {
  EXPECT_FALSE(CheckEmail("a@example.org"));
  EXPECT_FALSE(CheckEmail("  A.B@Example.ORG "));
  EXPECT_EQ(NormaliseEmail("  A.B@Example.ORG "), "a.b@example.org");
  EXPECT_TRUE(CheckEmail(""));
  EXPECT_TRUE(CheckEmail("no-at-sign"));
  EXPECT_TRUE(CheckEmail("a@b@example.org"));
  EXPECT_TRUE(CheckEmail("a@nodot"));
  EXPECT_TRUE(CheckEmail("a b@example.org"));
  EXPECT_TRUE(CheckEmail("@example.org"));
}

TEST(ValidationTest, Website) {
  EXPECT_FALSE(CheckWebsite("https://example.org"));
  EXPECT_FALSE(CheckWebsite("http://example.org/path?x=1"));
  EXPECT_TRUE(CheckWebsite("javascript:alert(1)"));
  EXPECT_TRUE(CheckWebsite("example.org"));
  EXPECT_TRUE(CheckWebsite("https://localhost"));
  EXPECT_TRUE(CheckWebsite("https://exa mple.org"));
}

TEST(ValidationTest, PasswordAndRequired) {
  EXPECT_TRUE(CheckNewPassword("short", "short"));
  EXPECT_TRUE(CheckNewPassword("long enough one", "long enough two"));
  EXPECT_FALSE(CheckNewPassword("long enough one", "long enough one"));
  EXPECT_TRUE(CheckRequired("   ", "a name", 10));
  EXPECT_TRUE(CheckRequired("12345678901", "a name", 10));
  EXPECT_FALSE(CheckRequired("Eastfield", "a name", 10));
  EXPECT_EQ(TrimField("\t  Eastfield \r\n"), "Eastfield");
}

TEST(ValidationTest, IsoDates) {
  EXPECT_TRUE(IsIsoDate("2026-04-01"));
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_FALSE(IsIsoDate("2026-02-29"));
  EXPECT_FALSE(IsIsoDate("2026-13-01"));
  EXPECT_FALSE(IsIsoDate("2026-4-1"));
  EXPECT_FALSE(IsIsoDate("01/04/2026"));
}

}  // namespace
}  // namespace coproduce::domain
