#include "tally/single_winner.hpp"

#include <algorithm>
#include <functional>
#include <random>

#include <gtest/gtest.h>

namespace coproduce::tally {
namespace {

using CountFn = Result (*)(const Election&, const BallotWeights&, const CountOptions&, Lot&);

Ballot Ranked(const std::vector<std::vector<int>>& ranking, int64_t multiplicity = 1) {
  Ballot b;
  b.ranking = Ranking(ranking);
  b.multiplicity = multiplicity;
  return b;
}

Ballot Scored(std::map<int, int64_t> scores, int64_t multiplicity = 1) {
  Ballot b;
  b.scores = std::move(scores);
  b.multiplicity = multiplicity;
  return b;
}

Result Count(CountFn count, const Election& e, const CountOptions& options = {},
             uint64_t seed = 1) {
  Lot lot(seed);
  return count(e, WeighBallots(e, Weighting::kPerson), options, lot);
}

// Index of each candidate's group in the explanation's ranking.
std::map<std::string, int> Places(const Result& r) {
  std::map<std::string, int> place;
  int i = 0;
  for (const auto& group : r.explanation["ranking"]) {
    for (const auto& name : group) place[name.get<std::string>()] = i;
    ++i;
  }
  return place;
}

Election RandomRanked(std::mt19937_64& rng, int m, int ballots, bool ties) {
  Election e;
  for (int c = 0; c < m; ++c) e.candidates.push_back(std::string(1, static_cast<char>('A' + c)));
  std::vector<int> order(static_cast<std::size_t>(m));
  for (int i = 0; i < ballots; ++i) {
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    const int length = static_cast<int>(rng() % static_cast<uint64_t>(m + 1));
    std::vector<std::vector<int>> groups;
    for (int k = 0; k < length; ++k) {
      if (ties && !groups.empty() && rng() % 3 == 0) {
        groups.back().push_back(order[k]);
      } else {
        groups.push_back({order[k]});
      }
    }
    Ballot b;
    b.ranking = Ranking(groups);
    b.multiplicity = 1 + static_cast<int64_t>(rng() % 4);
    e.ballots.push_back(std::move(b));
  }
  return e;
}

const std::vector<std::pair<std::string, CountFn>> kRankedMethods = {
    {"plurality", CountPlurality}, {"approval", CountApproval}, {"borda", CountBorda},
    {"irv", CountInstantRunoff},   {"schulze", CountSchulze},   {"ranked-pairs", CountRankedPairs}};
const std::vector<std::pair<std::string, CountFn>> kScoreMethods = {
    {"score", CountScore}, {"majority-judgment", CountMajorityJudgment}, {"dot", CountDotVoting}};

TEST(CountByMethod, KnowsEveryMethodByName) {
  Election e;
  e.candidates = {"A"};
  Lot lot(1);
  for (const std::string_view name : MethodNames()) {
    const auto r = CountByMethod(name, e, WeighBallots(e, Weighting::kPerson), {}, lot);
    ASSERT_TRUE(r.has_value()) << name;
    EXPECT_EQ(r->method, name);
    EXPECT_EQ(r->winners, std::vector<std::string>{"A"}) << name;
  }
  EXPECT_FALSE(
      CountByMethod("coin toss", e, WeighBallots(e, Weighting::kPerson), {}, lot).has_value());
}

TEST(Methods, SkipAndCountInvalidRankedBallots) {
  Election e;
  e.candidates = {"A", "B"};
  e.ballots = {Ranked({{0}}, 2), Ranked({{7}}), Ranked({{1}, {1}}), Ranked({{-1}}), Ranked({{1}})};
  for (const auto& [name, count] : kRankedMethods) {
    const Result r = Count(count, e);
    EXPECT_EQ(r.winners, std::vector<std::string>{"A"}) << name;
    EXPECT_EQ(r.explanation["ballots"]["invalid"], 3) << name;
    EXPECT_EQ(r.explanation["ballots"]["valid"], 3) << name;
    EXPECT_EQ(r.explanation["ballots"]["cast"], 6) << name;
  }
}

TEST(Methods, SkipInvalidScoreBallots) {
  Election e;
  e.candidates = {"A", "B"};
  e.ballots = {Scored({{0, 5}}, 2), Scored({{9, 5}}), Scored({{1, -3}}),
               Scored({{1, int64_t{1} << 50}}), Scored({{1, 4}})};
  CountOptions options;
  options.score_min = -5;
  options.score_max = 5;
  for (const auto& [name, count] : kScoreMethods) {
    const Result r = Count(count, e, options);
    EXPECT_EQ(r.winners, std::vector<std::string>{"A"}) << name << r.explanation.dump();
  }
  EXPECT_EQ(Count(CountScore, e, options).explanation["ballots"]["invalid"], 2);
  EXPECT_EQ(Count(CountDotVoting, e, options).explanation["ballots"]["invalid"],
            3);  // negative dots too
}

TEST(Methods, ShortWeightsNoSeatsAndNoCandidatesDoNotCrash) {
  std::mt19937_64 rng(3);
  Election e = RandomRanked(rng, 4, 20, true);
  for (auto& b : e.ballots) b.scores = {{0, 1}, {1, 2}};
  BallotWeights short_weights = WeighBallots(e, Weighting::kPerson);
  short_weights.units.resize(5);
  for (const auto& methods : {kRankedMethods, kScoreMethods}) {
    for (const auto& [name, count] : methods) {
      Lot lot(1);
      EXPECT_NO_THROW(count(e, short_weights, {}, lot)) << name;
      Election none = e;
      none.seats = 0;
      EXPECT_TRUE(Count(count, none).winners.empty()) << name;
      Election empty;
      empty.ballots = e.ballots;  // ballots naming candidates that do not exist
      EXPECT_TRUE(Count(count, empty).winners.empty()) << name;
    }
  }
}

// Counting identical ballots one by one or aggregated, or at half weight each, gives the same
// ranking and the same explanation up to the vote unit.
TEST(Methods, AggregationAndUniformWeightsChangeNothing) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 30; ++trial) {
    Election e = RandomRanked(rng, 2 + trial % 4, 12, trial % 2 == 0);
    for (auto& b : e.ballots) {
      for (int c = 0; c < static_cast<int>(e.candidates.size()); ++c) {
        if (rng() % 4 != 0) b.scores[c] = static_cast<int64_t>(rng() % 6);
      }
    }
    Election expanded = e;
    expanded.ballots.clear();
    for (const Ballot& b : e.ballots) {
      for (int64_t k = 0; k < b.multiplicity; ++k) {
        expanded.ballots.push_back(b);
        expanded.ballots.back().multiplicity = 1;
      }
    }
    const std::vector<Fraction> half(e.ballots.size(), Fraction{1, 2});
    for (const auto& methods : {kRankedMethods, kScoreMethods}) {
      for (const auto& [name, count] : methods) {
        CountOptions options;
        options.score_max = 5;
        const Result a = Count(count, e, options);
        const Result b = Count(count, expanded, options);
        EXPECT_EQ(a.explanation, b.explanation) << name;
        Lot lot(1);
        const Result c = count(e, WeighBallots(e, Weighting::kGiven, half), options, lot);
        EXPECT_EQ(a.explanation["ranking"], c.explanation["ranking"]) << name;
        EXPECT_EQ(a.winners, c.winners) << name;
      }
    }
  }
}

