#include "web/charts.hpp"

#include <gtest/gtest.h>

namespace coproduce::web {
namespace {

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(OpinionMapSvgTest, DrawsEachGroupWithItsOwnShapeAndMarksTheViewerOnce) {
  const std::string svg =
      OpinionMapSvg("m", "Map <of> \"views\"", "Two groups & one person alone.",
                    {{0, 0, 0, false}, {1, 1, 0, true}, {-1, 2, 1, false}, {3, -1, -1, false}});
  EXPECT_NE(svg.find("role=\"img\" aria-labelledby=\"m-title m-desc\""), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"m-title\">Map &lt;of&gt; &quot;views&quot;</title>"),
            std::string::npos);
  EXPECT_NE(svg.find("<desc id=\"m-desc\">Two groups &amp; one person alone.</desc>"),
            std::string::npos);
  EXPECT_EQ(Count(svg, "fill=\"#005eb8\""), 2);    // group 0: blue circles
  EXPECT_EQ(Count(svg, "<rect x=\"") - 1, 1);      // group 1: one square (and the frame)
  EXPECT_EQ(Count(svg, "stroke=\"#5e5e5e\""), 1);  // not in a group: a grey ring
  EXPECT_EQ(Count(svg, ">You</text>"), 1);
  EXPECT_EQ(GroupMark(0), "blue circles");
  EXPECT_EQ(GroupMark(1), "orange squares");
  EXPECT_EQ(GroupMark(-1), "grey rings");
}

TEST(OpinionMapSvgTest, PutsEveryoneInTheMiddleWhenAllStandTogether) {
  const std::string svg = OpinionMapSvg("m", "t", "d", {{2, 2, 0, false}, {2, 2, 0, false}});
  EXPECT_EQ(Count(svg, "cx=\"320.0\" cy=\"200.0\""), 2);
  EXPECT_NE(OpinionMapSvg("m", "t", "d", {}).find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace coproduce::web
