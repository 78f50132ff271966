#include "tally/equal_shares.hpp"

#include <gmpxx.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <future>
#include <iterator>
#include <limits>
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
    for (auto& buckets : buckets_) {
      for (Bucket& bucket : buckets) {
        if (std::all_of(bucket.weights.begin(), bucket.weights.end(),
                        [](int64_t w) { return w == 1; })) {
          bucket.weights = {};
        }
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
      if (!explain) {
        if (auto quick = RunQuick(share)) return std::move(*quick);
      }
      if (auto fast = RunFloating(share, explain)) return std::move(*fast);
    }
    return RunExact(share, explain);
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

  // --- The quick run, for the Add1 steps, which need only what is funded: each voter group
  // keeps its own budget and error bound, so a charge writes the groups and nothing else (no
  // classes to split, no history). On big elections nearly every group ends in a class of its
  // own, so the classes save nothing there. The decisions carry the same error bounds as
  // LambdaFloating; any doubt and the caller runs RunFloating, then the exact count. ---

  struct Purse final {
    double money = 0;
    double error = 0;  // a bound on |money - exact budget|
  };
  struct QuickEntry final {
    double money = 0;
    double error = 0;
    double weight = 0;
  };
  // Entries [first, last) of quick_ share one utility. A pass at some lambda fills the rest.
  struct Stretch final {
    std::size_t first = 0;
    std::size_t last = 0;
    double utility = 0;
    double poor_weight = 0;  // of the poor: budget below lambda * utility
    double poor_max = 0;     // max budget of the poor
    double rich_min = 0;     // min budget of the rich
  };
  static constexpr double kInfinity = std::numeric_limits<double>::infinity();

  // One stretch's pass at some lambda: what its poor pay, the sum of their weight * error,
  // and the budgets nearest the threshold on either side. Locals, to stay in registers.
  struct Pass final {
    double paid = 0;
    double poor = 0;
    double poor_weight = 0;
    double poor_max = -kInfinity;
    double rich_min = kInfinity;

    void Add(double money, double error, double weight, double threshold) {
      if (money < threshold) {
        paid += weight * money;
        poor += weight * error;
        poor_weight += weight;
        poor_max = std::max(poor_max, money);
      } else {
        rich_min = std::min(rich_min, money);
      }
    }
  };

  // Lambda for `project` from the groups' purses, as LambdaFloating computes it from classes,
  // starting from `floor`, a lambda it cannot be below. The supporters are gathered bucket by
  // bucket, so each stretch of quick_ has one utility.
  Verdict LambdaQuick(int project, double floor, double& lambda, double& error) {
    std::size_t n = 0;
    double money = 0;
    double total = 0;      // sum of weight * utility
    double deviation = 0;  // sum of weight * error
    double paid = 0;       // by the poor, at lambda
    double poor = 0;       // sum of weight * error of the poor
    const double cost = cost_d_[project];
    lambda = std::max(floor, cost / quick_weight_all_[project]);
    quick_stretches_.clear();
    for (const Bucket& bucket : buckets_[project]) {
      const auto u = static_cast<double>(bucket.utility);
      const std::size_t first = n;
      double weight = 0;
      if (!quick_charged_) {
        // Before the first charge every voter has the starting share: one entry per bucket.
        const Purse start = purse_[0];
        if (start.money <= 0) break;
        weight = static_cast<double>(bucket.total);
        quick_[n++] = QuickEntry{start.money, start.error, weight};
        money += weight * start.money;
        deviation += weight * start.error;
      } else {
        const std::size_t count = bucket.groups.size();
        const int32_t* groups = bucket.groups.data();
        for (std::size_t i = 0; i < count; ++i) {
          const Purse purse = purse_[groups[i]];
          if (purse.money <= 0) continue;
          const double w = bucket.weights.empty() ? 1.0 : static_cast<double>(bucket.weights[i]);
          quick_[n++] = QuickEntry{purse.money, purse.error, w};
          money += w * purse.money;
          weight += w;
          deviation += w * purse.error;
        }
      }
      total += weight * u;
      if (n > first) quick_stretches_.push_back(Stretch{first, n, u, 0, 0, 0});
    }
    const QuickEntry* entries = quick_.data();
    const double k = static_cast<double>(n) + 2;
    const double spread = deviation * (1 + k * kEpsilon) + 4 * k * kEpsilon * (money + cost);
    if (money < cost - spread) return Verdict::kUnaffordable;
    if (money <= cost + spread) return Verdict::kTooClose;
    // Water-filling from below, as in LambdaFloating: lambda rises while supporters turn out
    // too poor to pay it. It stops once the next lambda leaves every supporter on the side
    // of it they were on: then that lambda solves the equation with this set of poor.
    double denominator = 0;
    for (int passes = 0;; ++passes) {
      paid = 0;
      poor = 0;
      for (Stretch& stretch : quick_stretches_) {
        Pass pass;
        const double threshold = lambda * stretch.utility;
        for (std::size_t i = stretch.first; i < stretch.last; ++i) {
          pass.Add(entries[i].money, entries[i].error, entries[i].weight, threshold);
        }
        paid += pass.paid;
        poor += pass.poor;
        stretch.poor_weight = pass.poor_weight;
        stretch.poor_max = pass.poor_max;
        stretch.rich_min = pass.rich_min;
      }
      denominator = total;
      for (const Stretch& stretch : quick_stretches_) {
        denominator -= stretch.poor_weight * stretch.utility;
      }
      if (denominator <= 0 || passes > 64) return Verdict::kTooClose;
      const double next = (cost - paid) / denominator;
      bool settled = true;
      for (const Stretch& stretch : quick_stretches_) {
        const double threshold = next * stretch.utility;
        if (stretch.poor_max >= threshold || stretch.rich_min < threshold) settled = false;
      }
      if (settled) {
        lambda = next;
        break;
      }
      if (next <= lambda) return Verdict::kTooClose;  // rounding at the edge of a budget
      lambda = next;
    }
    error = (poor * (1 + k * kEpsilon) + 4 * k * kEpsilon * (paid + cost)) / denominator +
            4 * kEpsilon * lambda;
    // LambdaFloating's checks: who pays all they have must be beyond doubt. Here on each
    // stretch's nearest budgets, widened by the largest error of any purse; the factors
    // cover rounding in the products.
    const double e = purse_error_max_;
    for (const Stretch& stretch : quick_stretches_) {
      const double u = stretch.utility;
      if ((lambda + error) * u >= (stretch.rich_min - e) * (1 - 4 * kEpsilon)) {
        return Verdict::kTooClose;
      }
      if ((stretch.poor_max + e) * (1 + 4 * kEpsilon) >= (lambda - error) * u) {
        return Verdict::kTooClose;
      }
    }
    return Verdict::kAffordable;
  }

  // Charges the supporters of `project` as ChargeFloating does, group by group.
  void ChargeQuick(int project, double lambda, double error) {
    if (!quick_charged_) {
      const Purse start = purse_.empty() ? Purse{} : purse_[0];
      purse_.assign(group_weight_.size(), start);
      quick_charged_ = true;
    }
    double error_max = purse_error_max_;  // a local, to stay in a register
    for (const Bucket& bucket : buckets_[project]) {
      const auto u = static_cast<double>(bucket.utility);
      const double pay_error_add = u * error + 4 * kEpsilon * share_;
      const double threshold = lambda * u;
      for (const int32_t g : bucket.groups) {
        Purse& purse = purse_[g];
        const double budget = purse.money;
        if (budget <= 0) continue;
        // Who is poor pays all they have and keeps exactly nothing, with no error.
        const bool poor = budget < threshold;
        purse.money = poor ? 0.0 : budget - threshold;
        purse.error = poor ? 0.0 : purse.error + pay_error_add;
        error_max = std::max(error_max, purse.error);
      }
    }
    purse_error_max_ = error_max;
  }

  std::optional<Outcome> RunQuick(const mpq_class& share) {
    const double start = share.get_d();
    share_ = std::fabs(start);
    // One purse stands for everyone until the first charge fills in the rest.
    purse_.assign(1, Purse{std::max(0.0, start), share_ * kEpsilon});
    purse_error_max_ = share_ * kEpsilon;
    if (start < 0) return std::nullopt;
    quick_charged_ = false;
    if (quick_weight_all_.size() != buckets_.size()) {
      // Once per count: each project's sum of weight * utility over all its supporters (cost
      // over it is where lambda starts), and room for the most supported project's groups.
      quick_weight_all_.assign(buckets_.size(), 0.0);
      std::size_t most = 0;
      for (std::size_t j = 0; j < buckets_.size(); ++j) {
        std::size_t count = 0;
        for (const Bucket& bucket : buckets_[j]) {
          quick_weight_all_[j] +=
              static_cast<double>(bucket.total) * static_cast<double>(bucket.utility);
          count += bucket.groups.size();
        }
        most = std::max(most, count);
      }
      quick_.resize(most);
    }
    Outcome out = StartOutcome(false);
    Candidates candidates = StartCandidates();
    std::vector<double> floor(candidates.rho.size(), 0.0);  // certain lower bounds of lambda
    for (;;) {
      const auto pick = PickFloating(
          candidates,
          [&](int j, double& lambda, double& error) {
            const Verdict verdict = LambdaQuick(j, floor[j], lambda, error);
            // Budgets only shrink, so lambda only rises: a certain lower bound of it now is
            // one for the rest of the run, and the next evaluation starts there.
            if (verdict == Verdict::kAffordable) {
              floor[j] = std::max(0.0, (lambda - error) * (1 - 4 * kEpsilon));
            }
            return verdict;
          },
          [] {});
      if (!pick) return std::nullopt;
      if (pick->project < 0) break;
      const int best = pick->project;
      Selection selection = Select({best});
      ChargeQuick(best, pick->lambda, pick->error);
      std::erase(candidates.remaining, best);
      Finish(selection, out);
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

  // Quick run: each group's purse (one for everyone before the first charge).
  std::vector<Purse> purse_;
  bool quick_charged_ = false;
  double purse_error_max_ = 0;  // no purse's error is larger

  // Scratch space, kept between calls to avoid allocations.
  struct RichPayment final {
    int64_t utility = 0;
    int64_t weight = 0;  // voters who paid it
    std::string text;
  };
  std::vector<RichPayment> rich_paid_;  // explained floating charge: one per utility
  std::string poor_text_;
  std::vector<QuickEntry> quick_;  // as many as the most supported project has groups
  std::vector<Stretch> quick_stretches_;
  std::vector<double> quick_weight_all_;  // by project
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
