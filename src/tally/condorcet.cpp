// Condorcet methods: Schulze and ranked pairs, over the weighted pairwise matrix.
//
// d[i][j] is the weight of the ballots that rank i above j. Unranked candidates are below
// every ranked one and equal to each other; tied candidates are equal. Matrices are flat
// int64 arrays (total weight is at most 2^62, so no sum overflows).
//
// Both rankings are layered: the first group is every candidate nobody beats (under the
// method's relation), then every candidate nobody left beats, and so on. A group of several
// is a genuine tie of the method; only a tie for the last seat is drawn by lot.
#include "tally/single_winner.hpp"

namespace coproduce::tally {
namespace {

struct Pairwise {
  int m = 0;
  std::vector<int64_t> d;  // [i * m + j]
  BallotTally ballots;
  int64_t at(int i, int j) const { return d[static_cast<std::size_t>(i) * m + j]; }
};

// Each ranked candidate is above everyone after its group: m(m-1)/2 additions for a complete
// ballot, without a comparison per pair. (Counting "i above the set below it" as bit masks
// needs fewer additions but measured slower: reading the ballots' nested vectors is what
// costs, about 15 cache lines per 14-candidate ballot.)
Pairwise CountPairs(const Election& election, const BallotWeights& weights) {
  Pairwise out;
  const int m = static_cast<int>(election.candidates.size());
  out.m = m;
  out.d.assign(static_cast<std::size_t>(m) * m, 0);
  // One pass per ballot validates it (as RankPositions does) and lists its candidates in
  // order: ranked ones group by group, then the unranked.
  std::vector<int> position(static_cast<std::size_t>(m));
  std::vector<int> order(static_cast<std::size_t>(m));
  std::vector<std::size_t> ends;  // where each group ends in `order`
  for (std::size_t b = 0; b < election.ballots.size(); ++b) {
    const Ballot& ballot = election.ballots[b];
    std::fill(position.begin(), position.end(), m);
    ends.clear();
    std::size_t ranked = 0;
    bool valid = true;
    for (const std::vector<int>& group : ballot.ranking) {
      if (group.empty()) continue;
      for (const int c : group) {
        if (c < 0 || c >= m || position[c] != m) {
          valid = false;
          break;
        }
        position[c] = static_cast<int>(ends.size());
        order[ranked++] = c;
      }
      if (!valid) break;
      ends.push_back(ranked);
    }
    out.ballots.Add(ballot, valid, valid && ranked == 0);
    const int64_t w = weights.UnitsOf(b);
    if (!valid || w == 0 || ranked == 0) continue;
    std::size_t filled = ranked;
    for (int c = 0; c < m; ++c) {
      if (position[c] == m) order[filled++] = c;
    }
    std::size_t start = 0;
    for (const std::size_t below : ends) {
      for (std::size_t k = start; k < below; ++k) {
        int64_t* row = out.d.data() + static_cast<std::size_t>(order[k]) * m;
        for (std::size_t t = below; t < filled; ++t) row[order[t]] += w;
      }
      start = below;
    }
  }
  return out;
}

nlohmann::json MatrixJson(const std::vector<int64_t>& matrix, int m, const BallotWeights& weights) {
  nlohmann::json rows = nlohmann::json::array();
  for (int i = 0; i < m; ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (int j = 0; j < m; ++j)
      row.push_back(weights.Votes(matrix[static_cast<std::size_t>(i) * m + j]));
    rows.push_back(std::move(row));
  }
  return rows;
}

// Layers of a strict partial order given by beats(a, b).
template <typename Beats>
std::vector<std::vector<int>> Layers(int m, Beats beats) {
  std::vector<std::vector<int>> ranking;
  std::vector<bool> placed(static_cast<std::size_t>(m), false);
  int left = m;
  while (left > 0) {
    std::vector<int> layer;
    for (int a = 0; a < m; ++a) {
      if (placed[a]) continue;
      bool beaten = false;
      for (int b = 0; b < m && !beaten; ++b) beaten = !placed[b] && b != a && beats(b, a);
      if (!beaten) layer.push_back(a);
    }
    // Cannot happen for a strict partial order; kept so a bug cannot loop forever.
    if (layer.empty()) {
      for (int a = 0; a < m; ++a) {
        if (!placed[a]) layer.push_back(a);
      }
    }
    for (const int a : layer) placed[a] = true;
    left -= static_cast<int>(layer.size());
    ranking.push_back(std::move(layer));
  }
  return ranking;
}

nlohmann::json Names(const Election& election) {
  nlohmann::json names = nlohmann::json::array();
  for (const std::string& c : election.candidates) names.push_back(c);
  return names;
}

}  // namespace

// Path strength is winning votes: a defeat i over j has strength d[i][j]. p[i][j] is the
// strength of the widest path from i to j (Floyd-Warshall); i beats j when p[i][j] > p[j][i],
// a transitive relation (Schulze 2011, section 4.1), so the layers are well defined.
// Explanation: "candidates" (matrix order), "d" and "p".
Result CountSchulze(const Election& election, const BallotWeights& weights,
                    const CountOptions& /*options*/, Lot& lot) {
  const Pairwise pairs = CountPairs(election, weights);
  const int m = pairs.m;
  const auto mu = static_cast<std::size_t>(m);
  std::vector<int64_t> p(mu * mu, 0);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < m; ++j) {
      if (i != j && pairs.at(i, j) > pairs.at(j, i)) p[i * mu + j] = pairs.at(i, j);
    }
  }
  for (std::size_t k = 0; k < mu; ++k) {
    for (std::size_t i = 0; i < mu; ++i) {
      const int64_t ik = p[i * mu + k];
      if (i == k || ik == 0) continue;
      int64_t* row = p.data() + i * mu;
      const int64_t* via = p.data() + k * mu;
      for (std::size_t j = 0; j < mu; ++j) {
        if (j == i || j == k) continue;
        row[j] = std::max(row[j], std::min(ik, via[j]));
      }
    }
  }
  const auto ranking = Layers(m, [&](int a, int b) { return p[a * mu + b] > p[b * mu + a]; });

  nlohmann::json explanation;
  explanation["ballots"] = pairs.ballots.ToJson();
  explanation["candidates"] = Names(election);
  explanation["d"] = MatrixJson(pairs.d, m, weights);
  explanation["p"] = MatrixJson(p, m, weights);
  return FinishResult("schulze", election, weights, ranking, std::move(explanation), lot);
}

