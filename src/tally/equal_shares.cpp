#include "tally/equal_shares.hpp"

#include <gmpxx.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <optional>
#include <thread>

#include "tally/budgeting.hpp"

namespace coproduce::tally {
namespace {

// Doubles decide comparisons only when they differ by more than this (relative); closer
// values are compared exactly. Each double is within a few ulps of its exact value.
constexpr double kNear = 1e-11;

bool Near(double a, double b) {
  return std::fabs(a - b) <= kNear * std::max(std::fabs(a), std::fabs(b));
}

mpq_class FromInt(int64_t value) { return mpq_class(static_cast<long>(value)); }

mpz_class PowerOfTen(int places) {
  mpz_class out;
  mpz_ui_pow_ui(out.get_mpz_t(), 10, static_cast<unsigned long>(places));
  return out;
}

// `q` rounded half away from zero to `places` decimals.
std::string FormatRational(const mpq_class& q, int places) {
  const mpz_class scale = PowerOfTen(places);
  mpz_class magnitude = abs(q.get_num());
  mpz_class rounded = (magnitude * scale * 2 + q.get_den()) / (q.get_den() * 2);
  std::string digits = rounded.get_str();
  if (places > 0) {
    const auto p = static_cast<std::size_t>(places);
    if (digits.size() <= p) digits.insert(0, p + 1 - digits.size(), '0');
    digits.insert(digits.size() - p, ".");
  }
  return (sgn(q) < 0 && rounded != 0 ? "-" : "") + digits;
}

std::string TieBreakName(MesTieBreak rule) {
  switch (rule) {
    case MesTieBreak::kMaxVotes:
      return "max-votes";
    case MesTieBreak::kMinCost:
      return "min-cost";
    case MesTieBreak::kMaxCost:
      return "max-cost";
    case MesTieBreak::kLexicographic:
      return "lexicographic";
  }
  return "";
}

// Supporters of one project who value it equally (one base utility).
struct Bucket final {
  int64_t utility = 0;
  std::vector<std::pair<int, int64_t>> groups;  // and their weights, kept together for speed
};

// Supporters of a project with the same budget class and utility, as the rho search sees them.
struct Entry final {
  int cls = 0;
  int bucket = 0;
  int64_t weight = 0;
  int64_t utility = 0;
};

// One funded project of a run. The texts are filled when the run explains itself.
struct Selection final {
  int project = 0;
  std::vector<int> tied;
  bool unresolved = false;
  std::string rho;
  std::string lambda;                                     // payment per unit of base utility
  std::vector<std::pair<std::string, int64_t>> payments;  // amount per voter, voters
};

struct Outcome final {
  std::vector<Selection> selections;
  std::vector<bool> selected;  // by project
  __int128 cost = 0;
  // With explain: per group, what it paid for which project, and what it has left.
  std::vector<std::vector<std::pair<int, std::string>>> group_paid;
  std::vector<std::string> group_left;
};

constexpr double kEpsilon = 0x1p-52;

// `x` rounded to `places` decimals when every value within `error` of it rounds the same way;
// otherwise nothing, and the caller recomputes exactly.
std::optional<std::string> FormatCertain(double x, double error, int places) {
  const double scale = std::pow(10.0, places);
  error += std::fabs(x) * 8 * kEpsilon;
  const double low = std::floor(std::max(0.0, x - error) * scale + 0.5);
  const double high = std::floor(std::max(0.0, x + error) * scale + 0.5);
  if (low != high || high > 9e15) return std::nullopt;
  std::string digits = std::to_string(static_cast<int64_t>(high));
  if (places > 0) {
    const auto p = static_cast<std::size_t>(places);
    if (digits.size() <= p) digits.insert(0, p + 1 - digits.size(), '0');
    digits.insert(digits.size() - p, ".");
  }
  return digits;
}

class EqualShares final {
 public:
  EqualShares(const BudgetInstance& instance, const BudgetAmounts& amounts,
              const MesOptions& options)
      : instance_(instance), amounts_(amounts), options_(options) {
    const std::size_t m = instance.projects.size();
    buckets_.resize(m);
    supporters_.assign(m, 0);
    unit_ = PowerOfTen(amounts.decimals);
    unit_d_ = unit_.get_d();
    money_places_ = std::max(amounts.decimals, 2);
    for (std::size_t j = 0; j < m; ++j) {
      cost_.push_back(FromInt(amounts.costs[j]));
      cost_d_.push_back(static_cast<double>(amounts.costs[j]));
    }
    const bool scored = instance.vote_type == "cumulative" || instance.vote_type == "scoring";
    const bool ordinal = instance.vote_type == "ordinal";
    const std::vector<int64_t> points =
        ordinal ? OrdinalPoints(instance, options.ordinal_points) : std::vector<int64_t>{};
    std::vector<std::pair<int, int64_t>> ballot;
    for (const Ballot& b : instance.ballots) {
      if (b.multiplicity <= 0) continue;
      voters_ += b.multiplicity;
      ballot.clear();
      const auto add = [&](int project, int64_t utility) {
        if (project < 0 || static_cast<std::size_t>(project) >= m || utility <= 0) return;
        ballot.emplace_back(project, utility);
      };
      if (scored) {
        for (const auto& [project, value] : b.scores) add(project, value);
      } else {
        for (std::size_t rank = 0; rank < b.ranking.group_count(); ++rank) {
          const int64_t utility = !ordinal ? 1 : rank < points.size() ? points[rank] : 0;
          for (int project : b.ranking.group(rank)) add(project, utility);
        }
      }
      const int g = static_cast<int>(group_weight_.size());
      group_weight_.push_back(b.multiplicity);
      group_ballot_.push_back(ballot);
      for (const auto& [project, value] : ballot) {
        const int64_t utility = value;  // a copy: lambdas cannot capture structured bindings
        supporters_[project] += b.multiplicity;
        auto& buckets = buckets_[project];
        auto it = std::find_if(buckets.begin(), buckets.end(),
                               [&](const Bucket& bucket) { return bucket.utility == utility; });
        if (it == buckets.end()) it = buckets.insert(buckets.end(), Bucket{utility, {}});
        it->groups.emplace_back(g, b.multiplicity);
      }
    }
  }

