#include "opinion/internal/statistics.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace coproduce::opinion::internal {
namespace {

TEST(ProportionTest, HandWorked) {
  // 2 sqrt(5) (4/5 - 1/2)
  EXPECT_NEAR(ProportionTest(3, 4), 2 * std::sqrt(5.0) * 0.3, 1e-12);
  // no votes: 2 (1 - 1/2) = 1
  EXPECT_NEAR(ProportionTest(0, 0), 1.0, 1e-12);
}

TEST(TwoProportionTest, HandWorked) {
  // counts plus one: 4/5 against 2/5, pooled 6/10
  EXPECT_NEAR(TwoProportionTest(3, 1, 4, 4), 0.4 / std::sqrt(0.6 * 0.4 * 0.4), 1e-12);
  EXPECT_LT(TwoProportionTest(1, 3, 4, 4), 0);
}

TEST(TwoProportionTest, PooledProportionOfOneIsZero) {
  EXPECT_EQ(TwoProportionTest(4, 6, 4, 6), 0.0);
}

TEST(Compare, ProportionsAgainstTheRest) {
  const CommentStats s = Compare(7, Counts{3, 1, 4}, Counts{1, 2, 4});
  EXPECT_EQ(s.comment, 7);
  EXPECT_NEAR(s.pa, 4.0 / 6, 1e-12);
  EXPECT_NEAR(s.pd, 2.0 / 6, 1e-12);
  EXPECT_NEAR(s.ra, (4.0 / 6) / (2.0 / 6), 1e-12);
  EXPECT_NEAR(s.rd, (2.0 / 6) / (3.0 / 6), 1e-12);
  EXPECT_NEAR(s.rat, TwoProportionTest(3, 1, 4, 4), 1e-12);
  EXPECT_NEAR(s.rdt, TwoProportionTest(1, 2, 4, 4), 1e-12);
}

TEST(Priority, HandWorked) {
  // p = 2/6, a = 3/6, importance = (2/3)(1.5)(1/2) = 1/2, novelty = 1 + 8 * 2^-0.8
  const double expected = std::pow(0.5 * (1 + 8 * std::pow(2.0, -0.8)), 2);
  EXPECT_NEAR(Priority(Counts{2, 1, 4}, 1, 0.5), expected, 1e-12);
  // a comment nobody has seen: (1/2 * 1 * 1/2 * 9)^2
  EXPECT_NEAR(Priority(Counts{}, 0, 0), std::pow(0.25 * 9, 2), 1e-12);
}

std::vector<CommentStats> Stats(std::initializer_list<std::pair<Counts, Counts>> rows) {
  std::vector<CommentStats> out;
  Id id = 1;
  for (const auto& [in, rest] : rows) out.push_back(Compare(id++, in, rest));
  return out;
}

TEST(SelectRepresentative, AgreesFirstAndTheBestAgreeLeads) {
  const auto stats = Stats({
      {Counts{1, 9, 10}, Counts{9, 1, 10}},  // 1: the group disagrees, the rest agree
      {Counts{5, 5, 10}, Counts{5, 5, 10}},  // 2: no difference
      {Counts{9, 1, 10}, Counts{1, 9, 10}},  // 3: the group agrees, the rest disagree
      {Counts{8, 1, 10}, Counts{2, 6, 10}},  // 4: agrees, a little less sharply
  });
  const std::vector<Representative> rep = SelectRepresentative(stats);
  ASSERT_EQ(rep.size(), 3u);
  EXPECT_EQ(rep[0].comment, 3);
  EXPECT_TRUE(rep[0].best_agree);
  EXPECT_TRUE(rep[0].agree);
  EXPECT_EQ(rep[1].comment, 4);
  EXPECT_TRUE(rep[1].agree);
  EXPECT_EQ(rep[2].comment, 1);
  EXPECT_FALSE(rep[2].agree);
  EXPECT_EQ(rep[2].n_success, 9);
  EXPECT_EQ(rep[2].n_trials, 10);
}

TEST(SelectRepresentative, AtMostFive) {
  std::vector<CommentStats> stats;
  stats.reserve(8);
  for (int i = 0; i < 8; ++i) stats.push_back(Compare(i, Counts{9, 1, 10}, Counts{1, 9, 10}));
  EXPECT_EQ(SelectRepresentative(stats).size(), 5u);
}

TEST(SelectRepresentative, NothingSufficientGivesTheBestByTest) {
  // Too few votes to pass the 90% tests: the one with the larger test value is returned
  // (rdt 1.15 for the first, 0.82 for the second).
  const auto stats =
      Stats({{Counts{0, 1, 1}, Counts{1, 0, 1}}, {Counts{0, 1, 2}, Counts{1, 0, 2}}});
  const std::vector<Representative> rep = SelectRepresentative(stats);
  ASSERT_EQ(rep.size(), 1u);
  EXPECT_EQ(rep[0].comment, 1);
  EXPECT_FALSE(rep[0].agree);
  EXPECT_TRUE(SelectRepresentative({}).empty());
}

TEST(SelectConsensus, ClearMajoritiesOnly) {
  const std::vector<Id> ids = {10, 11, 12, 13};
  const std::vector<Counts> counts = {Counts{18, 1, 20}, Counts{10, 10, 20}, Counts{1, 19, 20},
                                      Counts{20, 0, 20}};
  const std::vector<char> eligible = {1, 1, 1, 0};
  const Consensus c = SelectConsensus(ids, counts, eligible);
  ASSERT_EQ(c.agree.size(), 1u);
  EXPECT_EQ(c.agree[0].comment, 10);
  EXPECT_NEAR(c.agree[0].p, 19.0 / 22, 1e-12);
  ASSERT_EQ(c.disagree.size(), 1u);
  EXPECT_EQ(c.disagree[0].comment, 12);
}

}  // namespace
}  // namespace coproduce::opinion::internal
