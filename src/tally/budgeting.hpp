// Greedy participatory budgeting, as most cities count (Pabulib rules greedy,
// greedy-no-skip, greedy-threshold): projects in order of score, each funded while it fits.
// Also the exact money and score arithmetic that the other budgeting methods share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tally/election.hpp"

namespace coproduce::tally {

// The instance's costs and budget as exact integers: each decimal times 10^decimals, where
// `decimals` is the largest number of decimal places among the costs and the budget.
struct BudgetAmounts final {
  std::vector<int64_t> costs;  // by project index
  int64_t budget = 0;
  int decimals = 0;
};

// Converts the instance's decimal strings ("969245.38", "1500,5") exactly. A cost or budget
// that is not a non-negative decimal, has more than 6 decimal places or is above 10^12 is a
// ParseError (line 0) naming the project.
std::variant<BudgetAmounts, ParseError> ExactAmounts(const BudgetInstance& instance);

// `units` (10^-decimals each) as a decimal string: FormatAmount(96924538, 2) == "969245.38".
std::string FormatAmount(int64_t units, int decimals);

// Each project's score, every ballot counting `multiplicity` times: approvals for approval
// and choose-1; the sum of points for cumulative and scoring; for ordinal,
// `ordinal_points[r]` for a project ranked (r+1)-th and 0 below the list. Empty
// `ordinal_points` means k, k-1, ..., 1 with k = META max_length when set, else the longest
// ballot (Kraków's 3/2/1 for three ranks).
std::vector<int64_t> ProjectScores(const BudgetInstance& instance,
                                   const std::vector<int64_t>& ordinal_points = {});

// The ordinal points ProjectScores uses for `ordinal_points` (the default made explicit).
std::vector<int64_t> OrdinalPoints(const BudgetInstance& instance,
                                   const std::vector<int64_t>& ordinal_points);

enum class GreedyVariant {
  kSkip,       // a project that does not fit is passed over and counting goes on (greedy)
  kNoSkip,     // counting stops at the first project that does not fit (greedy-no-skip)
  kThreshold,  // kSkip, but projects scoring below the threshold are ineligible
};

// How projects with equal scores are ordered; file order decides what remains.
enum class GreedyTieBreak { kCheaperFirst, kFileOrder };

struct GreedyOptions final {
  GreedyVariant variant = GreedyVariant::kSkip;
  // kThreshold's minimum score (a decimal); unset: META min_project_score_threshold.
  std::optional<std::string> threshold = std::nullopt;
  GreedyTieBreak tie_break = GreedyTieBreak::kCheaperFirst;
  std::vector<int64_t> ordinal_points = {};  // see ProjectScores
};

// The order in which greedy considers projects (indices): score descending, then by
// `tie_break`, then file order.
std::vector<int> GreedyOrder(const std::vector<int64_t>& scores, const std::vector<int64_t>& costs,
                             GreedyTieBreak tie_break);

// Counts `instance` greedily. Result.winners are project ids in the order funded; the
// explanation lists every project in the order considered with its score, cost, status
// (selected, skipped, ineligible, not reached) and why, and the budget used and left. Bad
// amounts, or kThreshold with no threshold given or in META, are a ParseError.
std::variant<Result, ParseError> CountGreedy(const BudgetInstance& instance,
                                             const GreedyOptions& options = {});

}  // namespace coproduce::tally