  int64_t voters() const { return voters_; }
  std::size_t groups() const { return group_weight_.size(); }
  const std::vector<std::pair<int, int64_t>>& group_ballot(std::size_t g) const {
    return group_ballot_[g];
  }
  int64_t group_weight(std::size_t g) const { return group_weight_[g]; }
  int64_t supporters(int project) const { return supporters_[project]; }
  // How much work one run is, roughly: supporters to visit per project evaluated.
  std::size_t SupporterGroups() const {
    std::size_t out = 0;
    for (const auto& buckets : buckets_) {
      for (const Bucket& bucket : buckets) out += bucket.groups.size();
    }
    return out;
  }

  // Projects MES can fund at all: they cost something and someone supports them.
  bool Fundable(int project) const {
    return amounts_.costs[project] > 0 && supporters_[project] > 0;
  }

  // Runs MES with `share` per voter: first in floating point with error bounds, and again in
  // exact arithmetic if any decision (or, with `explain`, any rounded amount shown) falls
  // within them. Either way the outcome is the exact one.
  Outcome Run(const mpq_class& share, bool explain) {
    if (options_.floating_filter) {
      if (auto fast = RunFloating(share, explain)) return std::move(*fast);
    }
    return RunExact(share, explain);
  }

  // Runs MES in exact rational arithmetic.
  Outcome RunExact(const mpq_class& share, bool explain) {
    budget_.assign(1, share);
    approx_.assign(1, share.get_d());
    StartRun();
    alive_[0] = sgn(share) > 0;
    Outcome out = StartOutcome(explain);
    std::vector<int> remaining = FundableProjects();
    // rho never falls during a run (budgets only shrink), so the last rho computed for a
    // project bounds it from below and most projects need no recomputation.
    std::vector<double> lower(instance_.projects.size(), 0.0);
    std::vector<bool> dropped(instance_.projects.size(), false);
    for (;;) {
      std::stable_sort(remaining.begin(), remaining.end(),
                       [&](int a, int b) { return lower[a] < lower[b]; });
      std::vector<int> best;
      mpq_class best_rho;
      double best_rho_d = 0;
      for (int j : remaining) {
        if (!best.empty() && lower[j] > best_rho_d && !Near(lower[j], best_rho_d)) break;
        const auto lambda = Lambda(j);
        if (!lambda) {
          dropped[j] = true;  // unaffordable now means unaffordable for the rest of the run
          continue;
        }
        mpq_class rho = *lambda;
        if (options_.utility == MesUtility::kCost) rho /= cost_[j];
        lower[j] = rho.get_d();
        const int order = best.empty() ? -1 : cmp(rho, best_rho);
        if (order < 0) {
          best.assign(1, j);
          best_rho = rho;
          best_rho_d = lower[j];
        } else if (order == 0) {
          best.push_back(j);
        }
      }
      std::erase_if(remaining, [&](int j) { return dropped[j]; });
      if (best.empty()) break;
      Selection selection = Select(best);
      const mpq_class lambda = *Lambda(selection.project);
      if (explain) {
        selection.rho = FormatRational(
            options_.utility == MesUtility::kCost ? best_rho : best_rho / mpq_class(unit_), 10);
        selection.lambda = Money(lambda);
      }
      ChargeExact(selection, lambda, explain, out);
      std::erase(remaining, selection.project);
      Finish(selection, out);
    }
    if (!out.group_paid.empty()) {
      for (std::size_t g = 0; g < group_weight_.size(); ++g) {
        out.group_left.push_back(Money(budget_[class_of_[g]]));
      }
    }
    return out;
  }