// A candidate who beats every other head to head wins under both Condorcet methods.
TEST(Condorcet, BothMethodsElectTheCondorcetWinner) {
  std::mt19937_64 rng(5);
  int found = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const Election e = RandomRanked(rng, 3 + trial % 4, 9, trial % 3 == 0);
    const Result s = Count(CountSchulze, e);
    const auto& d = s.explanation["d"];
    const int m = static_cast<int>(e.candidates.size());
    for (int a = 0; a < m; ++a) {
      bool beats_all = true;
      for (int b = 0; b < m; ++b)
        beats_all = beats_all && (a == b || d[a][b].get<double>() > d[b][a].get<double>());
      if (!beats_all) continue;
      ++found;
      EXPECT_EQ(s.winners, std::vector<std::string>{e.candidates[a]});
      EXPECT_EQ(Count(CountRankedPairs, e).winners, std::vector<std::string>{e.candidates[a]});
    }
  }
  EXPECT_GT(found, 100);
}

// The pairwise matrix against counting every pair of every ballot: elections small and
// large in candidates, with ties, truncated, empty and invalid ballots, weights from 0 to
// 2^40 units, and enough ballots to be counted on two threads.
TEST(Condorcet, PairwiseMatrixMatchesCountingEachPair) {
  std::mt19937_64 rng(13);
  const std::vector<int64_t> units = {0, 1, 1, 1, 2, 7, 65'535, 65'536, int64_t{1} << 40};
  for (const int m : {1, 2, 8, 9, 14, 16, 17, 40}) {
    Election e = RandomRanked(rng, m, 21'000, true);
    BallotWeights weights;
    weights.weighting = Weighting::kGiven;
    for (Ballot& b : e.ballots) {
      const uint64_t roll = rng() % 50;
      std::vector<std::vector<int>> groups;
      for (const std::span<const int> group : b.ranking.groups())
        groups.emplace_back(group.begin(), group.end());
      if (roll == 0) groups.push_back({m});  // unknown candidate
      if (roll == 1 && !groups.empty()) groups.push_back({groups.front().front()});
      if (roll == 2) groups.insert(groups.begin(), std::vector<int>{});
      b.ranking = Ranking(groups);
      b.multiplicity = static_cast<int64_t>(rng() % 4);
      weights.units.push_back(units[rng() % units.size()]);
    }
    std::vector<int64_t> d(static_cast<std::size_t>(m) * m, 0);
    BallotTally tally;
    std::vector<int> position;
    for (std::size_t k = 0; k < e.ballots.size(); ++k) {
      const bool valid = RankPositions(e.ballots[k], m, position);
      tally.Add(e.ballots[k], valid, valid && std::count(position.begin(), position.end(), m) == m);
      if (!valid) continue;
      for (int i = 0; i < m; ++i) {
        for (int j = 0; j < m; ++j) {
          if (position[i] < position[j]) d[i * m + j] += weights.units[k];
        }
      }
    }
    for (const CountFn count : {CountSchulze, CountRankedPairs}) {
      Lot lot(1);
      const Result r = count(e, weights, {}, lot);
      EXPECT_EQ(r.explanation["ballots"], tally.ToJson()) << m;
      for (int i = 0; i < m; ++i) {
        for (int j = 0; j < m; ++j)
          ASSERT_EQ(r.explanation["d"][i][j].get<int64_t>(), d[i * m + j]) << m << " " << i << j;
      }
    }
  }
}

// Schulze's p[i][j] is the widest path from i to j over defeats; check Floyd-Warshall against
// every simple path.
TEST(Schulze, StrongestPathsMatchBruteForce) {
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 100; ++trial) {
    const int m = 2 + trial % 4;
    const Election e = RandomRanked(rng, m, 15, trial % 2 == 1);
    const Result r = Count(CountSchulze, e);
    const auto& d = r.explanation["d"];
    auto defeat = [&](int i, int j) {
      const int64_t x = d[i][j].get<int64_t>();
      return x > d[j][i].get<int64_t>() ? x : 0;
    };
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < m; ++j) {
        if (i == j) continue;
        int64_t best = 0;
        std::vector<bool> on_path(static_cast<std::size_t>(m), false);
        std::function<void(int, int64_t)> walk = [&](int at, int64_t width) {
          if (at == j) {
            best = std::max(best, width);
            return;
          }
          on_path[at] = true;
          for (int next = 0; next < m; ++next) {
            if (!on_path[next] && defeat(at, next) > 0)
              walk(next, std::min(width, defeat(at, next)));
          }
          on_path[at] = false;
        };
        walk(i, INT64_MAX);
        EXPECT_EQ(r.explanation["p"][i][j].get<int64_t>(), best) << i << " " << j;
      }
    }
  }
}

