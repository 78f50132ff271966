#include "web/forms.hpp"

#include <gtest/gtest.h>

namespace coproduce::web {
namespace {

TEST(FormsTest, SafeNextKeepsPeopleOnThisSite) {
  EXPECT_EQ(SafeNext("/p/riverside"), "/p/riverside");
  EXPECT_EQ(SafeNext("//evil.example"), "");
  EXPECT_EQ(SafeNext("/\\evil.example"), "");
  EXPECT_EQ(SafeNext("https://evil.example"), "");
  EXPECT_EQ(SafeNext("/a\r\nSet-Cookie: x"), "");
}

TEST(FormsTest, ErrorsBecomeTemplateData) {
  Data data;
  AddErrors(data, {{"name", "Enter a name."}});
  Views views(COPRODUCE_RESOURCE_DIR "/templates");
  const std::string html = views.Render("_error_summary", data);
  EXPECT_NE(html.find("<a href=\"#name\">Enter a name.</a>"), std::string::npos);
  EXPECT_NE(html.find("There is a problem"), std::string::npos);
}

}  // namespace
}  // namespace coproduce::web
