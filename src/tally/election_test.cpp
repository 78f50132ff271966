#include "tally/election.hpp"

#include <compare>
#include <numeric>
#include <sstream>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace coproduce::tally {
namespace {

std::vector<std::vector<int>> GroupsOf(const Ranking& ranking) {
  std::vector<std::vector<int>> groups;
  for (const std::span<const int> group : ranking.groups())
    groups.emplace_back(group.begin(), group.end());
  return groups;
}

std::string Text(const Ranking& ranking) {
  std::ostringstream out;
  out << ranking;
  return out.str();
}

TEST(Ranking, EmptyHasNoGroupsButOneEmptyGroupIsAGroup) {
  const Ranking none;
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.strict());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.group_count(), 0u);
  EXPECT_TRUE(GroupsOf(none).empty());

  const Ranking blank = Ranking::OneGroup({});
  EXPECT_FALSE(blank.empty());
  EXPECT_FALSE(blank.strict());
  EXPECT_EQ(blank.size(), 0u);
  EXPECT_EQ(blank.group_count(), 1u);
  EXPECT_TRUE(blank.group(0).empty());
  EXPECT_NE(none, blank);
  EXPECT_EQ(blank, (Ranking{{}}));
}

TEST(Ranking, KeepsGroupsTiesAndEmptyGroupsInOrder) {
  const std::vector<std::vector<int>> groups = {{2}, {}, {0, 4}, {1}};
  const Ranking ranking(groups);
  EXPECT_EQ(GroupsOf(ranking), groups);
  EXPECT_EQ(ranking.size(), 4u);
  EXPECT_EQ(ranking.group_count(), 4u);
  EXPECT_FALSE(ranking.strict());
  EXPECT_EQ(std::vector<int>(ranking.candidates().begin(), ranking.candidates().end()),
            (std::vector<int>{2, 0, 4, 1}));
  EXPECT_EQ(ranking, (Ranking{{2}, {}, {0, 4}, {1}}));
  EXPECT_EQ(Text(ranking), "{2},{},{0,4},{1}");
}

TEST(Ranking, StrictOrdersAreTheSameHoweverTheyAreBuilt) {
  const std::vector<int> order = {3, 1, 2};
  const std::vector<int> ends = {1, 2, 3};
  EXPECT_EQ(Ranking::Strict(order), Ranking(order, ends));
  EXPECT_EQ(Ranking::Strict(order), (Ranking{{3}, {1}, {2}}));
  EXPECT_TRUE(Ranking(order, ends).strict());
  EXPECT_EQ(Ranking::Strict(order).group(1).front(), 1);
}

// Short rankings are held in the Ranking and long ones on the heap: both sides of the
// boundary, with and without group ends, survive copies, moves and self-assignment.
TEST(Ranking, CopiesAndMovesShortAndLongRankings) {
  for (int n = 0; n <= 40; ++n) {
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::vector<std::vector<int>> tied;
    for (int c = 0; c < n; ++c) {
      if (c % 3 == 2) {
        tied.back().push_back(c);
      } else {
        tied.push_back({c});
      }
    }
    for (const Ranking& original : {Ranking::Strict(order), Ranking(tied)}) {
      const std::vector<std::vector<int>> groups = GroupsOf(original);
      Ranking copy = original;
      EXPECT_EQ(copy, original);
      Ranking moved = std::move(copy);
      EXPECT_EQ(GroupsOf(moved), groups) << n;
      const Ranking& same = moved;
      moved = same;
      EXPECT_EQ(GroupsOf(moved), groups) << n;
      Ranking assigned{{7}};
      assigned = original;
      EXPECT_EQ(assigned, original) << n;
      assigned = Ranking::OneGroup(order);
      EXPECT_EQ(assigned.group_count(), 1u);
      EXPECT_EQ(assigned.size(), order.size());
      EXPECT_EQ(assigned == original, std::is_eq(assigned <=> original));
    }
  }
}

}  // namespace
}  // namespace coproduce::tally
