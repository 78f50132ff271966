// Borda count. Points are counted doubled so that shared places stay whole numbers.
#include "tally/single_winner.hpp"

namespace coproduce::tally {

// With m candidates, place p (0 = first) is worth m-1-p. A group of s tied candidates starting
// at place p shares places p..p+s-1: each gets their mean, 2(m-1) - (2p + s - 1) half-points.
// The r unranked candidates of a truncated ballot, under kAveraged, are such a group at place
// m - r (each gets (r-1)/2 points); under kTruncated they get 0.
Result CountBorda(const Election& election, const BallotWeights& weights,
                  const CountOptions& options, Lot& lot) {
  const int m = static_cast<int>(election.candidates.size());
  const bool averaged = options.borda_truncation == CountOptions::BordaTruncation::kAveraged;
  std::vector<__int128> half_points(static_cast<std::size_t>(m), 0);
  BallotTally ballots;
  std::vector<int> position;
  for (std::size_t i = 0; i < election.ballots.size(); ++i) {
    const Ballot& b = election.ballots[i];
    if (!RankPositions(b, m, position)) {
      ballots.Add(b, false, false);
      continue;
    }
    const int64_t w = weights.UnitsOf(i);
    int64_t place = 0;
    for (const std::span<const int> group : b.ranking.groups()) {
      if (group.empty()) continue;
      const auto s = static_cast<int64_t>(group.size());
      const int64_t each = 2 * static_cast<int64_t>(m - 1) - (2 * place + s - 1);
      for (const int c : group) half_points[c] += static_cast<__int128>(w) * each;
      place += s;
    }
    ballots.Add(b, true, place == 0);
    const int64_t unranked = m - place;
    if (!averaged || unranked == 0) continue;
    for (int c = 0; c < m; ++c) {
      if (position[c] == m) half_points[c] += static_cast<__int128>(w) * (unranked - 1);
    }
  }
  nlohmann::json explanation;
  explanation["ballots"] = ballots.ToJson();
  explanation["truncation"] = averaged ? "averaged" : "truncated";
  nlohmann::json points = nlohmann::json::object();
  for (int c = 0; c < m; ++c) points[election.candidates[c]] = weights.Votes(half_points[c], 2);
  explanation["points"] = std::move(points);
  const auto ranking =
      GroupCandidates(m, [&](int a, int b) { return half_points[a] > half_points[b]; });
  return FinishResult("borda", election, weights, ranking, std::move(explanation), lot);
}

}  // namespace coproduce::tally