// Balinski and Laraki's tie-break, done literally: remove one lower median at a time.
int BruteForceMajorityJudgment(std::vector<int64_t> a, std::vector<int64_t> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  while (!a.empty()) {
    const std::size_t mid = (a.size() - 1) / 2;
    if (a[mid] != b[mid]) return a[mid] > b[mid] ? 1 : -1;
    a.erase(a.begin() + static_cast<std::ptrdiff_t>(mid));
    b.erase(b.begin() + static_cast<std::ptrdiff_t>(mid));
  }
  return 0;
}

TEST(MajorityJudgment, TieBreakMatchesRemovingMediansOneAtATime) {
  std::mt19937_64 rng(13);
  for (int trial = 0; trial < 500; ++trial) {
    const int m = 2 + trial % 3;
    const int voters = 1 + static_cast<int>(rng() % 10);
    Election e;
    for (int c = 0; c < m; ++c) e.candidates.push_back(std::string(1, static_cast<char>('A' + c)));
    std::vector<std::vector<int64_t>> grades(static_cast<std::size_t>(m));
    for (int v = 0; v < voters; ++v) {
      Ballot b;
      for (int c = 0; c < m; ++c) {
        const auto g = static_cast<int64_t>(rng() % 4);
        b.scores[c] = g;
        grades[c].push_back(g);
      }
      e.ballots.push_back(std::move(b));
    }
    CountOptions options;
    options.score_max = 3;
    const auto place = Places(Count(CountMajorityJudgment, e, options));
    for (int a = 0; a < m; ++a) {
      for (int b = 0; b < m; ++b) {
        const int expected = BruteForceMajorityJudgment(grades[a], grades[b]);
        const int pa = place.at(e.candidates[a]);
        const int pb = place.at(e.candidates[b]);
        const int got = pa < pb ? 1 : pa > pb ? -1 : 0;
        EXPECT_EQ(got, expected) << "trial " << trial;
      }
    }
  }
}

