#include "tally/equal_shares.hpp"

#include <gmpxx.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <future>
#include <iterator>
#include <limits>
#include <optional>
#include <thread>

#include "tally/budgeting.hpp"
#include "tally/internal/lane_kernels.hpp"

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
  std::vector<int32_t> groups;
  std::vector<int64_t> weights;  // of the groups; empty when every group is one voter
  int64_t total = 0;             // voters
};

// Supporters of a project with the same budget class and utility, as the rho search sees them.
// The floating run copies the class's budget and its error bound here to read them in order.
struct Entry final {
  int cls = 0;
  int bucket = 0;
  int64_t weight = 0;
  int64_t utility = 0;
  double money = 0;
  double error = 0;
};

// A class of voters with equal budgets.
struct alignas(32) ClassState final {
  double money = 0;  // floating run: the budget
  double error = 0;  // floating run: a bound on |money - exact budget|
  int64_t weight = 0;
  bool alive = false;  // budget above zero
};

// A run looks up the class of every supporter of every project it evaluates, so what that
// needs of a class (is it alive, has it an entry yet) is a small int in its own array, which
// stays in cache where the classes do not: kDead, kUnmarked, or an index (an entry's, or a
// target class's while groups move).
constexpr int32_t kDead = -2;
constexpr int32_t kUnmarked = -1;

// One funded project of a run. The texts are filled when the run explains itself.
struct Selection final {
  int project = 0;
  std::vector<int> tied;
  bool unresolved = false;
  std::string rho;
  std::string lambda;                                     // payment per unit of base utility
  std::vector<std::pair<std::string, int64_t>> payments;  // amount per voter, voters
};

// One payment in a class's history: what its voters paid for `project`, after `parent`.
struct Payment final {
  int parent = -1;  // -1: none before
  int project = 0;
  int text = 0;  // in Outcome::texts
};

// Voters of one class share their whole history, so the explanation of each voter group is
// kept per class: its last payment (a chain back through the earlier ones) and what is left.
struct Outcome final {
  std::vector<Selection> selections;
  std::vector<bool> selected;  // by project
  __int128 cost = 0;
  // With explain_voter_groups, filled by the explained run: payments, amounts as texts, and
  // per group the index of its last payment (-1: none) and of the text of what it has left.
  bool explain_groups = false;
  std::vector<Payment> payments;
  std::vector<std::string> texts;
  std::vector<int> group_last;
  std::vector<int> group_left;
};

constexpr double kEpsilon = 0x1p-52;

// `x` rounded to `places` decimals when every value within `error` of it rounds the same way;
// otherwise nothing, and the caller recomputes exactly.
std::optional<std::string> FormatCertain(double x, double error, int places) {
  static constexpr std::array<double, 19> kScale = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                                    1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                                    1e14, 1e15, 1e16, 1e17, 1e18};
  const double scale = places >= 0 && places < 19 ? kScale[places] : std::pow(10.0, places);
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

