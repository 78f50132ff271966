#include "tally/stv_meek.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tally/stv_scottish.hpp"  // MergeIdenticalPapers, FormatFixed

namespace coproduce::tally {
namespace {

__extension__ using Int128 = __int128;

constexpr int kPlaces = 9;
constexpr int64_t kUnit = kMeekUnitsPerPaper;

// A round that has not converged after this many iterations is treated as stable, so that no
// input can keep the count going for ever; real counts converge within a few hundred.
constexpr int kMaxIterations = 10'000;

enum class Standing : uint8_t { kHopeful, kElected, kExcluded };

enum class Stop { kElected, kConverged, kStable };

class MeekCount final {
 public:
  MeekCount(const Election& election, Lot& lot)
      : election_(election),
        lot_(lot),
        papers_(MergeIdenticalPapers(election)),
        candidates_(static_cast<int>(election.candidates.size())),
        keep_(election.candidates.size(), kUnit),
        votes_(election.candidates.size(), 0),
        standing_(election.candidates.size(), Standing::kHopeful) {}

  Result Run() {
    if (papers_.valid_papers + papers_.invalid_papers > kMaxMeekPapers) {
      throw std::invalid_argument("A Meek STV count takes at most " +
                                  std::to_string(kMaxMeekPapers) + " papers.");
    }
    Distribute();
    Record("first preferences", 0);
    for (const int c : ElectThoseWithQuota()) stages_.back()["elected"].push_back(Name(c));
    while (true) {
      const int vacancies = election_.seats - static_cast<int>(winners_.size());
      std::vector<int> hopeful = Hopeful();
      if (vacancies <= 0) break;
      if (static_cast<int>(hopeful.size()) <= vacancies) {
        DeemElected(std::move(hopeful));
        break;
      }
      int iterations = 0;
      std::vector<int> elected;
      const Stop stop = Iterate(iterations, elected);
      if (stop == Stop::kElected) {
        std::string names;
        for (const int c : elected) names += (names.empty() ? "" : ", ") + Name(c);
        Record("election of " + names, iterations);
        for (const int c : elected) stages_.back()["elected"].push_back(Name(c));
        continue;
      }
      const int excluded = BreakTie(Lowest(hopeful));
      standing_[static_cast<std::size_t>(excluded)] = Standing::kExcluded;
      keep_[static_cast<std::size_t>(excluded)] = 0;
      Distribute();
      Record("exclusion of " + Name(excluded), iterations);
    }
    return MakeResult();
  }

 private:
  const std::string& Name(int candidate) const {
    return election_.candidates[static_cast<std::size_t>(candidate)];
  }

  std::vector<int> Hopeful() const {
    std::vector<int> out;
    for (int c = 0; c < candidates_; ++c) {
      if (standing_[static_cast<std::size_t>(c)] == Standing::kHopeful) out.push_back(c);
    }
    return out;
  }

  // Each ballot starts at one vote; every candidate on it in turn keeps weight x keep factor
  // and passes on weight x (1 - keep factor), both rounded down. What no one keeps is exhausted.
  void Distribute() {
    std::fill(votes_.begin(), votes_.end(), 0);
    int64_t kept = 0;
    for (const PaperPath& path : papers_.paths) {
      int64_t weight = kUnit;
      for (std::size_t i = path.begin; i < path.end && weight > 0; ++i) {
        const auto c = static_cast<std::size_t>(papers_.preferences[i]);
        const int64_t keep_factor = keep_[c];
        if (keep_factor == 0) continue;
        const auto keep = static_cast<int64_t>(static_cast<Int128>(weight) * keep_factor / kUnit);
        weight = static_cast<int64_t>(static_cast<Int128>(weight) * (kUnit - keep_factor) / kUnit);
        votes_[c] += keep * path.papers;
        kept += keep * path.papers;
      }
    }
    exhausted_ = papers_.valid_papers * kUnit - kept;
    // The Droop quota of the votes still in play, rounded down, plus one unit (Droop, OpenSTV).
    quota_ = kept / (static_cast<int64_t>(election_.seats) + 1) + 1;
  }

  // Elects every hopeful candidate with the quota, most votes first; returns them.
  std::vector<int> ElectThoseWithQuota() {
    std::vector<int> elected;
    for (int c = 0; c < candidates_; ++c) {
      const auto i = static_cast<std::size_t>(c);
      if (standing_[i] == Standing::kHopeful && votes_[i] >= quota_) elected.push_back(c);
    }
    std::stable_sort(elected.begin(), elected.end(), [&](int a, int b) {
      return votes_[static_cast<std::size_t>(a)] > votes_[static_cast<std::size_t>(b)];
    });
    for (const int c : elected) {
      standing_[static_cast<std::size_t>(c)] = Standing::kElected;
      winners_.push_back(Name(c));
    }
    return elected;
  }

  int64_t Surplus() const {
    int64_t surplus = 0;
    for (int c = 0; c < candidates_; ++c) {
      const auto i = static_cast<std::size_t>(c);
      if (standing_[i] == Standing::kElected) surplus += votes_[i] - quota_;
    }
    return surplus;
  }