TEST(MajorityJudgment, LargeWeightsAreComparedByRunsNotOneByOne) {
  Election e;
  e.candidates = {"A", "B"};
  e.ballots = {Scored({{0, 3}, {1, 2}}, int64_t{1} << 40),
               Scored({{0, 0}, {1, 2}}, int64_t{1} << 40), Scored({{0, 2}, {1, 1}}, 1)};
  CountOptions options;
  options.score_max = 3;
  const Result r = Count(CountMajorityJudgment, e, options);
  EXPECT_EQ(r.explanation["majority_grade"]["A"], 2);
  EXPECT_EQ(r.explanation["majority_grade"]["B"], 2);
  // Next to the median A has 0 below and 3 above, B has 2 on both sides. Removing medians
  // reaches the lower side first, where B's 2 beats A's 0.
  EXPECT_EQ(r.winners, std::vector<std::string>{"B"});
}

TEST(Score, MeansDifferingBeyondDoublePrecisionAreStillOrdered) {
  Election e;
  e.candidates = {"A", "B"};
  const int64_t top = int64_t{1} << 40;
  e.ballots = {Scored({{0, top}, {1, top}}, int64_t{1} << 40), Scored({{0, top - 1}, {1, top}}, 1)};
  CountOptions options;
  options.score_max = top;
  const Result r = Count(CountScore, e, options);
  // A's mean is top - 1/(2^40 + 1): as doubles the two means are equal.
  EXPECT_EQ(r.explanation["means"]["A"], r.explanation["means"]["B"]);
  EXPECT_EQ(r.winners, std::vector<std::string>{"B"});
  EXPECT_FALSE(r.lot_seed.has_value());
}

TEST(InstantRunoff, AFirstRoundMajorityEndsTheCount) {
  Election e;
  e.candidates = {"A", "B", "C"};
  e.ballots = {Ranked({{0}}, 6), Ranked({{1}}, 3), Ranked({{2}}, 2)};
  const Result r = Count(CountInstantRunoff, e);
  EXPECT_EQ(r.winners, std::vector<std::string>{"A"});
  EXPECT_EQ(r.explanation["rounds"].size(), 1u);
  EXPECT_EQ(r.explanation["majority_round"], 1);
  EXPECT_EQ(Places(r), (std::map<std::string, int>{{"A", 0}, {"B", 1}, {"C", 2}}));
}

