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

#include <limits>
#include <system_error>
#include <thread>

namespace coproduce::tally {
namespace {

struct Pairwise {
  int m = 0;
  std::vector<int64_t> d;  // [i * m + j]
  BallotTally ballots;
  int64_t at(int i, int j) const { return d[static_cast<std::size_t>(i) * m + j]; }
};

// Below this many ballots a second thread costs more than it saves.
constexpr std::size_t kParallelBallots = 20'000;

// Counts ballots into a Pairwise of its own, so that threads share nothing but the input.
//
// Reading a ballot costs about as much as counting it: the ballots are streamed from memory
// one after another. The count itself is done with vector compares: a ballot becomes each
// candidate's position (the index of its group; unranked candidates after every group), and
// row i gains w in every column j with position[j] > position[i], eight columns per compare.
// The gains go into 16-bit running sums that are flushed into the matrix before they could
// overflow. A ballot heavier than a running sum holds, or an election with too many
// candidates for 16-bit positions, is added pair by pair instead: each ranked candidate over
// everyone after its group, m(m-1)/2 additions for a complete ballot.
class PairCounter final {
 public:
  // Allocates everything Count uses, so that Count itself does not allocate.
  explicit PairCounter(int m)
      : m_(m),
        by_vector_(m <= kVectorCandidates),
        chunks_(by_vector_ ? (static_cast<std::size_t>(m) + kLanes - 1) / kLanes : 0),
        unranked_(chunks_),
        position_(chunks_),
        sums_(static_cast<std::size_t>(m) * chunks_),
        seen_(by_vector_ ? 0 : static_cast<std::size_t>(m), 0),
        order_(static_cast<std::size_t>(m)),
        ends_(static_cast<std::size_t>(m)) {
    out_.m = m;
    out_.d.assign(static_cast<std::size_t>(m) * m, 0);
    // Lanes past the last candidate hold -1, so they never rank below anyone.
    for (std::size_t j = 0; j < chunks_ * kLanes; ++j)
      unranked_[j / kLanes][j % kLanes] = j < static_cast<std::size_t>(m) ? kUnranked : -1;
  }

  // Adds ballots [begin, end) of `election`.
  void Count(const Election& election, const BallotWeights& weights, std::size_t begin,
             std::size_t end) {
    for (std::size_t b = begin; b < end; ++b) {
      const Ballot& ballot = election.ballots[b];
      const bool valid = Read(ballot);
      out_.ballots.Add(ballot, valid, valid && ranked_ == 0);
      const int64_t w = weights.UnitsOf(b);
      if (!valid || w == 0 || ranked_ == 0) continue;
      if (by_vector_ && w > 0 && w <= kMaxPending) {
        AddByVector(static_cast<Sum>(w));
      } else {
        AddByOrder(w);
      }
    }
    Flush();
  }

  Pairwise& result() { return out_; }

 private:
  using Lane = int16_t;
  using Sum = uint16_t;
  static constexpr std::size_t kLanes = 8;
  using Lanes = Lane __attribute__((vector_size(16)));
  using Sums = Sum __attribute__((vector_size(16)));
  static constexpr Lane kUnranked = std::numeric_limits<Lane>::max();
  // Group indices stay below the number of candidates, so below kUnranked.
  static constexpr int kVectorCandidates = kUnranked;
  static constexpr int64_t kMaxPending = std::numeric_limits<Sum>::max();

  // Validates `ballot` as RankPositions does, and lists its ranked candidates in order
  // (order_[0, ranked_), with ends_[0, groups_) where each group ends) and, by vector,
  // their positions.
  bool Read(const Ballot& ballot) {
    if (by_vector_) {
      std::copy(unranked_.begin(), unranked_.end(), position_.begin());
    } else if (++stamp_ == 0) {
      std::fill(seen_.begin(), seen_.end(), 0);
      stamp_ = 1;
    }
    // Counted in locals: the stores into ends_ could otherwise alias members.
    std::size_t ranked = 0;
    std::size_t groups = 0;
    // Records candidate c in group `group`; false for a candidate out of range or seen already.
    const auto place = [&](int c, std::size_t group) {
      if (c < 0 || c >= m_ || Ranked(c)) return false;
      if (by_vector_) {
        position_[c / kLanes][c % kLanes] = static_cast<Lane>(group);
      } else {
        seen_[c] = stamp_;
      }
      order_[ranked++] = c;
      return true;
    };
    if (ballot.ranking.strict()) {
      // Each candidate its own group: no ends to look up.
      for (const int c : ballot.ranking.candidates()) {
        if (!place(c, ranked)) return false;
        ends_[groups++] = ranked;
      }
    } else {
      for (const std::span<const int> group : ballot.ranking.groups()) {
        if (group.empty()) continue;
        for (const int c : group) {
          if (!place(c, groups)) return false;
        }
        ends_[groups++] = ranked;
      }
    }
    ranked_ = ranked;
    groups_ = groups;
    return true;
  }