 private:
  std::string Money(const mpq_class& units) const {
    return FormatRational(units / mpq_class(unit_), money_places_);
  }

  void StartRun() {
    alive_.assign(1, 1);
    class_weight_.assign(1, voters_);
    class_of_.assign(group_weight_.size(), 0);
  }

  Outcome StartOutcome(bool explain) const {
    Outcome out;
    out.selected.assign(instance_.projects.size(), false);
    if (explain && options_.explain_voter_groups) out.group_paid.assign(group_weight_.size(), {});
    return out;
  }

  std::vector<int> FundableProjects() const {
    std::vector<int> out;
    for (int j = 0; j < static_cast<int>(instance_.projects.size()); ++j) {
      if (Fundable(j)) out.push_back(j);
    }
    return out;
  }

  Selection Select(std::vector<int> best) const {
    Selection selection;
    std::sort(best.begin(), best.end());
    if (best.size() > 1) selection.tied = best;
    selection.project = BreakTie(best, selection.unresolved);
    return selection;
  }

  void Finish(Selection& selection, Outcome& out) const {
    // Largest payment first; the texts have the same number of decimals.
    std::sort(selection.payments.begin(), selection.payments.end(),
              [](const auto& a, const auto& b) {
                if (a.first.size() != b.first.size()) return a.first.size() > b.first.size();
                return a.first > b.first;
              });
    out.selected[selection.project] = true;
    out.cost += amounts_.costs[selection.project];
    out.selections.push_back(std::move(selection));
  }

  // Collects the supporters of `project` with money left into entries_, one per budget
  // class and utility, and returns their weight.
  int64_t Gather(int project) {
    entries_.clear();
    if (scratch_.size() < alive_.size()) scratch_.resize(alive_.size(), 0);
    int64_t weight = 0;
    const auto& buckets = buckets_[project];
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      for (const auto& [g, w] : buckets[b].groups) {
        const int k = class_of_[g];
        if (!alive_[k]) continue;
        if (scratch_[k] == 0) touched_.push_back(k);
        scratch_[k] += w;
      }
      for (int k : touched_) {
        entries_.push_back(Entry{k, static_cast<int>(b), scratch_[k], buckets[b].utility});
        weight += scratch_[k];
        scratch_[k] = 0;
      }
      touched_.clear();
    }
    return weight;
  }

  bool BudgetLess(const Entry& a, const Entry& b) const {
    if (a.cls == b.cls && a.utility == b.utility) return false;
    const double x = approx_[a.cls] / static_cast<double>(a.utility);
    const double y = approx_[b.cls] / static_cast<double>(b.utility);
    if (!Near(x, y)) return x < y;
    if (a.utility == b.utility) return budget_[a.cls] < budget_[b.cls];
    return budget_[a.cls] * FromInt(b.utility) < budget_[b.cls] * FromInt(a.utility);
  }

  // The smallest lambda with sum over supporters of min(budget, lambda * utility) = cost,
  // or nothing if the supporters cannot pay the cost. Leaves the supporters in entries_,
  // poorest (per unit of utility) first.
  std::optional<mpq_class> Lambda(int project) {
    Gather(project);
    std::sort(entries_.begin(), entries_.end(),
              [this](const Entry& a, const Entry& b) { return BudgetLess(a, b); });
    int64_t denominator = 0;
    for (const Entry& e : entries_) denominator += e.weight * e.utility;
    mpq_class paid = 0;
    mpq_class lambda;
    for (const Entry& e : entries_) {
      lambda = (cost_[project] - paid) / FromInt(denominator);
      if (budget_[e.cls] >= lambda * FromInt(e.utility)) return lambda;
      paid += budget_[e.cls] * FromInt(e.weight);
      denominator -= e.weight * e.utility;
    }
    return std::nullopt;
  }

  int BreakTie(std::vector<int> tied, bool& unresolved) const {
    for (MesTieBreak rule : options_.tie_breaks) {
      if (rule == MesTieBreak::kLexicographic) {
        const int first = *std::min_element(tied.begin(), tied.end(), [&](int a, int b) {
          return instance_.projects[a].id < instance_.projects[b].id;
        });
        tied.assign(1, first);
        continue;
      }
      const auto key = [&](int j) -> int64_t {
        if (rule == MesTieBreak::kMaxVotes) return -supporters_[j];
        if (rule == MesTieBreak::kMinCost) return amounts_.costs[j];
        return -amounts_.costs[j];
      };
      const int64_t best = key(*std::min_element(tied.begin(), tied.end(),
                                                 [&](int a, int b) { return key(a) < key(b); }));
      std::erase_if(tied, [&](int j) { return key(j) != best; });
    }
    unresolved = tied.size() > 1;
    return tied.front();  // file order decides what the list leaves
  }