TEST(InstantRunoff, SeveralSeatsEliminateUntilThatManyRemain) {
  Election e;
  e.seats = 2;
  e.candidates = {"A", "B", "C", "D"};
  e.ballots = {Ranked({{0}}, 6), Ranked({{1}, {2}}, 3), Ranked({{2}}, 2), Ranked({{3}, {2}}, 1)};
  const Result r = Count(CountInstantRunoff, e);
  // D out (1 to C), then B 3 against C 3: B had more in round 1... C 2+1 = 3 in round 2,
  // round 1 C 2 < B 3, so C goes. A and B remain.
  EXPECT_EQ(r.winners, (std::vector<std::string>{"A", "B"}));
  EXPECT_FALSE(r.explanation.contains("majority_round"));
  EXPECT_EQ(r.explanation["rounds"].size(), 3u);
}

// The pile-and-transfer count against a recount of every ballot in every round, following
// the eliminations the count made.
TEST(InstantRunoff, TransfersMatchARecountOfEveryRound) {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 200; ++trial) {
    const int m = 2 + trial % 6;
    Election e = RandomRanked(rng, m, 25, trial % 2 == 0);
    e.seats = 1 + trial % 2;
    const Result r = Count(CountInstantRunoff, e, {}, static_cast<uint64_t>(trial));
    std::vector<bool> continuing(static_cast<std::size_t>(m), true);
    for (const auto& round : r.explanation["rounds"]) {
      std::map<std::string, int64_t> votes;
      int64_t exhausted = 0;
      int64_t set_aside = 0;
      for (int c = 0; c < m; ++c) {
        if (continuing[c]) votes[e.candidates[c]] = 0;
      }
      for (const Ballot& b : e.ballots) {
        int held = 0;
        int holder = -1;
        for (const std::span<const int> group : b.ranking.groups()) {
          for (const int c : group) {
            if (continuing[c]) {
              ++held;
              holder = c;
            }
          }
          if (held > 0) break;
        }
        if (held == 0) exhausted += b.multiplicity;
        if (held > 1) set_aside += b.multiplicity;
        if (held == 1) votes[e.candidates[holder]] += b.multiplicity;
      }
      for (const auto& [name, v] : votes) EXPECT_EQ(round["votes"][name], v) << "trial " << trial;
      EXPECT_EQ(round["exhausted"], exhausted) << "trial " << trial;
      EXPECT_EQ(round["set_aside"], set_aside) << "trial " << trial;
      if (!round.contains("eliminated")) break;
      const auto out = std::find(e.candidates.begin(), e.candidates.end(),
                                 round["eliminated"].get<std::string>());
      continuing[out - e.candidates.begin()] = false;
    }
  }
}

TEST(FillSeats, DrawsOnlyForTheGroupAcrossTheLastSeat) {
  Election e;
  e.candidates = {"A", "B", "C", "D"};
  nlohmann::json ties = nlohmann::json::array();
  Lot lot(42);
  const std::vector<int> w = FillSeats(e, {{2}, {0, 1, 3}}, 2, lot, ties);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], 2);
  EXPECT_TRUE(lot.used());
  ASSERT_EQ(ties.size(), 1u);
  EXPECT_EQ(ties[0]["seats"], 1);
  // The same seed draws the same.
  nlohmann::json again = nlohmann::json::array();
  Lot lot2(42);
  EXPECT_EQ(FillSeats(e, {{2}, {0, 1, 3}}, 2, lot2, again), w);
  Lot unused(1);
  EXPECT_EQ(FillSeats(e, {{2}, {0, 1}, {3}}, 3, unused, again), (std::vector<int>{2, 0, 1}));
  EXPECT_FALSE(unused.used());
}

}  // namespace
}  // namespace coproduce::tally