// Majorities are locked from the largest margin d[i][j] - d[j][i] down; equal margins go
// larger winning vote d[i][j] first, then by candidate order (the winner listed earlier
// first, then the loser listed earlier). That last rule is arbitrary but fixed; the
// explanation flags "pair_order_by_candidates" when it decided the order of two pairs.
// A pair is skipped if locking it would close a cycle. Pairs with margin 0 are never locked.
// Explanation: "candidates", "d", "pairs" [{winner, loser, margin, locked}] in locking order.
Result CountRankedPairs(const Election& election, const BallotWeights& weights,
                        const CountOptions& /*options*/, Lot& lot) {
  const Pairwise pairs = CountPairs(election, weights);
  const int m = pairs.m;
  const auto mu = static_cast<std::size_t>(m);
  struct Majority {
    int winner;
    int loser;
    int64_t margin;
    int64_t votes;
  };
  std::vector<Majority> majorities;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < m; ++j) {
      if (i != j && pairs.at(i, j) > pairs.at(j, i)) {
        majorities.push_back({i, j, pairs.at(i, j) - pairs.at(j, i), pairs.at(i, j)});
      }
    }
  }
  bool by_candidates = false;
  std::sort(majorities.begin(), majorities.end(), [](const Majority& a, const Majority& b) {
    if (a.margin != b.margin) return a.margin > b.margin;
    if (a.votes != b.votes) return a.votes > b.votes;
    if (a.winner != b.winner) return a.winner < b.winner;
    return a.loser < b.loser;
  });
  for (std::size_t k = 1; k < majorities.size(); ++k) {
    by_candidates = by_candidates || (majorities[k].margin == majorities[k - 1].margin &&
                                      majorities[k].votes == majorities[k - 1].votes);
  }

  std::vector<bool> locked(mu * mu, false);
  std::vector<int> stack;
  std::vector<bool> seen(mu);
  // Whether `to` can be reached from `from` along locked pairs.
  auto reaches = [&](int from, int to) {
    std::fill(seen.begin(), seen.end(), false);
    stack.assign(1, from);
    seen[from] = true;
    while (!stack.empty()) {
      const int a = stack.back();
      stack.pop_back();
      if (a == to) return true;
      for (int b = 0; b < m; ++b) {
        if (locked[a * mu + b] && !seen[b]) {
          seen[b] = true;
          stack.push_back(b);
        }
      }
    }
    return false;
  };
  nlohmann::json pairs_json = nlohmann::json::array();
  for (const Majority& x : majorities) {
    const bool lock = !reaches(x.loser, x.winner);
    if (lock) locked[x.winner * mu + x.loser] = true;
    pairs_json.push_back({{"winner", election.candidates[x.winner]},
                          {"loser", election.candidates[x.loser]},
                          {"margin", weights.Votes(x.margin)},
                          {"locked", lock}});
  }
  const auto ranking =
      Layers(m, [&](int a, int b) { return static_cast<bool>(locked[a * mu + b]); });

  nlohmann::json explanation;
  explanation["ballots"] = pairs.ballots.ToJson();
  explanation["candidates"] = Names(election);
  explanation["d"] = MatrixJson(pairs.d, m, weights);
  explanation["pairs"] = std::move(pairs_json);
  explanation["pair_order_by_candidates"] = by_candidates;
  return FinishResult("ranked-pairs", election, weights, ranking, std::move(explanation), lot);
}

}  // namespace coproduce::tally