  // Gives the class of each entry (supporters of one utility in one budget class) its new
  // budget: in place when the whole class paid, else as a new class. Returns its index.
  int Reclass(const Entry& e) {
    if (e.weight == class_weight_[e.cls]) return e.cls;
    const int target = static_cast<int>(alive_.size());
    alive_.push_back(0);
    class_weight_.push_back(e.weight);
    class_weight_[e.cls] -= e.weight;
    return target;
  }

  // Moves the supporters' groups to their entries' new classes (entry_target_), and records
  // what each paid (entry_paid_) when explaining.
  void MoveGroups(int project, Outcome& out) {
    if (remap_.size() < alive_.size()) remap_.resize(alive_.size(), -1);
    const auto& buckets = buckets_[project];
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      const int bucket = static_cast<int>(b);
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].bucket == bucket) remap_[entries_[i].cls] = static_cast<int>(i);
      }
      for (const auto& [g, w] : buckets[b].groups) {
        const int index = remap_[class_of_[g]];
        if (index < 0) continue;  // a class that had nothing left to pay
        class_of_[g] = entry_target_[index];
        if (!out.group_paid.empty()) out.group_paid[g].emplace_back(project, entry_paid_[index]);
      }
      for (const Entry& e : entries_) {
        if (e.bucket == bucket) remap_[e.cls] = -1;
      }
    }
  }

  static void AddPayment(Selection& selection, const std::string& amount, int64_t voters) {
    for (auto& [text, count] : selection.payments) {
      if (text == amount) {
        count += voters;
        return;
      }
    }
    selection.payments.emplace_back(amount, voters);
  }

  // Charges the supporters of the selected project (entries_ as Lambda left them).
  void ChargeExact(Selection& selection, const mpq_class& lambda, bool explain, Outcome& out) {
    entry_target_.resize(entries_.size());
    entry_paid_.resize(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      mpq_class pay = lambda * FromInt(e.utility);
      mpq_class left = 0;
      if (budget_[e.cls] > pay) {
        left = budget_[e.cls] - pay;
      } else {
        pay = budget_[e.cls];
      }
      const int target = Reclass(e);
      if (budget_.size() < alive_.size()) {
        budget_.resize(alive_.size());
        approx_.resize(alive_.size());
      }
      approx_[target] = left.get_d();
      alive_[target] = sgn(left) > 0;
      budget_[target] = std::move(left);
      entry_target_[i] = target;
      if (explain) {
        entry_paid_[i] = Money(pay);
        AddPayment(selection, entry_paid_[i], e.weight);
      }
    }
    MoveGroups(selection.project, out);
  }

  // --- The floating-point run. Every class budget is within error_ of its exact value. ---

  enum class Verdict { kAffordable, kUnaffordable, kTooClose };

  // Lambda in floating point, with a bound on its error; kTooClose when the bound does not
  // decide affordability.
  Verdict LambdaFloating(int project, double& lambda, double& error) {
    const int64_t weight = Gather(project);
    const double cost = cost_d_[project];
    const double k = static_cast<double>(entries_.size()) + 2;
    double money = 0;
    double total = 0;  // sum of weight * utility
    for (const Entry& e : entries_) {
      money += static_cast<double>(e.weight) * money_[e.cls];
      total += static_cast<double>(e.weight) * static_cast<double>(e.utility);
    }
    // How far the supporters' money may be from the exact sum: each class's error, and
    // rounding in the sum.
    const double spread = static_cast<double>(weight) * error_ + 4 * k * kEpsilon * (money + cost);
    if (money < cost - spread) return Verdict::kUnaffordable;
    if (money <= cost + spread) return Verdict::kTooClose;
    // Water-filling instead of sorting: lambda only rises as supporters turn out too poor to
    // pay it, and it stops where no more do. This is the same lambda as the sorted scan.
    double paid = 0;
    double poor = 0;  // the weight of supporters who pay all they have
    double denominator = total;
    lambda = cost / total;
    for (;;) {
      paid = 0;
      poor = 0;
      denominator = total;
      for (const Entry& e : entries_) {
        const double u = static_cast<double>(e.utility);
        if (money_[e.cls] < lambda * u) {
          paid += static_cast<double>(e.weight) * money_[e.cls];
          poor += static_cast<double>(e.weight);
          denominator -= static_cast<double>(e.weight) * u;
        }
      }
      if (denominator <= 0) return Verdict::kTooClose;
      const double next = (cost - paid) / denominator;
      if (next <= lambda) break;
      lambda = next;
    }
    // Only what the poor pay depends on budgets, so budget errors move the sum of
    // min(b, lambda u) by at most poor * error_. The sum rises at least `denominator` per unit
    // of lambda up to the next supporter who would become poor; the check below keeps the
    // bound short of that point.
    error =
        (poor * error_ + 4 * k * kEpsilon * (paid + cost)) / denominator + 4 * kEpsilon * lambda;
    for (const Entry& e : entries_) {
      const double u = static_cast<double>(e.utility);
      const double b = money_[e.cls];
      if (b >= lambda * u && lambda + error >= (b - error_) / u * (1 - 4 * kEpsilon)) {
        return Verdict::kTooClose;
      }
      // And the poor must be poor beyond doubt too, or the set of payers is uncertain.
      if (b < lambda * u && (b + error_) / u * (1 + 4 * kEpsilon) >= lambda - error) {
        return Verdict::kTooClose;
      }
    }
    return Verdict::kAffordable;
  }

  std::optional<Outcome> RunFloating(const mpq_class& share, bool explain) {
    const double start = share.get_d();
    money_.assign(1, start);
    share_ = std::fabs(start);
    error_ = share_ * kEpsilon;
    StartRun();
    if (explain) StartHistory(share);
    alive_[0] = start > 0;
    Outcome out = StartOutcome(explain);
    std::vector<int> remaining = FundableProjects();
    const std::size_t m = instance_.projects.size();
    std::vector<double> lower(m, -1.0);  // a certain lower bound of each project's rho
    std::vector<double> rho(m, 0.0);
    std::vector<double> rho_error(m, 0.0);
    std::vector<bool> dropped(m, false);
    const bool cost_utility = options_.utility == MesUtility::kCost;
    for (;;) {
      std::stable_sort(remaining.begin(), remaining.end(),
                       [&](int a, int b) { return lower[a] < lower[b]; });
      int best = -1;
      double best_lambda = 0;
      double best_error = 0;
      std::vector<int> evaluated;
      for (int j : remaining) {
        if (best >= 0 && lower[j] > rho[best] + rho_error[best]) break;
        double lambda = 0;
        double error = 0;
        const Verdict verdict = LambdaFloating(j, lambda, error);
        if (verdict == Verdict::kTooClose) return std::nullopt;
        if (verdict == Verdict::kUnaffordable) {
          dropped[j] = true;
          continue;
        }
        rho[j] = cost_utility ? lambda / cost_d_[j] : lambda;
        rho_error[j] = cost_utility ? error / cost_d_[j] + 2 * kEpsilon * rho[j] : error;
        lower[j] = rho[j] - rho_error[j];
        evaluated.push_back(j);
        if (best < 0 || rho[j] < rho[best]) {
          best = j;
          best_lambda = lambda;
          best_error = error;
          std::swap(entries_, best_entries_);  // keep the best's supporters for the charge
        }
      }
      std::erase_if(remaining, [&](int j) { return dropped[j]; });
      if (best < 0) break;
      // A rival whose rho may equal the best's needs the exact count (ties included).
      for (int j : evaluated) {
        if (j != best && lower[j] <= rho[best] + rho_error[best]) return std::nullopt;
      }
      Selection selection = Select({best});
      std::swap(entries_, best_entries_);
      const double lambda = best_lambda;
      const double error = best_error;
      if (explain) RecordCharge(best, lambda);
      if (explain) {
        // A text the error bound leaves in doubt (a value at or next to a rounding
        // midpoint) is computed exactly from the run's history.
        const auto rho_text =
            FormatCertain(cost_utility ? rho[best] : rho[best] / unit_d_,
                          cost_utility ? rho_error[best] : rho_error[best] / unit_d_, 10);
        const auto lambda_text = FormatCertain(lambda / unit_d_, error / unit_d_, money_places_);
        const int charge = static_cast<int>(charges_.size()) - 1;
        selection.rho =
            rho_text ? *rho_text
                     : FormatRational(cost_utility ? mpq_class(ExactLambda(charge) / cost_[best])
                                                   : mpq_class(ExactLambda(charge) / unit_),
                                      10);
        selection.lambda = lambda_text ? *lambda_text : Money(ExactLambda(charge));
      }
      ChargeFloating(selection, lambda, error, explain, out);
      std::erase(remaining, best);
      Finish(selection, out);
    }
    if (!out.group_paid.empty()) {
      for (std::size_t g = 0; g < group_weight_.size(); ++g) {
        const int k = class_of_[g];
        const auto left = FormatCertain(money_[k] / unit_d_, error_ / unit_d_, money_places_);
        out.group_left.push_back(left ? *left : Money(ExactBudget(class_version_[k])));
      }
    }
    return out;
  }

  void ChargeFloating(Selection& selection, double lambda, double error, bool explain,
                      Outcome& out) {
    entry_target_.resize(entries_.size());
    entry_paid_.resize(entries_.size());
    double max_utility = 0;
    for (const Entry& e : entries_) {
      max_utility = std::max(max_utility, static_cast<double>(e.utility));
    }
    // A payment min(b, lambda u) is off by at most the budget's error plus u times lambda's.
    const double pay_error = error_ + max_utility * error + 4 * kEpsilon * share_;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      const double budget = money_[e.cls];
      const double pay = std::min(budget, lambda * static_cast<double>(e.utility));
      const double left = std::max(0.0, budget - pay);
      const int before = explain ? class_version_[e.cls] : 0;
      const int target = Reclass(e);
      if (money_.size() < alive_.size()) money_.resize(alive_.size());
      money_[target] = left;
      alive_[target] = left > 0;
      entry_target_[i] = target;
      if (explain) {
        // LambdaFloating made sure who pays everything is beyond doubt.
        const bool poor = budget < lambda * static_cast<double>(e.utility);
        if (class_version_.size() < alive_.size()) class_version_.resize(alive_.size());
        class_version_[target] = static_cast<int>(versions_.size());
        versions_.push_back(
            Version{before, static_cast<int>(charges_.size()) - 1, e.utility, poor});
        const auto text = FormatCertain(pay / unit_d_, pay_error / unit_d_, money_places_);
        entry_paid_[i] = text ? *text
                              : Money(poor ? mpq_class(ExactBudget(before))
                                           : mpq_class(ExactLambda(versions_.back().charge) *
                                                       FromInt(e.utility)));
        AddPayment(selection, entry_paid_[i], e.weight);
      }
    }
    error_ = pay_error;
    MoveGroups(selection.project, out);
  }

  // --- What the floating run did, to compute any amount exactly on demand. ---
  // Every class budget is a version: the starting share, or an older version after one
  // charge (minus lambda * utility, or nothing left for those who paid all they had). A
  // charge's exact lambda is (cost - what the poor paid) / (weight * utility of the rest).

  struct Version final {
    int parent = 0;
    int charge = -1;  // -1: the starting share
    int64_t utility = 0;
    bool poor = false;
  };
  struct Charge final {
    int project = 0;
    mpz_class rich;                             // sum of weight * utility of those not poor
    std::vector<std::pair<int, int64_t>> poor;  // version and weight of those who paid all
  };

  void StartHistory(const mpq_class& share) {
    versions_.assign(1, Version{});
    class_version_.assign(1, 0);
    charges_.clear();
    exact_budget_.assign(1, share);
    exact_lambda_.clear();
  }

  // Called with entries_ holding the supporters of `project` before they pay.
  void RecordCharge(int project, double lambda) {
    Charge charge;
    charge.project = project;
    __int128 rich = 0;
    for (const Entry& e : entries_) {
      if (money_[e.cls] < lambda * static_cast<double>(e.utility)) {
        charge.poor.emplace_back(class_version_[e.cls], e.weight);
      } else {
        rich += static_cast<__int128>(e.weight) * e.utility;
      }
    }
    // Two 64-bit halves: GMP has no 128-bit constructor.
    const auto high = static_cast<uint64_t>(rich >> 64);
    const auto low = static_cast<uint64_t>(rich);
    charge.rich = mpz_class(static_cast<unsigned long>(high));
    charge.rich <<= 64;
    charge.rich += mpz_class(static_cast<unsigned long>(low));
    charges_.push_back(std::move(charge));
  }

  const mpq_class& ExactLambda(int c) {
    if (exact_lambda_.size() <= static_cast<std::size_t>(c)) exact_lambda_.resize(c + 1);
    if (!exact_lambda_[c]) {
      const Charge& charge = charges_[c];
      mpq_class paid = 0;
      for (const auto& [version, weight] : charge.poor) {
        paid += ExactBudget(version) * FromInt(weight);
      }
      exact_lambda_[c] = (cost_[charge.project] - paid) / mpq_class(charge.rich);
    }
    return *exact_lambda_[c];
  }

  const mpq_class& ExactBudget(int v) {
    if (exact_budget_.size() <= static_cast<std::size_t>(v)) exact_budget_.resize(v + 1);
    if (!exact_budget_[v]) {
      const Version version = versions_[v];
      if (version.poor) {
        exact_budget_[v] = mpq_class(0);
      } else {
        mpq_class left = ExactBudget(version.parent);
        left -= ExactLambda(version.charge) * FromInt(version.utility);
        exact_budget_[v] = std::move(left);
      }
    }
    return *exact_budget_[v];
  }

  const BudgetInstance& instance_;
  const BudgetAmounts& amounts_;
  const MesOptions& options_;
  mpz_class unit_;  // one currency unit, in amount units
  double unit_d_ = 1;
  int money_places_ = 2;
  int64_t voters_ = 0;
  std::vector<int64_t> group_weight_;
  std::vector<std::vector<std::pair<int, int64_t>>> group_ballot_;
  std::vector<std::vector<Bucket>> buckets_;  // by project
  std::vector<int64_t> supporters_;           // by project, in voters
  std::vector<mpq_class> cost_;
  std::vector<double> cost_d_;

  // The state of a run: classes of voters with equal budgets, and each group's class.
  std::vector<uint8_t> alive_;  // budget above zero
  std::vector<int64_t> class_weight_;
  std::vector<int> class_of_;
  std::vector<mpq_class> budget_;  // exact run
  std::vector<double> approx_;     // exact run: budget_ as doubles, to sort quickly
  std::vector<double> money_;      // floating run
  double error_ = 0;               // floating run: bound on |money_ - exact budget|
  double share_ = 0;               // floating run: the starting share, a bound on budgets
  // Floating run with explain: the history behind every budget, and exact values computed
  // from it so far.
  std::vector<Version> versions_;
  std::vector<int> class_version_;  // by class
  std::vector<Charge> charges_;
  std::vector<std::optional<mpq_class>> exact_budget_;  // by version
  std::vector<std::optional<mpq_class>> exact_lambda_;  // by charge

  // Scratch space, kept between calls to avoid allocations.
  std::vector<int64_t> scratch_;
  std::vector<int> touched_;
  std::vector<Entry> entries_;
  std::vector<Entry> best_entries_;
  std::vector<int> entry_target_;
  std::vector<std::string> entry_paid_;
  std::vector<int> remap_;
};

}  // namespace

