// The Method of Equal Shares (MES) for participatory budgeting, in exact rational arithmetic,
// with the completions used by real elections (spec voting.md section 4): Add1 (raise every
// voter's share until the outcome would exceed the budget) and a utilitarian greedy fill.
//
// Every voter gets an equal share of the budget. A project is affordable when its supporters
// can pay its cost; each supporter i pays min(budget_i, rho * u_i(c)), and the project with
// the smallest rho is funded next, until none is affordable. Utilities: with kCost a supporter
// values a project at its cost (times their points on cumulative/scoring/ordinal ballots),
// with kCardinality at 1 (times points). Ballots with the same projects always pay the same,
// so the count works on aggregated ballots and on classes of voters with equal budgets.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "tally/election.hpp"

namespace coproduce::tally {

enum class MesUtility { kCost, kCardinality };

enum class MesCompletion {
  kNone,             // plain MES with B/n per voter
  kAdd1,             // raise each voter's share by add1_increment until the outcome exceeds B
  kAdd1Utilitarian,  // kAdd1, then fund the remaining projects greedily by score while they fit
};

// Tie-breaks between projects with exactly equal rho, applied in the order given.
enum class MesTieBreak {
  kMaxVotes,       // more supporters (voters naming the project) first
  kMinCost,        // cheaper first
  kMaxCost,        // dearer first
  kLexicographic,  // smaller project id first, byte order (pabutools' default)
};

// Defaults are those of the equalshares.net compute tool: cost utilities, add1u with the
// exhaustive stop and the integral start, no tie-break list.
struct MesOptions final {
  MesUtility utility = MesUtility::kCost;
  MesCompletion completion = MesCompletion::kAdd1Utilitarian;
  // Add1 also stops once no unselected project fits in what the outcome leaves of B.
  bool add1_exhaustive_stop = true;
  // Add1 starts each voter at floor(B/n) whole currency units instead of B/n.
  bool add1_integral_start = true;
  int64_t add1_increment = 1;  // currency units added to each voter's share per Add1 step
  std::vector<MesTieBreak> tie_breaks = {};
  std::vector<int64_t> ordinal_points = {};  // utilities of ordinal ballots, as in ProjectScores
  // Also list what each group of identical ballots paid per project and kept. Off by
  // default: the rounds already say what each voter paid for each project, and on a city's
  // vote the list has one entry per distinct ballot (90,000 entries, 16 MB of JSON).
  bool explain_voter_groups = false;
  // Count in floating point with error bounds first, falling back to rational arithmetic
  // whenever a decision or a shown amount is within them. The outcome and explanation are
  // the same either way; false (rational only, much slower) is for audits and tests.
  bool floating_filter = true;
  // The widest vectors (in doubles: 8, 4 or 2) the Add1 steps may use; the machine may allow
  // fewer. The outcome is the same with any; tests lower it to check the narrower kernels.
  int max_vector_width = 8;
};

// Counts `instance` with MES. Result.winners: project ids, MES's in the order funded, then
// those the utilitarian completion added. A tie left after `tie_breaks` goes to the project
// first in the file, and the explanation says so (the equalshares.net tool stops with an
// error instead). Projects costing 0 are left to the completion, as in that tool.
// Explanation: each funded project with rho and what each class of voters paid, every
// voter group's payments and remaining budget, the Add1 share reached and why it stopped,
// and what the completion added. Bad amounts or options are a ParseError.
std::variant<Result, ParseError> CountEqualShares(const BudgetInstance& instance,
                                                  const MesOptions& options = {});

}  // namespace coproduce::tally
