// Score voting (highest mean) and dot voting (most dots): both read Ballot::scores.
#include "tally/single_winner.hpp"

namespace coproduce::tally {
namespace {

// Scores beyond this are invalid whatever the options say, so that weighted sums and the
// threshold comparison stay inside 128 bits.
constexpr int64_t kMaxScore = int64_t{1} << 40;

__int128 FloorDiv(__int128 x, __int128 y) {
  __int128 q = x / y;
  if (x % y != 0 && ((x < 0) != (y < 0))) --q;
  return q;
}

// The sign of a/b - c/d for b, d > 0, by continued fractions: no product can overflow.
int CompareFractions(__int128 a, __int128 b, __int128 c, __int128 d) {
  const __int128 qa = FloorDiv(a, b);
  const __int128 qc = FloorDiv(c, d);
  if (qa != qc) return qa < qc ? -1 : 1;
  const __int128 ra = a - qa * b;
  const __int128 rc = c - qc * d;
  if (ra == 0 || rc == 0) {
    if (ra == rc) return 0;
    return ra == 0 ? -1 : 1;
  }
  // ra/b < rc/d exactly when d/rc < b/ra.
  return CompareFractions(d, rc, b, ra);
}

double Ratio(__int128 a, __int128 b) {
  return static_cast<double>(static_cast<long double>(a) / static_cast<long double>(b));
}

}  // namespace

// Each candidate's mean is sum / weight over the ballots that count for it: those that scored
// it, or with MissingScore::kMinimum every valid ballot (an unscored candidate at score_min).
Result CountScore(const Election& election, const BallotWeights& weights,
                  const CountOptions& options, Lot& lot) {
  const int m = static_cast<int>(election.candidates.size());
  const auto mu = static_cast<std::size_t>(m);
  const int64_t lo = std::max(options.score_min, -kMaxScore);
  const int64_t hi = std::min(options.score_max, kMaxScore);
  const bool missing_is_min = options.missing_score == CountOptions::MissingScore::kMinimum;
  std::vector<int> sector_of;
  const std::vector<std::string> sectors = SectorsOf(election, sector_of);
  const std::size_t s_count = sectors.size();
  // Flat [sector * m + candidate]: weighted sum of scores, and weight of those scoring.
  std::vector<__int128> sum(s_count * mu, 0);
  std::vector<__int128> weight(s_count * mu, 0);
  std::vector<__int128> sector_voters(s_count, 0);
  BallotTally ballots;
  for (std::size_t i = 0; i < election.ballots.size(); ++i) {
    const Ballot& b = election.ballots[i];
    bool valid = lo <= hi;
    for (const auto& [c, score] : b.scores) {
      if (c < 0 || c >= m || score < lo || score > hi) valid = false;
    }
    ballots.Add(b, valid, b.scores.empty());
    if (!valid) continue;
    const int64_t w = weights.UnitsOf(i);
    const auto s = static_cast<std::size_t>(sector_of[i]);
    sector_voters[s] += w;
    // A blank ballot abstains: under kMinimum it would otherwise score every candidate.
    if (b.scores.empty()) continue;
    for (int c = 0; c < m; ++c) {
      const auto it = b.scores.find(c);
      if (it == b.scores.end() && !missing_is_min) continue;
      const int64_t score = it == b.scores.end() ? lo : it->second;
      sum[s * mu + c] += static_cast<__int128>(w) * score;
      weight[s * mu + c] += w;
    }
  }
  std::vector<__int128> total_sum(mu, 0);
  std::vector<__int128> total_weight(mu, 0);
  for (std::size_t s = 0; s < s_count; ++s) {
    for (std::size_t c = 0; c < mu; ++c) {
      total_sum[c] += sum[s * mu + c];
      total_weight[c] += weight[s * mu + c];
    }
  }

  nlohmann::json explanation;
  explanation["ballots"] = ballots.ToJson();
  explanation["scale"] = {lo, hi};
  explanation["missing"] = missing_is_min ? "minimum" : "ignore";
  nlohmann::json means = nlohmann::json::object();
  nlohmann::json scorers = nlohmann::json::object();
  for (int c = 0; c < m; ++c) {
    const std::string& name = election.candidates[c];
    means[name] = total_weight[c] > 0 ? nlohmann::json(Ratio(total_sum[c], total_weight[c]))
                                      : nlohmann::json(nullptr);
    scorers[name] = weights.Votes(total_weight[c]);
  }
  explanation["means"] = std::move(means);
  explanation["scorers"] = std::move(scorers);

  std::vector<bool> eligible(mu, true);
  if (options.sector_threshold) {
    // (mean_s - lo) / (hi - lo) >= share  <=>  (sum_s - lo * weight_s) / weight_s >= share * range
    const Fraction& share = *options.sector_threshold;
    const __int128 range = std::max<int64_t>(1, hi - lo);
    nlohmann::json shares = nlohmann::json::object();
    for (std::size_t s = 0; s < s_count; ++s) {
      nlohmann::json row = nlohmann::json::object();
      for (int c = 0; c < m; ++c) {
        const __int128 w = weight[s * mu + c];
        const __int128 above_min = sum[s * mu + c] - static_cast<__int128>(lo) * w;
        if (w == 0) {
          row[election.candidates[c]] = nullptr;
          // Nobody in a sector that voted scored it: it has not cleared that sector.
          if (sector_voters[s] > 0) eligible[c] = false;
          continue;
        }
        row[election.candidates[c]] = Ratio(above_min, w * range);
        if (CompareFractions(above_min, w, range * share.numerator, share.denominator) < 0) {
          eligible[c] = false;
        }
      }
      shares[sectors[s]] = std::move(row);
    }
    nlohmann::json failed = nlohmann::json::array();
    for (int c = 0; c < m; ++c) {
      if (!eligible[c]) failed.push_back(election.candidates[c]);
    }
    explanation["sector_threshold"] = share.ToString();
    explanation["sector_shares"] = std::move(shares);
    explanation["failed"] = std::move(failed);
  }

  auto ranking = GroupCandidates(m, [&](int a, int b) {
    if (eligible[a] != eligible[b]) return static_cast<bool>(eligible[a]);
    if ((total_weight[a] > 0) != (total_weight[b] > 0)) return total_weight[a] > 0;
    if (total_weight[a] == 0) return false;
    return CompareFractions(total_sum[a], total_weight[a], total_sum[b], total_weight[b]) > 0;
  });
  std::erase_if(ranking, [&](const std::vector<int>& g) { return !eligible[g.front()]; });
  return FinishResult("score", election, weights, ranking, std::move(explanation), lot);
}

Result CountDotVoting(const Election& election, const BallotWeights& weights,
                      const CountOptions& options, Lot& lot) {
  const int m = static_cast<int>(election.candidates.size());
  std::vector<__int128> dots(static_cast<std::size_t>(m), 0);
  BallotTally ballots;
  int64_t over_limit = 0;
  for (std::size_t i = 0; i < election.ballots.size(); ++i) {
    const Ballot& b = election.ballots[i];
    bool valid = true;
    __int128 used = 0;
    for (const auto& [c, d] : b.scores) {
      if (c < 0 || c >= m || d < 0 || d > kMaxScore) valid = false;
      used += d;
    }
    const bool over = valid && options.dots > 0 && used > options.dots;
    if (over) {
      valid = false;
      if (__builtin_add_overflow(over_limit, std::max<int64_t>(0, b.multiplicity), &over_limit)) {
        over_limit = INT64_MAX;
      }
    }
    ballots.Add(b, valid, used == 0);
    if (!valid) continue;
    const int64_t w = weights.UnitsOf(i);
    for (const auto& [c, d] : b.scores) dots[c] += static_cast<__int128>(w) * d;
  }
  nlohmann::json explanation;
  explanation["ballots"] = ballots.ToJson();
  explanation["dots_per_voter"] = options.dots;
  explanation["over_limit"] = over_limit;
  nlohmann::json totals = nlohmann::json::object();
  for (int c = 0; c < m; ++c) totals[election.candidates[c]] = weights.Votes(dots[c]);
  explanation["dots"] = std::move(totals);
  const auto ranking = GroupCandidates(m, [&](int a, int b) { return dots[a] > dots[b]; });
  return FinishResult("dot", election, weights, ranking, std::move(explanation), lot);
}

}  // namespace coproduce::tally