std::variant<Result, ParseError> CountEqualShares(const BudgetInstance& instance,
                                                  const MesOptions& options) {
  auto amounts_or = ExactAmounts(instance);
  if (auto* error = std::get_if<ParseError>(&amounts_or)) return *error;
  const BudgetAmounts& amounts = std::get<BudgetAmounts>(amounts_or);
  if (options.add1_increment <= 0 || options.add1_increment > 1'000'000'000) {
    return ParseError{"", 0,
                      "The Add1 increment must be a positive whole number of currency units."};
  }
  for (int64_t points : options.ordinal_points) {
    if (points < 0 || points > 1'000'000) {
      return ParseError{"", 0, "Ordinal points must be between 0 and 1,000,000."};
    }
  }

  EqualShares mes(instance, amounts, options);
  const int64_t n = mes.voters();
  const int decimals = amounts.decimals;
  const int money_places = std::max(decimals, 2);
  const mpz_class unit = PowerOfTen(decimals);  // one currency unit, in amount units
  const mpq_class budget = FromInt(amounts.budget);
  const auto money = [&](const mpq_class& units) {
    return FormatRational(units / mpq_class(unit), money_places);
  };
  const std::size_t m = instance.projects.size();

  Result result;
  result.method = "equal shares";
  nlohmann::json explanation = {
      {"rule", "equal shares"},
      {"utility", options.utility == MesUtility::kCost ? "cost" : "cardinality"},
      {"completion", options.completion == MesCompletion::kNone   ? "none"
                     : options.completion == MesCompletion::kAdd1 ? "add1"
                                                                  : "add1u"},
      {"voters", n},
      {"budget", FormatAmount(amounts.budget, decimals)},
  };
  nlohmann::json tie_breaks = nlohmann::json::array();
  for (MesTieBreak rule : options.tie_breaks) tie_breaks.push_back(TieBreakName(rule));
  explanation["tie_breaks"] = tie_breaks;

  if (n == 0) {
    explanation["note"] = "No ballots: nothing is funded.";
    result.explanation = std::move(explanation);
    result.seats = 0;
    return result;
  }

  __int128 total_cost = 0;
  for (int64_t cost : amounts.costs) total_cost += cost;
  const bool add1 = options.completion != MesCompletion::kNone;
  mpq_class share = budget / FromInt(n);
  Outcome outcome;
  if (!add1 || total_cost <= amounts.budget) {
    if (add1) {
      explanation["add1"] = {{"skipped",
                              "Every project fits in the budget, so MES runs once "
                              "with B/n per voter."}};
    }
    outcome = mes.Run(share, false);
  } else {
    if (options.add1_integral_start) {
      mpz_class whole = budget.get_num() / (unit * n);
      share = mpq_class(whole * unit);
    }
    const mpq_class start = share;
    outcome = mes.Run(share, false);
    const mpq_class step = mpq_class(unit * options.add1_increment);
    // On big elections a second thread runs the step after next at the same time, on its
    // own copy of the state; if the count stops before, that outcome is thrown away. Both
    // runs are deterministic, so the result is the same with or without it.
    std::optional<EqualShares> spare;
    std::optional<Outcome> ahead;  // the outcome one step beyond the next, when computed
    if (std::thread::hardware_concurrency() > 1 && mes.SupporterGroups() >= 50'000) {
      spare.emplace(mes);
    }
    int64_t steps = 0;
    std::string stopped;
    for (;;) {
      if (options.add1_exhaustive_stop) {
        bool exhaustive = true;
        for (std::size_t j = 0; j < m && exhaustive; ++j) {
          if (!outcome.selected[j] && outcome.cost + amounts.costs[j] <= amounts.budget) {
            exhaustive = false;
          }
        }
        if (exhaustive) {
          stopped = "The outcome is exhaustive: no unfunded project fits in what is left.";
          break;
        }
      }
      bool everything = true;
      for (std::size_t j = 0; j < m && everything; ++j) {
        if (mes.Fundable(static_cast<int>(j)) && !outcome.selected[j]) everything = false;
      }
      if (everything) {
        stopped = "Every project with supporters and a cost is funded.";
        break;
      }
      const mpq_class next_share = share + step;
      Outcome next;
      if (ahead) {
        next = std::move(*ahead);
        ahead.reset();
      } else if (spare) {
        auto later = std::async(std::launch::async, [&spare, s = mpq_class(next_share + step)] {
          return spare->Run(s, false);
        });
        next = mes.Run(next_share, false);
        ahead = later.get();
      } else {
        next = mes.Run(next_share, false);
      }
      if (next.cost > amounts.budget) {
        stopped = "With " + money(next_share) + " per voter the outcome would cost " +
                  money(FromInt(static_cast<int64_t>(next.cost))) + ", more than the budget.";
        break;
      }
      share = next_share;
      outcome = std::move(next);
      ++steps;
    }
    explanation["add1"] = {{"exhaustive_stop", options.add1_exhaustive_stop},
                           {"integral_start", options.add1_integral_start},
                           {"increment", std::to_string(options.add1_increment)},
                           {"start_share", money(start)},
                           {"steps", steps},
                           {"stopped", stopped}};
  }
  // The last run again, recording what every voter paid.
  outcome = mes.Run(share, true);
  explanation["share"] = money(share);

  nlohmann::json rounds = nlohmann::json::array();
  nlohmann::json unresolved = nlohmann::json::array();
  for (const Selection& s : outcome.selections) {
    const Project& project = instance.projects[s.project];
    nlohmann::json round = {{"project", project.id},
                            {"cost", project.cost},
                            {"supporters", mes.supporters(s.project)},
                            {"rho", s.rho},
                            {"payment_per_utility", s.lambda}};
    nlohmann::json payments = nlohmann::json::array();
    for (const auto& [amount, voters] : s.payments) {
      payments.push_back({{"amount", amount}, {"voters", voters}});
    }
    round["payments"] = std::move(payments);
    if (!s.tied.empty()) {
      nlohmann::json tied = nlohmann::json::array();
      for (int j : s.tied) tied.push_back(instance.projects[j].id);
      round["tied"] = tied;
      if (s.unresolved) {
        const std::string note = "Projects " + tied.dump() +
                                 " tied at equal rho after the tie-break list; " + project.id +
                                 ", first in the file, was funded. (The equalshares.net tool "
                                 "stops with an error here; add a tie-break.)";
        round["tie"] = note;
        unresolved.push_back(note);
      } else {
        round["tie"] = "Tie decided by the tie-break list.";
      }
    }
    rounds.push_back(std::move(round));
    result.winners.push_back(project.id);
  }
  explanation["rounds"] = std::move(rounds);
  if (!unresolved.empty()) explanation["unresolved_ties"] = std::move(unresolved);

  __int128 used = outcome.cost;
  if (options.completion == MesCompletion::kAdd1Utilitarian) {
    const std::vector<int64_t> scores = ProjectScores(instance, options.ordinal_points);
    nlohmann::json added = nlohmann::json::array();
    for (int j : GreedyOrder(scores, amounts.costs, GreedyTieBreak::kFileOrder)) {
      if (outcome.selected[j] || scores[j] <= 0) continue;
      if (used + amounts.costs[j] > amounts.budget) continue;
      used += amounts.costs[j];
      outcome.selected[j] = true;
      result.winners.push_back(instance.projects[j].id);
      added.push_back(instance.projects[j].id);
    }
    explanation["completion_added"] = std::move(added);
    explanation["completion_rule"] =
        "Unfunded projects with a positive score, by score (ties: file order), each if it "
        "fits in what is left.";
  }
  explanation["used"] = FormatAmount(static_cast<int64_t>(used), decimals);
  explanation["left"] = FormatAmount(static_cast<int64_t>(amounts.budget - used), decimals);

  if (options.explain_voter_groups) {
    nlohmann::json groups = nlohmann::json::array();
    for (std::size_t g = 0; g < mes.groups(); ++g) {
      nlohmann::json projects = nlohmann::json::array();
      for (const auto& [project, utility] : mes.group_ballot(g)) {
        projects.push_back(instance.projects[project].id);
      }
      nlohmann::json paid = nlohmann::json::object();
      for (const auto& [project, amount] : outcome.group_paid[g]) {
        paid[instance.projects[project].id] = amount;
      }
      groups.push_back({{"projects", std::move(projects)},
                        {"voters", mes.group_weight(g)},
                        {"paid", std::move(paid)},
                        {"left", outcome.group_left[g]}});
    }
    explanation["voter_groups"] = std::move(groups);
  }
  result.seats = static_cast<int>(result.winners.size());
  result.explanation = std::move(explanation);
  return result;
}

}  // namespace coproduce::tally