  // Whether the ballot being read ranks c.
  bool Ranked(int c) const {
    if (by_vector_) return position_[c / kLanes][c % kLanes] != kUnranked;
    return seen_[c] == stamp_;
  }

  void AddByVector(Sum w) {
    if (pending_ + w > kMaxPending) Flush();
    pending_ += w;
    for (std::size_t k = 0; k < ranked_; ++k) {
      const auto i = static_cast<std::size_t>(order_[k]);
      const Lane p = position_[i / kLanes][i % kLanes];
      Sums* row = sums_.data() + i * chunks_;
      for (std::size_t h = 0; h < chunks_; ++h)
        row[h] += __builtin_convertvector(position_[h] > p, Sums) & w;
    }
  }

  void AddByOrder(int64_t w) {
    std::size_t filled = ranked_;
    for (int c = 0; c < m_; ++c) {
      if (!Ranked(c)) order_[filled++] = c;
    }
    std::size_t start = 0;
    for (std::size_t g = 0; g < groups_; ++g) {
      const std::size_t below = ends_[g];
      for (std::size_t k = start; k < below; ++k) {
        int64_t* row = out_.d.data() + static_cast<std::size_t>(order_[k]) * m_;
        for (std::size_t t = below; t < filled; ++t) row[order_[t]] += w;
      }
      start = below;
    }
  }

  void Flush() {
    if (pending_ == 0) return;
    for (int i = 0; i < m_; ++i) {
      int64_t* row = out_.d.data() + static_cast<std::size_t>(i) * m_;
      const Sums* sums = sums_.data() + static_cast<std::size_t>(i) * chunks_;
      for (int j = 0; j < m_; ++j) row[j] += sums[j / kLanes][j % kLanes];
    }
    std::fill(sums_.begin(), sums_.end(), Sums{});
    pending_ = 0;
  }

  int m_;
  bool by_vector_;
  std::size_t chunks_;
  std::vector<Lanes> unranked_;  // every candidate's position on a blank ballot
  std::vector<Lanes> position_;  // this ballot's, by vector only
  std::vector<Sums> sums_;       // [i * chunks_ + j / kLanes][j % kLanes], not yet in out_.d
  int64_t pending_ = 0;          // the most any of sums_ holds
  std::vector<uint32_t> seen_;   // without vectors, the stamp of the last ballot naming c
  uint32_t stamp_ = 0;
  std::vector<int> order_;         // this ballot's ranked candidates, then (by order) the rest
  std::size_t ranked_ = 0;         // how many are ranked
  std::vector<std::size_t> ends_;  // where each group ends in order_
  std::size_t groups_ = 0;
  Pairwise out_;
};

// Many ballots are counted in two halves on two threads. Integer sums do not depend on the
// split, so the result is the same on every machine.
Pairwise CountPairs(const Election& election, const BallotWeights& weights) {
  const int m = static_cast<int>(election.candidates.size());
  const std::size_t n = election.ballots.size();
  PairCounter first(m);
  if (n < kParallelBallots || std::thread::hardware_concurrency() < 2) {
    first.Count(election, weights, 0, n);
    return std::move(first.result());
  }
  PairCounter second(m);
  {
    std::jthread worker;
    try {
      worker = std::jthread([&] { second.Count(election, weights, n / 2, n); });
    } catch (const std::system_error&) {
      second.Count(election, weights, n / 2, n);  // no thread to be had: count it here
    }
    first.Count(election, weights, 0, n / 2);
  }
  Pairwise& out = first.result();
  const Pairwise& rest = second.result();
  for (std::size_t k = 0; k < out.d.size(); ++k) out.d[k] += rest.d[k];
  out.ballots.Merge(rest.ballots);
  return std::move(out);
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