  // Redistributes until someone new reaches the quota, the surplus is within tolerance, or it
  // stops shrinking; in between, each elected candidate's keep factor becomes
  // keep x quota / votes, rounded up.
  Stop Iterate(int& iterations, std::vector<int>& elected) {
    int64_t last_surplus = INT64_MAX;
    while (true) {
      ++iterations;
      Distribute();
      elected = ElectThoseWithQuota();
      if (!elected.empty()) return Stop::kElected;
      const int64_t surplus = Surplus();
      if (surplus <= kMeekTolerance) return Stop::kConverged;
      if (surplus >= last_surplus || iterations >= kMaxIterations) return Stop::kStable;
      last_surplus = surplus;
      for (int c = 0; c < candidates_; ++c) {
        const auto i = static_cast<std::size_t>(c);
        if (standing_[i] != Standing::kElected || votes_[i] <= 0) continue;
        const Int128 product = static_cast<Int128>(keep_[i]) * quota_;
        const auto updated = static_cast<int64_t>((product + votes_[i] - 1) / votes_[i]);
        keep_[i] = std::min(updated, kUnit);
      }
    }
  }

  std::vector<int> Lowest(const std::vector<int>& hopeful) const {
    std::vector<int> out;
    for (const int c : hopeful) {
      const int64_t v = votes_[static_cast<std::size_t>(c)];
      if (!out.empty() && v > votes_[static_cast<std::size_t>(out[0])]) continue;
      if (!out.empty() && v < votes_[static_cast<std::size_t>(out[0])]) out.clear();
      out.push_back(c);
    }
    return out;
  }

  // Among candidates with equal fewest votes, keep those with the fewest at the most recent
  // earlier stage where they differed, going further back while several remain; then by lot.
  int BreakTie(std::vector<int> tied) {
    if (tied.size() == 1) return tied[0];
    nlohmann::json between = nlohmann::json::array();
    for (const int c : tied) between.push_back(Name(c));
    std::string decided_by = "lot";
    for (std::size_t s = history_.size(); s-- > 0 && tied.size() > 1;) {
      const std::vector<int64_t>& votes = history_[s];
      int64_t fewest = votes[static_cast<std::size_t>(tied[0])];
      for (const int c : tied) fewest = std::min(fewest, votes[static_cast<std::size_t>(c)]);
      std::vector<int> kept;
      for (const int c : tied) {
        if (votes[static_cast<std::size_t>(c)] == fewest) kept.push_back(c);
      }
      if (kept.size() == tied.size()) continue;
      tied = std::move(kept);
      decided_by = "earlier stage " + std::to_string(s + 1);
    }
    if (tied.size() > 1) decided_by = "lot";
    const int chosen = tied.size() == 1 ? tied[0] : tied[lot_.Draw(tied.size())];
    ties_.push_back({{"stage", history_.size() + 1},
                     {"rule", "exclusion"},
                     {"between", std::move(between)},
                     {"decided_by", std::move(decided_by)},
                     {"chosen", Name(chosen)}});
    return chosen;
  }

  void DeemElected(std::vector<int> hopeful) {
    std::stable_sort(hopeful.begin(), hopeful.end(), [&](int a, int b) {
      return votes_[static_cast<std::size_t>(a)] > votes_[static_cast<std::size_t>(b)];
    });
    for (const int c : hopeful) {
      standing_[static_cast<std::size_t>(c)] = Standing::kElected;
      winners_.push_back(Name(c));
      stages_.back()["elected"].push_back(Name(c));
      stages_.back()["deemed_elected"].push_back(Name(c));
    }
  }

  void Record(std::string action, int iterations) {
    history_.push_back(votes_);
    nlohmann::json votes = nlohmann::json::object();
    nlohmann::json keep = nlohmann::json::object();
    for (int c = 0; c < candidates_; ++c) {
      const auto i = static_cast<std::size_t>(c);
      votes[Name(c)] = FormatFixed(votes_[i], kPlaces);
      keep[Name(c)] = FormatFixed(keep_[i], kPlaces);
    }
    stages_.push_back({{"stage", history_.size()},
                       {"action", std::move(action)},
                       {"iterations", iterations},
                       {"quota", FormatFixed(quota_, kPlaces)},
                       {"votes", std::move(votes)},
                       {"keep_factors", std::move(keep)},
                       {"exhausted", FormatFixed(exhausted_, kPlaces)},
                       {"surplus", FormatFixed(Surplus(), kPlaces)},
                       {"elected", nlohmann::json::array()}});
  }

  Result MakeResult() {
    Result result;
    result.method = "stv-meek";
    result.seats = election_.seats;
    result.winners = std::move(winners_);
    result.explanation = {{"arithmetic",
                           "fixed point, 1e-9; keep and pass on rounded down, keep factors rounded "
                           "up; tolerance 0.000001"},
                          {"valid_papers", papers_.valid_papers},
                          {"invalid_papers", papers_.invalid_papers},
                          {"stages", std::move(stages_)},
                          {"ties", std::move(ties_)}};
    if (lot_.used()) result.lot_seed = lot_.seed();
    return result;
  }

  const Election& election_;
  Lot& lot_;
  PaperPaths papers_;
  int candidates_;
  std::vector<int64_t> keep_;   // units; 1 for hopeful, 0 for excluded
  std::vector<int64_t> votes_;  // units
  std::vector<Standing> standing_;
  int64_t quota_ = 0;
  int64_t exhausted_ = 0;
  std::vector<std::vector<int64_t>> history_;  // votes at the end of each stage
  std::vector<std::string> winners_;
  nlohmann::json stages_ = nlohmann::json::array();
  nlohmann::json ties_ = nlohmann::json::array();
};

}  // namespace

Result CountMeekStv(const Election& election, Lot& lot) {
  if (election.seats < 1) throw std::invalid_argument("A Meek STV count needs at least one seat.");
  return MeekCount(election, lot).Run();
}

}  // namespace coproduce::tally
