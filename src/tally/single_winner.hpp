// Counting methods that rank the candidates and take the top `seats`: plurality, approval,
// dot voting, score, majority judgment, Borda, instant-runoff, Schulze and ranked pairs.
// (Proportional methods are STV and the budgeting rules, in their own files.)
//
// Every method:
// - counts each ballot with its weight from WeighBallots (multiplicity included), exactly;
// - skips invalid ballots (unknown candidate, a candidate twice, a score off the scale, too
//   many dots) and reports them under explanation "ballots" {cast, valid, invalid, blank},
//   counted in voters (multiplicities, unweighted);
// - reports explanation "ranking": groups of names, best first, where a group of several is
//   a tie the method could not break; and "weighting" {weighting, exact};
// - fills the seats from the top of the ranking. Apart from instant-runoff's elimination
//   ties, only a tied group that straddles the last seat is decided by lot; each such draw is
//   listed in explanation "ties", and any draw sets Result.lot_seed.
//   Result.winners are in ranking order (a group taken whole in candidate order). With more
//   seats than candidates every candidate wins and "unfilled_seats" says how many remain.
// Vote totals in explanations are votes (units / units_per_vote): integers when whole.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "tally/election.hpp"
#include "tally/weighting.hpp"

namespace coproduce::tally {

struct CountOptions final {
  // Borda: what a ballot gives the candidates it leaves unranked. kAveraged: they share the
  // points of the places left equally (r unranked each get (r-1)/2). kTruncated: they get 0.
  enum class BordaTruncation { kAveraged, kTruncated };
  BordaTruncation borda_truncation = BordaTruncation::kAveraged;

  // Score and majority judgment: the scale. A score outside it makes the ballot invalid, as
  // does any score or dot count beyond +-2^40 (to keep weighted sums within 128 bits).
  int64_t score_min = 0;
  int64_t score_max = 10;
  // Score: a candidate the voter did not score. kIgnore: no opinion, left out of that
  // candidate's mean. kMinimum: counts as score_min. (Majority judgment always uses
  // score_min, Balinski and Laraki's "reject".)
  enum class MissingScore { kIgnore, kMinimum };
  MissingScore missing_score = MissingScore::kIgnore;

  // Dot voting: how many dots each voter may spread; a ballot using more is invalid.
  // 0 means no limit.
  int64_t dots = 0;