using internal::ChooseLaneKernels;
using internal::kInfinity;
using internal::kLanes;
using internal::kLine;
using internal::LaneKernels;
using internal::LaneSums;
using internal::Line;

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
        if (it == buckets.end()) it = buckets.insert(buckets.end(), Bucket{utility, {}, {}});
        it->groups.push_back(static_cast<int32_t>(g));
        it->weights.push_back(b.multiplicity);
        it->total += b.multiplicity;
      }
    }
    weight_all_.assign(m, 0.0);
    for (std::size_t j = 0; j < m; ++j) {
      for (Bucket& bucket : buckets_[j]) {
        if (std::all_of(bucket.weights.begin(), bucket.weights.end(),
                        [](int64_t w) { return w == 1; })) {
          bucket.weights = {};
        }
        weight_all_[j] += static_cast<double>(bucket.total) * static_cast<double>(bucket.utility);
      }
    }
    kernels_ = ChooseLaneKernels(options.max_vector_width);
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

  // How many Add1 steps RunSteps counts at once.
  static int Steps() { return kLanes; }

  // MES without explanation for `first` and the next Steps() - 1 shares after it, `step`
  // apart, in lanes. Nothing for a share whose lane was left in doubt: the caller counts that
  // one with Run if it needs it.
  std::vector<std::optional<Outcome>> RunSteps(const mpq_class& first, const mpq_class& step) {
    std::array<mpq_class, kLanes> shares;
    shares[0] = first;
    for (std::size_t k = 1; k < shares.size(); ++k) shares[k] = shares[k - 1] + step;
    if (!options_.floating_filter) return std::vector<std::optional<Outcome>>(kLanes);
    return RunLanes(shares);
  }

  // Runs MES in exact rational arithmetic.
  Outcome RunExact(const mpq_class& share, bool explain) {
    budget_.assign(1, share);
    approx_.assign(1, share.get_d());
    StartRun();
    SetAlive(0, sgn(share) > 0);
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
    FinishGroups(out, [&](int k) { return Money(budget_[k]); });
    return out;
  }

 private:
  std::string Money(const mpq_class& units) const {
    return FormatRational(units / mpq_class(unit_), money_places_);
  }

  void StartRun() {
    // A class never empties (a charge takes a whole class in place, or splits off a part and
    // leaves the rest), so there are at most as many classes as groups.
    state_.reserve(group_weight_.size() + 1);
    mark_.reserve(group_weight_.size() + 1);
    state_.assign(1, ClassState{});
    mark_.assign(1, kUnmarked);
    state_[0].weight = voters_;
    state_[0].alive = true;
    class_of_.assign(group_weight_.size(), 0);
    class_last_.assign(1, -1);
  }

  Outcome StartOutcome(bool explain) const {
    Outcome out;
    out.selected.assign(instance_.projects.size(), false);
    out.explain_groups = explain && options_.explain_voter_groups;
    return out;
  }

  // Records that the voters of entry i paid entry_paid_[i] for `project`; called for every
  // entry before any class is given its new history.
  void RecordPayments(int project, Outcome& out) {
    if (!out.explain_groups) return;
    entry_last_.resize(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      entry_last_[i] = static_cast<int>(out.payments.size());
      out.payments.push_back(
          Payment{class_last_[entries_[i].cls], project, static_cast<int>(out.texts.size())});
      out.texts.push_back(entry_paid_[i]);
    }
    if (class_last_.size() < state_.size()) class_last_.resize(state_.size(), -1);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      class_last_[entry_target_[i]] = entry_last_[i];
    }
  }

  // Gives every group its class's last payment and what the class has left, formatted once
  // per class by `left`.
  template <typename Left>
  void FinishGroups(Outcome& out, Left left) {
    if (!out.explain_groups) return;
    std::vector<int> text(state_.size(), -1);
    out.group_last.resize(group_weight_.size());
    out.group_left.resize(group_weight_.size());
    for (std::size_t g = 0; g < group_weight_.size(); ++g) {
      const int k = class_of_[g];
      if (text[k] < 0) {
        text[k] = static_cast<int>(out.texts.size());
        out.texts.push_back(left(k));
      }
      out.group_last[g] = class_last_[k];
      out.group_left[g] = text[k];
    }
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
    auto& payments = selection.payments;
    std::sort(payments.begin(), payments.end(), [](const auto& a, const auto& b) {
      if (a.first.size() != b.first.size()) return a.first.size() > b.first.size();
      return a.first > b.first;
    });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < payments.size(); ++i) {
      if (kept > 0 && payments[kept - 1].first == payments[i].first) {
        payments[kept - 1].second += payments[i].second;
        continue;
      }
      if (kept != i) payments[kept] = std::move(payments[i]);
      ++kept;
    }
    payments.resize(kept);
    out.selected[selection.project] = true;
    out.cost += amounts_.costs[selection.project];
    out.selections.push_back(std::move(selection));
  }

  // Collects the supporters of `project` with money left into entries_, one per budget
  // class and utility, and returns their weight.
  int64_t Gather(int project) {
    entries_.clear();
    int64_t weight = 0;
    const auto& buckets = buckets_[project];
    if (state_.size() == 1) {
      // Every voter is still in the first class (as in the first round, where every project
      // is evaluated): each bucket is one entry, and its groups need not be visited.
      if (mark_[0] == kDead) return 0;
      for (std::size_t b = 0; b < buckets.size(); ++b) {
        entries_.push_back(Entry{0, static_cast<int>(b), buckets[b].total, buckets[b].utility,
                                 state_[0].money, state_[0].error});
        weight += buckets[b].total;
      }
      return weight;
    }
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      const Bucket& bucket = buckets[b];
      const std::size_t first = entries_.size();
      const auto add = [&](int32_t g, int64_t w) {
        const int k = class_of_[g];
        int32_t& mark = mark_[k];
        if (mark == kDead) return;
        if (mark == kUnmarked) {
          mark = static_cast<int32_t>(entries_.size());
          entries_.push_back(Entry{k, static_cast<int>(b), 0, bucket.utility, 0, 0});
        }
        entries_[mark].weight += w;
      };
      if (bucket.weights.empty()) {
        for (const int32_t g : bucket.groups) add(g, 1);
      } else {
        for (std::size_t i = 0; i < bucket.groups.size(); ++i)
          add(bucket.groups[i], bucket.weights[i]);
      }
      for (std::size_t i = first; i < entries_.size(); ++i) {
        weight += entries_[i].weight;
        mark_[entries_[i].cls] = kUnmarked;
      }
    }
    // Apart from the loop above, where these loads (mostly cache misses) would wait on its
    // branches one by one.
    for (Entry& e : entries_) {
      e.money = state_[e.cls].money;
      e.error = state_[e.cls].error;
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
  void SetAlive(int k, bool alive) {
    state_[k].alive = alive;
    mark_[k] = alive ? kUnmarked : kDead;
  }

  int Reclass(const Entry& e) {
    if (e.weight == state_[e.cls].weight) return e.cls;
    const int target = static_cast<int>(state_.size());
    state_[e.cls].weight -= e.weight;
    state_.push_back(ClassState{});
    mark_.push_back(kDead);
    state_.back().weight = e.weight;
    return target;
  }

  // Moves the supporters' groups to their entries' new classes (entry_target_).
  void MoveGroups(int project) {
    // The classes' entry fields map each old class to its target while a bucket is moved.
    const auto& buckets = buckets_[project];
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      const int bucket = static_cast<int>(b);
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].bucket == bucket) mark_[entries_[i].cls] = entry_target_[i];
      }
      for (const int32_t g : buckets[b].groups) {
        const int target = mark_[class_of_[g]];
        if (target < 0) continue;  // a class that had nothing left to pay
        class_of_[g] = target;
      }
      for (const Entry& e : entries_) {
        if (e.bucket == bucket) mark_[e.cls] = state_[e.cls].alive ? kUnmarked : kDead;
      }
    }
  }

  // Equal amounts are added up in Finish.
  static void AddPayment(Selection& selection, const std::string& amount, int64_t voters) {
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
      if (budget_.size() < state_.size()) {
        budget_.resize(state_.size());
        approx_.resize(state_.size());
      }
      approx_[target] = left.get_d();
      SetAlive(target, sgn(left) > 0);
      budget_[target] = std::move(left);
      entry_target_[i] = target;
      if (explain) {
        entry_paid_[i] = Money(pay);
        AddPayment(selection, entry_paid_[i], e.weight);
      }
    }
    RecordPayments(selection.project, out);
    MoveGroups(selection.project);
  }

  // --- The floating-point run. Each class budget state_[k].money is within .error of its exact
  // value. The bounds are per class: one bound for all would grow by the ratio of poor to rich
  // supporters at every charge, while a class's own error only gathers the errors of the
  // lambdas it paid, and those who pay all they have leave with exactly nothing. ---

  enum class Verdict { kAffordable, kUnaffordable, kTooClose };

  // Lambda in floating point, with a bound on its error; kTooClose when the bound does not
  // decide affordability.
  Verdict LambdaFloating(int project, double& lambda, double& error) {
    Gather(project);
    const double cost = cost_d_[project];
    const double k = static_cast<double>(entries_.size()) + 2;
    double money = 0;
    double total = 0;      // sum of weight * utility
    double deviation = 0;  // sum of weight * error
    for (const Entry& e : entries_) {
      money += static_cast<double>(e.weight) * e.money;
      total += static_cast<double>(e.weight) * static_cast<double>(e.utility);
      deviation += static_cast<double>(e.weight) * e.error;
    }
    // How far the supporters' money may be from the exact sum: each class's error (the
    // factor covers rounding in adding them up), and rounding in the sum.
    const double spread = deviation * (1 + k * kEpsilon) + 4 * k * kEpsilon * (money + cost);
    if (money < cost - spread) return Verdict::kUnaffordable;
    if (money <= cost + spread) return Verdict::kTooClose;
    // Water-filling instead of sorting: lambda only rises as supporters turn out too poor to
    // pay it, and it stops where no more do. This is the same lambda as the sorted scan.
    double paid = 0;
    double poor = 0;  // sum of weight * error of supporters who pay all they have
    double denominator = total;
    lambda = cost / total;
    for (;;) {
      paid = 0;
      poor = 0;
      denominator = total;
      for (const Entry& e : entries_) {
        const double u = static_cast<double>(e.utility);
        if (e.money < lambda * u) {
          paid += static_cast<double>(e.weight) * e.money;
          poor += static_cast<double>(e.weight) * e.error;
          denominator -= static_cast<double>(e.weight) * u;
        }
      }
      if (denominator <= 0) return Verdict::kTooClose;
      const double next = (cost - paid) / denominator;
      if (next <= lambda) break;
      lambda = next;
    }
    // Only what the poor pay depends on budgets, so budget errors move the sum of
    // min(b, lambda u) by at most `poor`. The sum rises at least `denominator` per unit of
    // lambda up to the next supporter who would become poor; the check below keeps the bound
    // short of that point.
    error = (poor * (1 + k * kEpsilon) + 4 * k * kEpsilon * (paid + cost)) / denominator +
            4 * kEpsilon * lambda;
    for (const Entry& e : entries_) {
      const double u = static_cast<double>(e.utility);
      const double b = e.money;
      const double b_error = e.error;
      if (b >= lambda * u && lambda + error >= (b - b_error) / u * (1 - 4 * kEpsilon)) {
        return Verdict::kTooClose;
      }
      // And the poor must be poor beyond doubt too, or the set of payers is uncertain.
      if (b < lambda * u && (b + b_error) / u * (1 + 4 * kEpsilon) >= lambda - error) {
        return Verdict::kTooClose;
      }
    }
    return Verdict::kAffordable;
  }

  // What a floating run knows of each project between selections.
  struct Candidates final {
    std::vector<int> remaining;  // fundable, not funded, not found unaffordable
    std::vector<double> lower;   // by project: a certain lower bound of rho
    std::vector<double> rho;     // by project: rho when last evaluated
    std::vector<double> rho_error;
    std::vector<bool> dropped;
    std::vector<int> evaluated;  // in this selection
  };
  struct Pick final {
    int project = -1;  // -1: nothing is affordable
    double lambda = 0;
    double error = 0;
  };

  Candidates StartCandidates() const {
    const std::size_t m = instance_.projects.size();
    return Candidates{FundableProjects(),          std::vector<double>(m, -1.0),
                      std::vector<double>(m, 0.0), std::vector<double>(m, 0.0),
                      std::vector<bool>(m, false), {}};
  }

  // The next project of a floating run: the smallest rho. rho never falls during a run, so
  // projects are evaluated in order of their last rho until none left can beat the best.
  // `evaluate(j, lambda, error)` gives a Verdict; `on_best()` is called when j becomes the
  // best. Nothing when a decision is within the error bounds (ties included): then the
  // caller counts exactly.
  template <typename Evaluate, typename OnBest>
  std::optional<Pick> PickFloating(Candidates& c, Evaluate evaluate, OnBest on_best) const {
    std::stable_sort(c.remaining.begin(), c.remaining.end(),
                     [&](int a, int b) { return c.lower[a] < c.lower[b]; });
    const bool cost_utility = options_.utility == MesUtility::kCost;
    Pick best;
    c.evaluated.clear();
    for (int j : c.remaining) {
      if (best.project >= 0 && c.lower[j] > c.rho[best.project] + c.rho_error[best.project]) {
        break;
      }
      double lambda = 0;
      double error = 0;
      const Verdict verdict = evaluate(j, lambda, error);
      if (verdict == Verdict::kTooClose) return std::nullopt;
      if (verdict == Verdict::kUnaffordable) {
        c.dropped[j] = true;  // unaffordable now means unaffordable for the rest of the run
        continue;
      }
      c.rho[j] = cost_utility ? lambda / cost_d_[j] : lambda;
      c.rho_error[j] = cost_utility ? error / cost_d_[j] + 2 * kEpsilon * c.rho[j] : error;
      c.lower[j] = c.rho[j] - c.rho_error[j];
      c.evaluated.push_back(j);
      if (best.project < 0 || c.rho[j] < c.rho[best.project]) {
        best = Pick{j, lambda, error};
        on_best();
      }
    }
    std::erase_if(c.remaining, [&](int j) { return c.dropped[j]; });
    if (best.project < 0) return best;
    // A rival whose rho may equal the best's needs the exact count.
    for (int j : c.evaluated) {
      if (j != best.project && c.lower[j] <= c.rho[best.project] + c.rho_error[best.project]) {
        return std::nullopt;
      }
    }
    return best;
  }

  std::optional<Outcome> RunFloating(const mpq_class& share, bool explain) {
    const double start = share.get_d();
    share_ = std::fabs(start);
    StartRun();
    if (explain) StartHistory(share);
    state_[0].money = start;
    state_[0].error = share_ * kEpsilon;
    SetAlive(0, start > 0);
    Outcome out = StartOutcome(explain);
    Candidates candidates = StartCandidates();
    const bool cost_utility = options_.utility == MesUtility::kCost;
    std::vector<double>& rho = candidates.rho;
    std::vector<double>& rho_error = candidates.rho_error;
    for (;;) {
      const auto pick = PickFloating(
          candidates,
          [&](int j, double& lambda, double& error) { return LambdaFloating(j, lambda, error); },
          [&] { std::swap(entries_, best_entries_); });  // keep the best's supporters
      if (!pick) return std::nullopt;
      if (pick->project < 0) break;
      const int best = pick->project;
      const double best_lambda = pick->lambda;
      const double best_error = pick->error;
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
      std::erase(candidates.remaining, best);
      Finish(selection, out);
    }
    FinishGroups(out, [&](int k) {
      const auto left =
          FormatCertain(state_[k].money / unit_d_, state_[k].error / unit_d_, money_places_);
      return left ? *left : Money(ExactBudget(class_version_[k]));
    });
    return out;
  }

  void ChargeFloating(Selection& selection, double lambda, double error, bool explain,
                      Outcome& out) {
    entry_target_.resize(entries_.size());
    entry_paid_.resize(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      const double budget = e.money;
      const double pay = std::min(budget, lambda * static_cast<double>(e.utility));
      const double left = std::max(0.0, budget - pay);
      // LambdaFloating made sure who pays everything is beyond doubt: they pay their budget
      // and keep exactly nothing. Otherwise a payment min(b, lambda u) is off by at most the
      // budget's error plus u times lambda's, and so is what is left.
      const bool poor = budget < lambda * static_cast<double>(e.utility);
      const double pay_error =
          e.error + static_cast<double>(e.utility) * error + 4 * kEpsilon * share_;
      const int before = explain ? class_version_[e.cls] : 0;
      const int target = Reclass(e);
      ClassState& state = state_[target];
      state.money = left;
      state.error = poor ? 0.0 : pay_error;
      SetAlive(target, left > 0);
      entry_target_[i] = target;
      if (explain) {
        if (class_version_.size() < state_.size()) class_version_.resize(state_.size());
        class_version_[target] = static_cast<int>(versions_.size());
        versions_.push_back(
            Version{before, static_cast<int>(charges_.size()) - 1, e.utility, poor});
        // Everyone who is not poor pays lambda * u: one text per utility, whose error is
        // lambda's alone (a budget's error only moves what is left).
        const std::string* text = nullptr;
        if (poor) {
          const auto certain = FormatCertain(pay / unit_d_, pay_error / unit_d_, money_places_);
          poor_text_ = certain ? *certain : Money(ExactBudget(before));
          AddPayment(selection, poor_text_, e.weight);
          text = &poor_text_;
        } else {
          auto it = std::find_if(rich_paid_.begin(), rich_paid_.end(),
                                 [&](const RichPayment& r) { return r.utility == e.utility; });
          if (it == rich_paid_.end()) {
            const auto u = static_cast<double>(e.utility);
            const auto certain = FormatCertain(
                pay / unit_d_, (u * error + 4 * kEpsilon * share_) / unit_d_, money_places_);
            it = rich_paid_.insert(
                rich_paid_.end(), RichPayment{e.utility, 0,
                                              certain ? *certain
                                                      : Money(ExactLambda(versions_.back().charge) *
                                                              FromInt(e.utility))});
          }
          it->weight += e.weight;
          text = &it->text;
        }
        if (out.explain_groups) entry_paid_[i] = *text;
      }
    }
    for (const RichPayment& rich : rich_paid_) AddPayment(selection, rich.text, rich.weight);
    rich_paid_.clear();
    RecordPayments(selection.project, out);
    MoveGroups(selection.project);
  }

  // --- The Add1 steps, kLanes at a time (see internal/lane_kernels.hpp). Each lane is one MES
  // run with its own share and makes the decisions that run alone would make, with the same
  // kind of error bounds; a lane in doubt is left to Run. Lanes that fund the same project
  // next are charged together; a lane whose next project differs waits for its turn, so
  // lanes that fund the same projects in a slightly different order keep sharing the work.
  // Only what is funded is kept, so the explained run does not use lanes. ---

  // What a lane knows in the selection it is making.
  struct LaneState final {
    double share = 0;
    bool running = false;
    bool failed = false;   // a decision was in doubt: Run counts this share
    bool decided = false;  // its next project (or none) is known
    Outcome out;
    Candidates c;
    std::vector<double> floor;    // by project: a certain lower bound of lambda
    std::vector<int8_t> verdict;  // by project: a Verdict, or -1: not evaluated this round
    std::vector<double> lambda;   // by project: from that evaluation
    std::vector<double> lambda_error;
    std::size_t cursor = 0;  // in c.remaining, sorted by lower bound
    Pick best;
  };
  static constexpr int8_t kNotEvaluated = -1;

  void StartLaneRound(LaneState& lane) const {
    std::erase_if(lane.c.remaining, [&](int j) { return lane.c.dropped[j]; });
    std::stable_sort(lane.c.remaining.begin(), lane.c.remaining.end(),
                     [&](int a, int b) { return lane.c.lower[a] < lane.c.lower[b]; });
    std::fill(lane.verdict.begin(), lane.verdict.end(), kNotEvaluated);
    lane.c.evaluated.clear();
    lane.cursor = 0;
    lane.best = Pick{};
    lane.decided = false;
  }

  // Walks the lane's candidates in order of lower bound, as PickFloating does, with the
  // evaluations made so far. Returns a project the lane needs evaluated, or -1 once it has
  // decided or failed.
  int WalkLane(LaneState& lane) const {
    Candidates& c = lane.c;
    const bool cost_utility = options_.utility == MesUtility::kCost;
    for (; lane.cursor < c.remaining.size(); ++lane.cursor) {
      const int j = c.remaining[lane.cursor];
      const int b = lane.best.project;
      if (b >= 0 && c.lower[j] > c.rho[b] + c.rho_error[b]) break;
      if (lane.verdict[j] == kNotEvaluated) return j;
      const auto verdict = static_cast<Verdict>(lane.verdict[j]);
      if (verdict == Verdict::kTooClose) {
        lane.failed = true;
        return -1;
      }
      if (verdict == Verdict::kUnaffordable) {
        c.dropped[j] = true;  // unaffordable now means unaffordable for the rest of the run
        continue;
      }
      const double lambda = lane.lambda[j];
      const double error = lane.lambda_error[j];
      c.rho[j] = cost_utility ? lambda / cost_d_[j] : lambda;
      c.rho_error[j] = cost_utility ? error / cost_d_[j] + 2 * kEpsilon * c.rho[j] : error;
      c.lower[j] = c.rho[j] - c.rho_error[j];
      c.evaluated.push_back(j);
      if (b < 0 || c.rho[j] < c.rho[b]) lane.best = Pick{j, lambda, error};
    }
    lane.decided = true;
    const int b = lane.best.project;
    if (b < 0) return -1;
    // A rival whose rho may equal the best's needs the exact count.
    for (int j : c.evaluated) {
      if (j != b && c.lower[j] <= c.rho[b] + c.rho_error[b]) lane.failed = true;
    }
    return -1;
  }

  // A pass over the supporters in `bucket` with money left, at `lambda` (per lane).
  void LanePass(const Bucket& bucket, const Line& lambda, bool first, LaneSums& out) const {
    Line threshold;
    for (int k = 0; k < kLine; ++k) {
      threshold.at[k] = lambda.at[k] * static_cast<double>(bucket.utility);
    }
    if (!lanes_charged_) {
      // Before the first charge every group has the starting shares: one line stands for all.
      const int32_t group = 0;
      kernels_.pass(&lane_start_, &group, &bucket.total, 1, threshold, first, out);
      return;
    }
    kernels_.pass(lane_money_.data(), bucket.groups.data(),
                  bucket.weights.empty() ? nullptr : bucket.weights.data(), bucket.groups.size(),
                  threshold, first, out);
  }

  // Evaluates `project` in every lane of `want` (a bit per lane), as LambdaFloating does for
  // one run, and records each lane's verdict.
  void EvaluateLanes(int project, unsigned want) {
    const double cost = cost_d_[project];
    const std::vector<Bucket>& buckets = buckets_[project];
    lane_sums_.resize(buckets.size());
    Line lambda;
    lambda.at[kLanes] = -kInfinity;  // the error slot counts as rich
    for (int k = 0; k < kLanes; ++k) {
      lambda.at[k] = kInfinity;  // not evaluated: its sums are not read
      if ((want >> k & 1) != 0) {
        lambda.at[k] = std::max(lanes_[k].floor[project], cost / weight_all_[project]);
      }
    }
    // The first pass also sums the money and weight of the supporters, and bounds the error
    // of the money.
    std::array<double, kLanes> money{};
    std::array<double, kLanes> total{};  // sum of weight * utility
    std::array<double, kLanes> deviation{};
    double count = 0;
    for (std::size_t s = 0; s < buckets.size(); ++s) {
      LanePass(buckets[s], lambda, true, lane_sums_[s]);
      const auto u = static_cast<double>(buckets[s].utility);
      for (int k = 0; k < kLanes; ++k) {
        money[k] += lane_sums_[s].money.at[k];
        total[k] += lane_sums_[s].weight.at[k] * u;
        deviation[k] += lane_sums_[s].weight.at[k] * lane_sums_[s].error_max;
      }
      count += static_cast<double>(buckets[s].groups.size());
    }
    const double n = count + 2;  // bounds the terms of every sum
    unsigned open = 0;           // lanes still filling
    for (int k = 0; k < kLanes; ++k) {
      if ((want >> k & 1) == 0) continue;
      const double spread =
          deviation[k] * (1 + n * kEpsilon) + 4 * n * kEpsilon * (money[k] + cost);
      if (money[k] < cost - spread) {
        lanes_[k].verdict[project] = static_cast<int8_t>(Verdict::kUnaffordable);
      } else if (money[k] <= cost + spread) {
        lanes_[k].verdict[project] = static_cast<int8_t>(Verdict::kTooClose);
      } else {
        open |= 1U << k;
      }
    }
    // Water-filling from below in every open lane, as in LambdaFloating; a lane stops once
    // the next lambda leaves every supporter on the side of it they were on: then that
    // lambda solves the equation with this set of poor.
    for (int passes = 0; open != 0; ++passes) {
      for (int k = 0; k < kLanes; ++k) {
        if ((open >> k & 1) == 0) continue;
        LaneState& lane = lanes_[k];
        double paid = 0;
        double poor = 0;  // sum of weight * error of the poor
        double denominator = total[k];
        for (std::size_t s = 0; s < buckets.size(); ++s) {
          paid += lane_sums_[s].paid.at[k];
          poor += lane_sums_[s].poor_error.at[k];
          denominator -= lane_sums_[s].poor_weight.at[k] * static_cast<double>(buckets[s].utility);
        }
        if (denominator <= 0 || passes > 64) {
          lane.verdict[project] = static_cast<int8_t>(Verdict::kTooClose);
          open &= ~(1U << k);
          continue;
        }
        const double next = (cost - paid) / denominator;
        bool settled = true;
        for (std::size_t s = 0; s < buckets.size(); ++s) {
          const double threshold = next * static_cast<double>(buckets[s].utility);
          if (lane_sums_[s].poor_max.at[k] >= threshold ||
              lane_sums_[s].rich_min.at[k] < threshold) {
            settled = false;
          }
        }
        if (!settled) {
          if (next <= lambda.at[k]) {  // rounding at the edge of a budget
            lane.verdict[project] = static_cast<int8_t>(Verdict::kTooClose);
            open &= ~(1U << k);
          }
          lambda.at[k] = next;
          continue;
        }
        open &= ~(1U << k);
        const double error =
            (poor * (1 + n * kEpsilon) + 4 * n * kEpsilon * (paid + cost)) / denominator +
            4 * kEpsilon * next;
        // Who pays all they have must be beyond doubt, as in LambdaFloating: here on the
        // budgets nearest the threshold, each widened by its error bound.
        Verdict verdict = Verdict::kAffordable;
        for (std::size_t s = 0; s < buckets.size(); ++s) {
          const auto u = static_cast<double>(buckets[s].utility);
          if ((next + error) * u >= lane_sums_[s].rich_min.at[k] * (1 - 4 * kEpsilon) ||
              lane_sums_[s].poor_max.at[k] * (1 + 4 * kEpsilon) >= (next - error) * u) {
            verdict = Verdict::kTooClose;
          }
        }
        lane.verdict[project] = static_cast<int8_t>(verdict);
        if (verdict == Verdict::kAffordable) {
          lane.lambda[project] = next;
          lane.lambda_error[project] = error;
          // Budgets only shrink, so lambda only rises: a certain lower bound of it now is
          // one for the rest of the run, and the next evaluation starts there.
          lane.floor[project] = std::max(0.0, (next - error) * (1 - 4 * kEpsilon));
        }
      }
      if (open == 0) break;
      for (int k = 0; k < kLanes; ++k) {
        if ((open >> k & 1) == 0) lambda.at[k] = kInfinity;  // done: its sums are not read
      }
      for (std::size_t s = 0; s < buckets.size(); ++s) {
        LanePass(buckets[s], lambda, false, lane_sums_[s]);
      }
    }
  }

  // Charges the supporters of `project` in the lanes of `mask`, each at its own lambda.
  void ChargeLanes(int project, unsigned mask) {
    if (!lanes_charged_) {
      lane_money_.assign(group_weight_.size(), lane_start_);
      lanes_charged_ = true;
    }
    for (const Bucket& bucket : buckets_[project]) {
      const auto u = static_cast<double>(bucket.utility);
      // Each lane charged pays lambda * u, off by at most u times lambda's error plus
      // rounding; the group's error bound grows by the largest of these. (A lane that pays
      // all it has keeps exactly 0, and other lanes pay 0.)
      Line threshold;
      double grow = 0;
      for (int k = 0; k < kLanes; ++k) {
        if ((mask >> k & 1) == 0) continue;
        threshold.at[k] = lanes_[k].best.lambda * u;
        grow = std::max(grow, u * lanes_[k].best.error + 4 * kEpsilon * lanes_[k].share);
      }
      threshold.at[kLanes] = -grow;  // the error slot: never poor, so it gains `grow`
      kernels_.charge(lane_money_.data(), bucket.groups.data(), bucket.groups.size(), threshold);
    }
  }

  // MES without explanation for each share; nothing for a share whose run had a decision in
  // doubt.
  std::vector<std::optional<Outcome>> RunLanes(const std::array<mpq_class, kLanes>& shares) {
    const std::size_t m = instance_.projects.size();
    lanes_.resize(kLanes);
    lane_start_ = Line{};
    for (int k = 0; k < kLanes; ++k) {
      LaneState& lane = lanes_[k];
      lane.share = shares[k].get_d();
      lane.running = lane.share >= 0;
      lane.failed = !lane.running;  // Run counts a negative share
      if (!lane.running) continue;  // its budgets stay 0: it never pays
      lane_start_.at[k] = lane.share;
      lane_start_.at[kLanes] = std::max(lane_start_.at[kLanes], lane.share * kEpsilon);
      lane.out = StartOutcome(false);
      lane.c = StartCandidates();
      lane.floor.assign(m, 0.0);
      lane.verdict.assign(m, kNotEvaluated);
      lane.lambda.assign(m, 0.0);
      lane.lambda_error.assign(m, 0.0);
      StartLaneRound(lane);
    }
    lanes_charged_ = false;
    for (;;) {
      // Every running lane finds its next project. Each evaluation serves every lane still
      // choosing, taken in order of the lowest bound any lane needing one has.
      for (;;) {
        int project = -1;
        double lowest = kInfinity;
        for (LaneState& lane : lanes_) {
          if (!lane.running || lane.decided) continue;
          const int need = WalkLane(lane);
          if (lane.failed) lane.running = false;
          // (The first need is taken even if its bound is not a number: no lane may be left
          // undecided.)
          if (need >= 0 && (project < 0 || lane.c.lower[need] < lowest)) {
            lowest = lane.c.lower[need];
            project = need;
          }
        }
        if (project < 0) break;
        unsigned want = 0;
        for (int k = 0; k < kLanes; ++k) {
          const LaneState& lane = lanes_[k];
          if (lane.running && !lane.decided && lane.verdict[project] == kNotEvaluated) {
            want |= 1U << k;
          }
        }
        EvaluateLanes(project, want);
      }
      // The lanes whose next project has the smallest rho fund it together.
      int project = -1;
      double smallest = kInfinity;
      for (LaneState& lane : lanes_) {
        if (!lane.running) continue;
        if (!lane.decided) {
          lane.failed = true;  // cannot happen; if it did, Run would count this share
          lane.running = false;
        } else if (lane.best.project < 0) {
          lane.running = false;  // nothing left is affordable: the run is over
        } else if (project < 0 || lane.c.rho[lane.best.project] < smallest) {
          smallest = lane.c.rho[lane.best.project];
          project = lane.best.project;
        }
      }
      if (project < 0) break;
      unsigned mask = 0;
      for (int k = 0; k < kLanes; ++k) {
        if (lanes_[k].running && lanes_[k].best.project == project) mask |= 1U << k;
      }
      ChargeLanes(project, mask);
      for (int k = 0; k < kLanes; ++k) {
        if ((mask >> k & 1) == 0) continue;
        LaneState& lane = lanes_[k];
        Selection selection = Select({project});
        std::erase(lane.c.remaining, project);
        Finish(selection, lane.out);
        StartLaneRound(lane);
      }
    }
    std::vector<std::optional<Outcome>> out(kLanes);
    for (int k = 0; k < kLanes; ++k) {
      if (!lanes_[k].failed) out[k] = std::move(lanes_[k].out);
    }
    return out;
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
      if (e.money < lambda * static_cast<double>(e.utility)) {
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
  std::vector<ClassState> state_;
  std::vector<int32_t> mark_;  // by class
  std::vector<int> class_of_;
  std::vector<mpq_class> budget_;  // exact run
  std::vector<double> approx_;     // exact run: budget_ as doubles, to sort quickly
  double share_ = 0;               // floating run: the starting share, a bound on budgets
  // Floating run with explain: the history behind every budget, and exact values computed
  // from it so far.
  std::vector<Version> versions_;
  std::vector<int> class_version_;  // by class
  std::vector<Charge> charges_;
  std::vector<std::optional<mpq_class>> exact_budget_;  // by version
  std::vector<std::optional<mpq_class>> exact_lambda_;  // by charge

  // Lanes: each group's line (filled at the first charge; until then lane_start_ stands
  // for every group), the state of each lane, and the kernels this machine runs.
  std::vector<Line> lane_money_;
  Line lane_start_;
  bool lanes_charged_ = false;
  std::vector<LaneState> lanes_;
  LaneKernels kernels_;
  // By project: the sum of weight * utility of all its supporters. Cost over it is where a
  // lane's lambda starts.
  std::vector<double> weight_all_;

  // Scratch space, kept between calls to avoid allocations.
  struct RichPayment final {
    int64_t utility = 0;
    int64_t weight = 0;  // voters who paid it
    std::string text;
  };
  std::vector<RichPayment> rich_paid_;  // explained floating charge: one per utility
  std::string poor_text_;
  std::vector<LaneSums> lane_sums_;  // by bucket of the project evaluated
  std::vector<Entry> entries_;
  std::vector<Entry> best_entries_;
  std::vector<int> entry_target_;
  std::vector<std::string> entry_paid_;
  std::vector<int> entry_last_;
  std::vector<int> class_last_;  // by class: its last payment when explaining voter groups
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
  } else {
    if (options.add1_integral_start) {
      mpz_class whole = budget.get_num() / (unit * n);
      share = mpq_class(whole * unit);
    }
    const mpq_class start = share;
    const mpq_class step = mpq_class(unit * options.add1_increment);
    // The steps are counted ahead in batches, Steps() at a time, and on big elections a
    // second thread counts the next batch at the same time, on its own copy of the state.
    // Outcomes beyond the step where the count stops are thrown away; every run is
    // deterministic, so the result is the same however they are batched.
    std::optional<EqualShares> spare;
    if (std::thread::hardware_concurrency() > 1 && mes.SupporterGroups() >= 50'000) {
      spare.emplace(mes);
    }
    // The outcomes of the next steps, in order; nothing for a step whose lane was in doubt,
    // which Run counts when (and only if) the loop gets there.
    std::deque<std::optional<Outcome>> ahead;
    const auto count_ahead = [&](const mpq_class& first) {
      std::vector<std::optional<Outcome>> later;
      if (spare) {
        auto second =
            std::async(std::launch::async,
                       [&spare, &step, s = mpq_class(first + step * EqualShares::Steps())] {
                         return spare->RunSteps(s, step);
                       });
        std::vector<std::optional<Outcome>> now = mes.RunSteps(first, step);
        later = second.get();
        std::move(now.begin(), now.end(), std::back_inserter(ahead));
      } else {
        later = mes.RunSteps(first, step);
      }
      std::move(later.begin(), later.end(), std::back_inserter(ahead));
    };
    // The outcome with `s` per voter, the first in `ahead`.
    const auto take = [&](const mpq_class& s) {
      if (ahead.empty()) count_ahead(s);
      std::optional<Outcome> out = std::move(ahead.front());
      ahead.pop_front();
      return out ? std::move(*out) : mes.Run(s, false);
    };
    outcome = take(share);
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
      Outcome next = take(next_share);
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
  // The run that is kept (the last Add1 step's again), recording what every voter paid.
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
    // Built from the containers directly, sized in advance: with 90,000 groups the
    // allocations are most of the cost. On big elections a second thread builds the second
    // half; the list is the same either way.
    const auto build = [&](std::size_t first, std::size_t last) {
      nlohmann::json::array_t part;
      part.reserve(last - first);
      for (std::size_t g = first; g < last; ++g) {
        nlohmann::json::array_t projects;
        projects.reserve(mes.group_ballot(g).size());
        for (const auto& [project, utility] : mes.group_ballot(g)) {
          projects.emplace_back(instance.projects[project].id);
        }
        nlohmann::json::object_t paid;
        for (int p = outcome.group_last[g]; p >= 0; p = outcome.payments[p].parent) {
          const Payment& payment = outcome.payments[p];
          paid.emplace(instance.projects[payment.project].id, outcome.texts[payment.text]);
        }
        nlohmann::json::object_t group;
        group.emplace("projects", std::move(projects));
        group.emplace("voters", mes.group_weight(g));
        group.emplace("paid", std::move(paid));
        group.emplace("left", outcome.texts[outcome.group_left[g]]);
        part.emplace_back(std::move(group));
      }
      return part;
    };
    const std::size_t n_groups = mes.groups();
    nlohmann::json::array_t groups;
    if (std::thread::hardware_concurrency() > 1 && n_groups >= 20'000) {
      const std::size_t half = n_groups / 2;
      auto second = std::async(std::launch::async, build, half, n_groups);
      groups = build(0, half);
      nlohmann::json::array_t rest = second.get();
      groups.reserve(n_groups);
      std::move(rest.begin(), rest.end(), std::back_inserter(groups));
    } else {
      groups = build(0, n_groups);
    }
    explanation["voter_groups"] = std::move(groups);
  }
  result.seats = static_cast<int>(result.winners.size());
  result.explanation = std::move(explanation);
  return result;
}

}  // namespace coproduce::tally
