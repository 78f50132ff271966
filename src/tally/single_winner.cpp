#include "tally/single_winner.hpp"

#include <array>

namespace coproduce::tally {
namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return INT64_MAX;
  return out;
}

constexpr std::array<std::string_view, 9> kMethodNames = {
    "plurality", "approval", "dot",     "score",       "majority-judgment",
    "borda",     "irv",      "schulze", "ranked-pairs"};

}  // namespace

void BallotTally::Add(const Ballot& ballot, bool is_valid, bool is_blank) {
  const int64_t voters = std::max<int64_t>(0, ballot.multiplicity);
  cast = SaturatingAdd(cast, voters);
  if (!is_valid) {
    invalid = SaturatingAdd(invalid, voters);
    return;
  }
  valid = SaturatingAdd(valid, voters);
  if (is_blank) blank = SaturatingAdd(blank, voters);
}

// Every count is non-negative and saturates at INT64_MAX, so adding two tallies gives what
// adding all their ballots one by one would.
void BallotTally::Merge(const BallotTally& other) {
  cast = SaturatingAdd(cast, other.cast);
  valid = SaturatingAdd(valid, other.valid);
  invalid = SaturatingAdd(invalid, other.invalid);
  blank = SaturatingAdd(blank, other.blank);
}

nlohmann::json BallotTally::ToJson() const {
  return {{"cast", cast}, {"valid", valid}, {"invalid", invalid}, {"blank", blank}};
}

bool RankPositions(const Ballot& ballot, int candidates, std::vector<int>& position) {
  position.assign(static_cast<std::size_t>(candidates), candidates);
  int group_index = 0;
  for (const std::span<const int> group : ballot.ranking.groups()) {
    if (group.empty()) continue;
    for (const int c : group) {
      if (c < 0 || c >= candidates || position[c] != candidates) return false;
      position[c] = group_index;
    }
    ++group_index;
  }
  return true;
}

std::vector<int> FillSeats(const Election& election, const std::vector<std::vector<int>>& ranking,
                           int seats, Lot& lot, nlohmann::json& ties) {
  std::vector<int> winners;
  for (const std::vector<int>& group : ranking) {
    const std::size_t open = seats > static_cast<int>(winners.size())
                                 ? static_cast<std::size_t>(seats) - winners.size()
                                 : 0;
    if (open == 0) break;
    if (group.size() <= open) {
      winners.insert(winners.end(), group.begin(), group.end());
      continue;
    }
    std::vector<int> pool = group;
    std::vector<int> chosen;
    while (chosen.size() < open) {
      const std::size_t k = lot.Draw(pool.size());
      chosen.push_back(pool[k]);
      pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(k));
    }
    nlohmann::json between = nlohmann::json::array();
    for (const int c : group) between.push_back(election.candidates[c]);
    nlohmann::json picked = nlohmann::json::array();
    for (const int c : chosen) picked.push_back(election.candidates[c]);
    ties.push_back({{"between", between},
                    {"seats", static_cast<int64_t>(open)},
                    {"chosen", picked},
                    {"decided_by", "lot"}});
    winners.insert(winners.end(), chosen.begin(), chosen.end());
  }
  return winners;
}

nlohmann::json RankingJson(const Election& election, const std::vector<std::vector<int>>& ranking) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::vector<int>& group : ranking) {
    nlohmann::json names = nlohmann::json::array();
    for (const int c : group) names.push_back(election.candidates[c]);
    out.push_back(std::move(names));
  }
  return out;
}

Result FinishResult(std::string_view method, const Election& election, const BallotWeights& weights,
                    const std::vector<std::vector<int>>& ranking, nlohmann::json explanation,
                    Lot& lot) {
  Result result;
  result.method = std::string(method);
  result.seats = election.seats;
  if (!explanation.contains("ties")) explanation["ties"] = nlohmann::json::array();
  const std::vector<int> winners =
      FillSeats(election, ranking, election.seats, lot, explanation["ties"]);
  for (const int c : winners) result.winners.push_back(election.candidates[c]);
  explanation["method"] = std::string(method);
  explanation["weighting"] = weights.Describe();
  explanation["ranking"] = RankingJson(election, ranking);
  explanation["unfilled_seats"] =
      std::max<int64_t>(0, static_cast<int64_t>(election.seats) - std::ssize(winners));
  result.explanation = std::move(explanation);
  if (lot.used()) result.lot_seed = lot.seed();
  return result;
}

std::span<const std::string_view> MethodNames() { return kMethodNames; }

std::optional<Result> CountByMethod(std::string_view method, const Election& election,
                                    const BallotWeights& weights, const CountOptions& options,
                                    Lot& lot) {
  if (method == "plurality") return CountPlurality(election, weights, options, lot);
  if (method == "approval") return CountApproval(election, weights, options, lot);
  if (method == "dot") return CountDotVoting(election, weights, options, lot);
  if (method == "score") return CountScore(election, weights, options, lot);
  if (method == "majority-judgment") return CountMajorityJudgment(election, weights, options, lot);
  if (method == "borda") return CountBorda(election, weights, options, lot);
  if (method == "irv") return CountInstantRunoff(election, weights, options, lot);
  if (method == "schulze") return CountSchulze(election, weights, options, lot);
  if (method == "ranked-pairs") return CountRankedPairs(election, weights, options, lot);
  return std::nullopt;
}

}  // namespace coproduce::tally
