#include "tally/internal/distinct_ballots.hpp"

#include <map>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace coproduce::tally::internal {
namespace {

using Keys = std::vector<std::pair<std::vector<int>, int64_t>>;

Keys Contents(DistinctBallots& ballots) {
  Keys keys;
  ballots.ForEach([&](std::span<const int> key, int64_t weight) {
    keys.emplace_back(std::vector<int>(key.begin(), key.end()), weight);
  });
  return keys;
}

TEST(DistinctBallots, MergesIdenticalKeysInOrderOfFirstAppearance) {
  DistinctBallots ballots;
  ballots.Add(std::vector<int>{2, 0}, 3);
  ballots.Add(std::vector<int>{}, 1);
  ballots.Add(std::vector<int>{2}, 1);
  ballots.Add(std::vector<int>{2, 0}, 4);
  ballots.Add(std::vector<int>{2, 0, 0}, 1);  // longer, not the same
  ballots.Add(std::vector<int>{}, 2);
  EXPECT_EQ(ballots.size(), 4u);
  EXPECT_EQ(Contents(ballots), (Keys{{{2, 0}, 7}, {{}, 3}, {{2}, 1}, {{2, 0, 0}, 1}}));
}

// Many keys, most repeated, in random order: the table grows and keys wait in batches, and
// the result must still be the one a plain map gives.
TEST(DistinctBallots, AgreesWithAMapOverManyKeys) {
  std::mt19937 random(42);
  DistinctBallots ballots;
  std::map<std::vector<int>, std::size_t> index;
  Keys expected;
  for (int line = 0; line < 200'000; ++line) {
    std::vector<int> key(random() % 6);
    for (int& id : key) id = static_cast<int>(random() % 12) - 1;
    const auto weight = static_cast<int64_t>(1 + random() % 5);
    ballots.Add(key, weight);
    const auto [it, fresh] = index.emplace(key, expected.size());
    if (fresh) {
      expected.emplace_back(key, weight);
    } else {
      expected[it->second].second += weight;
    }
  }
  EXPECT_EQ(ballots.size(), expected.size());
  EXPECT_EQ(Contents(ballots), expected);
}

}  // namespace
}  // namespace coproduce::tally::internal