  // Approval and score: a candidate can win only if in every sector it reaches this share
  // (approval: of that sector's weighted voters approve; score: the sector's mean score as
  // a share of the scale, (mean - min) / (max - min)).
  std::optional<Fraction> sector_threshold;
};

// The counts. Each needs weights.units.size() == election.ballots.size().
// Plurality: a ballot votes for its single first choice (ranked) or its single approved
// candidate; a ballot with several first choices is invalid. Ties by lot.
Result CountPlurality(const Election& election, const BallotWeights& weights,
                      const CountOptions& options, Lot& lot);
// Approval: every candidate named on a ballot is approved; most approvals first. Ties by lot.
// With a sector threshold the ranking holds only the candidates that pass ("failed" lists the
// others), so fewer than `seats` may win.
Result CountApproval(const Election& election, const BallotWeights& weights,
                     const CountOptions& options, Lot& lot);
// Dot (cumulative) voting: Ballot::scores hold dots; most dots first. Ties by lot.
Result CountDotVoting(const Election& election, const BallotWeights& weights,
                      const CountOptions& options, Lot& lot);
// Score: highest mean score first; a candidate nobody scored ranks last. Ties by lot. A ballot
// with no scores at all is blank and counts for nobody, whatever `missing_score` says. The
// sector threshold works as for approval.
Result CountScore(const Election& election, const BallotWeights& weights,
                  const CountOptions& options, Lot& lot);
// Majority judgment: highest lower-median grade first; ties broken by Balinski-Laraki's
// removal of median grades; identical grade profiles by lot. A blank ballot abstains.
Result CountMajorityJudgment(const Election& election, const BallotWeights& weights,
                             const CountOptions& options, Lot& lot);
// Borda: places 1..m score m-1..0; tied candidates share their places' points. Ties by lot.
Result CountBorda(const Election& election, const BallotWeights& weights,
                  const CountOptions& options, Lot& lot);
// Instant-runoff: eliminate the fewest first preferences until one candidate holds a
// majority of the continuing votes (or, for seats > 1, until `seats` remain). Elimination
// ties go to the earlier round where the tied candidates differed, then to lot.
Result CountInstantRunoff(const Election& election, const BallotWeights& weights,
                          const CountOptions& options, Lot& lot);
// Schulze (winning votes): widest paths over the pairwise matrix; full ranking.
Result CountSchulze(const Election& election, const BallotWeights& weights,
                    const CountOptions& options, Lot& lot);
// Ranked pairs (Tideman): lock majorities from the largest margin down, skipping cycles.
Result CountRankedPairs(const Election& election, const BallotWeights& weights,
                        const CountOptions& options, Lot& lot);

// The methods by name: "plurality", "approval", "dot", "score", "majority-judgment",
// "borda", "irv", "schulze", "ranked-pairs". nullopt for any other name.
std::optional<Result> CountByMethod(std::string_view method, const Election& election,
                                    const BallotWeights& weights, const CountOptions& options,
                                    Lot& lot);
std::span<const std::string_view> MethodNames();

// Steps the methods share (other ranking methods may use them too).

// Voters (multiplicities, unweighted) by what validation made of their ballots.
struct BallotTally final {
  int64_t cast = 0;
  int64_t valid = 0;
  int64_t invalid = 0;
  int64_t blank = 0;  // valid but expressing nothing; included in `valid`
  void Add(const Ballot& ballot, bool is_valid, bool is_blank);
  // Adds the voters of another tally, as if its ballots had been added here (for counts
  // split between threads).
  void Merge(const BallotTally& other);
  nlohmann::json ToJson() const;
};

// Where a ranked ballot puts each candidate: position[c] is the index of c's group among
// the ballot's non-empty groups, or `candidates` when c is unranked. False (position
// unspecified) when the ballot names an unknown candidate or one candidate twice.
bool RankPositions(const Ballot& ballot, int candidates, std::vector<int>& position);

// Candidates grouped best first by `better(a, b)` (a strict weak order); a group holds the
// candidates neither better nor worse than each other, in candidate order.
template <typename Better>
std::vector<std::vector<int>> GroupCandidates(int candidates, Better better);
// The top `seats` of `ranking`: groups are taken whole while they fit; the group that
// straddles the last seat is decided by lot and the draw appended to `ties`.
std::vector<int> FillSeats(const Election& election, const std::vector<std::vector<int>>& ranking,
                           int seats, Lot& lot, nlohmann::json& ties);
// A ranking as JSON groups of names.
nlohmann::json RankingJson(const Election& election, const std::vector<std::vector<int>>& ranking);
// Assembles the Result every method returns from its ranking and explanation: the winners
// (FillSeats), "ranking", "ties", "weighting", "unfilled_seats", and lot_seed if lot was used.
Result FinishResult(std::string_view method, const Election& election, const BallotWeights& weights,
                    const std::vector<std::vector<int>>& ranking, nlohmann::json explanation,
                    Lot& lot);

template <typename Better>
std::vector<std::vector<int>> GroupCandidates(int candidates, Better better) {
  std::vector<int> order(static_cast<std::size_t>(candidates));
  for (int c = 0; c < candidates; ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(), better);
  std::vector<std::vector<int>> groups;
  for (const int c : order) {
    if (groups.empty() || better(groups.back().front(), c)) groups.emplace_back();
    groups.back().push_back(c);
  }
  for (auto& g : groups) std::sort(g.begin(), g.end());
  return groups;
}

}  // namespace coproduce::tally
