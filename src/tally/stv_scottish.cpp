#include "tally/stv_scottish.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace coproduce::tally {
namespace {

__extension__ using Int128 = __int128;

uint64_t HashPath(const int* ids, std::size_t count) {
  uint64_t hash = 0xcbf29ce484222325ULL ^ count;  // FNV-1a over the ids
  for (std::size_t i = 0; i < count; ++i) {
    hash = (hash ^ static_cast<uint32_t>(ids[i])) * 0x100000001b3ULL;
  }
  hash = (hash ^ (hash >> 31)) * 0xbf58476d1ce4e5b9ULL;  // FNV's low bits alone cluster
  return hash ^ (hash >> 29);
}

bool SamePath(const std::vector<int>& preferences, const PaperPath& path, std::size_t begin,
              std::size_t end) {
  if (path.end - path.begin != end - begin) return false;
  for (std::size_t i = 0; i < end - begin; ++i) {
    if (preferences[path.begin + i] != preferences[begin + i]) return false;
  }
  return true;
}

enum class Standing : uint8_t { kContinuing, kElected, kExcluded };

// Where a path's papers sit: with the candidate at `position` in the path, all with `value`.
// All papers of a path always travel together, so a holding is the (path, value) class the
// rules transfer as one.
struct Holding final {
  uint32_t path;
  uint32_t position;  // offset into the path
  int64_t value;      // units per paper
};

constexpr std::size_t kNoPreference = static_cast<std::size_t>(-1);

class ScottishCount final {
 public:
  ScottishCount(const Election& election, Lot& lot, TransferRounding rounding)
      : election_(election),
        lot_(lot),
        rounding_(rounding),
        papers_(MergeIdenticalPapers(election)),
        candidates_(static_cast<int>(election.candidates.size())),
        votes_(election.candidates.size(), 0),
        standing_(election.candidates.size(), Standing::kContinuing),
        holdings_(election.candidates.size()),
        pending_surplus_(election.candidates.size(), false) {}

  Result Run() {
    if (papers_.paths.size() > UINT32_MAX) {
      throw std::invalid_argument("A Scottish STV count takes at most 2^32 distinct rankings.");
    }
    // r.46: the quota is a whole number of votes.
    quota_ =
        (papers_.valid_papers / (static_cast<int64_t>(election_.seats) + 1) + 1) * kUnitsPerPaper;
    FirstStage();
    while (true) {
      const int vacancies = election_.seats - static_cast<int>(winners_.size());
      if (vacancies <= 0) break;
      std::vector<int> continuing = Continuing();
      if (static_cast<int>(continuing.size()) <= vacancies) {
        DeemElected(std::move(continuing));  // r.52
        break;
      }
      std::vector<int> largest = LargestPendingSurplus();
      if (!largest.empty()) {
        TransferSurplus(BreakTie(std::move(largest), /*most_votes=*/true, "r.49"));
      } else {
        Exclude(BreakTie(Lowest(continuing), /*most_votes=*/false, "r.51"));
      }
      ElectByQuota();
    }
    return MakeResult();
  }

 private:
  const std::string& Name(int candidate) const {
    return election_.candidates[static_cast<std::size_t>(candidate)];
  }

  // r.45: every valid paper is worth one vote for its first preference.
  void FirstStage() {
    for (std::size_t p = 0; p < papers_.paths.size(); ++p) {
      const PaperPath& path = papers_.paths[p];
      const int first = papers_.preferences[path.begin];
      holdings_[static_cast<std::size_t>(first)].push_back(
          Holding{static_cast<uint32_t>(p), 0, kUnitsPerPaper});
      votes_[static_cast<std::size_t>(first)] += path.papers * kUnitsPerPaper;
    }
    RecordStage("first preferences");
    ElectByQuota();
  }

  std::vector<int> Continuing() const {
    std::vector<int> out;
    for (int c = 0; c < candidates_; ++c) {
      if (standing_[static_cast<std::size_t>(c)] == Standing::kContinuing) out.push_back(c);
    }
    return out;
  }

  int64_t Votes(int candidate) const { return votes_[static_cast<std::size_t>(candidate)]; }

  // r.49(1): the elected candidates whose surplus waits, if any, with the largest surplus.
  std::vector<int> LargestPendingSurplus() const {
    std::vector<int> out;
    for (int c = 0; c < candidates_; ++c) {
      if (!pending_surplus_[static_cast<std::size_t>(c)]) continue;
      if (!out.empty() && Votes(c) < Votes(out[0])) continue;
      if (!out.empty() && Votes(c) > Votes(out[0])) out.clear();
      out.push_back(c);
    }
    return out;
  }

  // r.50(1): the continuing candidates with the fewest votes.
  std::vector<int> Lowest(const std::vector<int>& continuing) const {
    std::vector<int> out;
    for (const int c : continuing) {
      if (!out.empty() && Votes(c) > Votes(out[0])) continue;
      if (!out.empty() && Votes(c) < Votes(out[0])) out.clear();
      out.push_back(c);
    }
    return out;
  }

  // r.49(2)-(3), r.51(2): among candidates with equal votes now, go back stage by stage to the
  // most recent one where their votes differed and keep those with the most (or fewest);
  // when that still leaves several, go on back with them; if they were equal at every stage,
  // draw by lot. (Droop v0.14 compares the whole original set at each earlier stage instead
  // of narrowing; the two differ only for three or more candidates tied now.)
  int BreakTie(std::vector<int> tied, bool most_votes, const char* rule) {
    if (tied.size() == 1) return tied[0];
    nlohmann::json between = nlohmann::json::array();
    for (const int c : tied) between.push_back(Name(c));
    std::string decided_by = "lot";
    for (std::size_t s = history_.size() - 1; s-- > 0 && tied.size() > 1;) {
      const std::vector<int64_t>& votes = history_[s];
      int64_t extreme = votes[static_cast<std::size_t>(tied[0])];
      for (const int c : tied) {
        const int64_t v = votes[static_cast<std::size_t>(c)];
        extreme = most_votes ? std::max(extreme, v) : std::min(extreme, v);
      }
      std::vector<int> kept;
      for (const int c : tied) {
        if (votes[static_cast<std::size_t>(c)] == extreme) kept.push_back(c);
      }
      if (kept.size() == tied.size()) continue;
      tied = std::move(kept);
      decided_by = "earlier stage " + std::to_string(s + 1);
    }
    if (tied.size() > 1) decided_by = "lot";
    const int chosen = tied.size() == 1 ? tied[0] : tied[lot_.Draw(tied.size())];
    ties_.push_back({{"stage", history_.size() + 1},
                     {"rule", rule},
                     {"between", std::move(between)},
                     {"decided_by", std::move(decided_by)},
                     {"chosen", Name(chosen)}});
    return chosen;
  }

  // The next preference on `path` after `position` for a continuing candidate. Candidates
  // before `position` are never continuing again, so there is no need to look back.
  std::size_t NextContinuing(const PaperPath& path, std::size_t position) const {
    for (std::size_t i = path.begin + position + 1; i < path.end; ++i) {
      if (standing_[static_cast<std::size_t>(papers_.preferences[i])] == Standing::kContinuing) {
        return i - path.begin;
      }
    }
    return kNoPreference;
  }

  // r.48/r.50: moves every paper `from` holds to its next continuing preference at
  // `new_value(old value)`; returns the value moved, non-transferable papers included.
  template <typename NewValue>
  int64_t MovePapers(int from, NewValue new_value) {
    std::vector<Holding> moving;
    moving.swap(holdings_[static_cast<std::size_t>(from)]);
    int64_t moved = 0;
    int64_t last_value = -1;
    int64_t last_new_value = 0;
    for (const Holding& holding : moving) {
      // Most holdings share a value (all first preferences are worth one), so remember the
      // last division.
      if (holding.value != last_value) {
        last_value = holding.value;
        last_new_value = new_value(holding.value);
      }
      const PaperPath& path = papers_.paths[holding.path];
      const int64_t amount = last_new_value * path.papers;
      moved += amount;
      const std::size_t next = NextContinuing(path, holding.position);
      if (next == kNoPreference) {
        non_transferable_ += amount;
        continue;
      }
      const auto to = static_cast<std::size_t>(papers_.preferences[path.begin + next]);
      holdings_[to].push_back(Holding{holding.path, static_cast<uint32_t>(next), last_new_value});
      votes_[to] += amount;
    }
    return moved;
  }

  // r.48: the papers move at surplus x value / total each, truncated per paper; the candidate
  // keeps exactly the quota and what truncation lost is the residual.
  void TransferSurplus(int candidate) {
    const auto c = static_cast<std::size_t>(candidate);
    pending_surplus_[c] = false;
    const int64_t total = votes_[c];
    const int64_t surplus = total - quota_;
    const int64_t moved = MovePapers(
        candidate, [&](int64_t value) { return TransferValue(surplus, value, total, rounding_); });
    loss_ += surplus - moved;
    votes_[c] = quota_;
    RecordStage("surplus of " + Name(candidate));
    stages_.back()["surplus"] = FormatUnits(surplus);
  }

  // r.50: all the excluded candidate's papers move at the value they arrived with.
  void Exclude(int candidate) {
    const auto c = static_cast<std::size_t>(candidate);
    standing_[c] = Standing::kExcluded;
    MovePapers(candidate, [](int64_t value) { return value; });
    votes_[c] = 0;
    RecordStage("exclusion of " + Name(candidate));
  }

  // Orders candidates elected together: most votes first, then by candidate number.
  void SortByVotes(std::vector<int>& candidates) const {
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](int a, int b) { return Votes(a) > Votes(b); });
  }

  // r.47: at the end of a stage every continuing candidate with the quota is elected.
  void ElectByQuota() {
    std::vector<int> elected;
    for (int c = 0; c < candidates_; ++c) {
      const auto i = static_cast<std::size_t>(c);
      if (standing_[i] == Standing::kContinuing && votes_[i] >= quota_) elected.push_back(c);
    }
    SortByVotes(elected);
    for (const int c : elected) {
      const auto i = static_cast<std::size_t>(c);
      standing_[i] = Standing::kElected;
      pending_surplus_[i] = votes_[i] > quota_;
      winners_.push_back(Name(c));
      stages_.back()["elected"].push_back(Name(c));
    }
  }

  // r.52: as many continuing candidates as vacancies (or fewer) are elected without transfer.
  void DeemElected(std::vector<int> continuing) {
    SortByVotes(continuing);
    for (const int c : continuing) {
      standing_[static_cast<std::size_t>(c)] = Standing::kElected;
      winners_.push_back(Name(c));
      stages_.back()["elected"].push_back(Name(c));
      stages_.back()["deemed_elected"].push_back(Name(c));
    }
  }

  // Records the state at the end of the stage just counted.
  void RecordStage(std::string action) {
    history_.push_back(votes_);
    nlohmann::json votes = nlohmann::json::object();
    for (int c = 0; c < candidates_; ++c) {
      votes[Name(c)] = FormatUnits(votes_[static_cast<std::size_t>(c)]);
    }
    stages_.push_back({{"stage", history_.size()},
                       {"action", std::move(action)},
                       {"votes", std::move(votes)},
                       {"non_transferable", FormatUnits(non_transferable_)},
                       {"loss", FormatUnits(loss_)},
                       {"elected", nlohmann::json::array()}});
  }

  Result MakeResult() {
    Result result;
    result.method = "stv-scottish";
    result.seats = election_.seats;
    result.winners = std::move(winners_);
    result.explanation = {{"quota", FormatUnits(quota_)},
                          {"valid_papers", papers_.valid_papers},
                          {"invalid_papers", papers_.invalid_papers},
                          {"stages", std::move(stages_)},
                          {"ties", std::move(ties_)}};
    if (lot_.used()) result.lot_seed = lot_.seed();
    return result;
  }

  const Election& election_;
  Lot& lot_;
  TransferRounding rounding_;
  PaperPaths papers_;
  int candidates_;
  int64_t quota_ = 0;
  std::vector<int64_t> votes_;                  // units, by candidate
  std::vector<Standing> standing_;              // by candidate
  std::vector<std::vector<Holding>> holdings_;  // the papers each candidate holds
  std::vector<bool> pending_surplus_;           // elected, surplus not yet transferred
  int64_t non_transferable_ = 0;
  int64_t loss_ = 0;
  std::vector<std::vector<int64_t>> history_;  // votes at the end of each stage
  std::vector<std::string> winners_;
  nlohmann::json stages_ = nlohmann::json::array();
  nlohmann::json ties_ = nlohmann::json::array();
};

}  // namespace

int64_t TransferValue(int64_t surplus, int64_t paper_value, int64_t candidate_total,
                      TransferRounding rounding) {
  const Int128 numerator = static_cast<Int128>(surplus) * paper_value;
  auto quotient = static_cast<int64_t>(numerator / candidate_total);
  if (rounding == TransferRounding::kTruncate) return quotient;
  const Int128 twice_remainder = 2 * (numerator % candidate_total);
  if (twice_remainder > candidate_total ||
      (twice_remainder == candidate_total && quotient % 2 != 0)) {
    ++quotient;
  }
  return quotient;
}

std::string FormatFixed(int64_t units, int places) {
  // Through uint64 so that INT64_MIN has a magnitude.
  uint64_t magnitude = units < 0 ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  std::string digits = std::to_string(magnitude);
  const auto width = static_cast<std::size_t>(places) + 1;
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  if (places > 0) digits.insert(digits.size() - static_cast<std::size_t>(places), 1, '.');
  return units < 0 ? "-" + digits : digits;
}

std::string FormatUnits(int64_t units) { return FormatFixed(units, 5); }

PaperPaths MergeIdenticalPapers(const Election& election) {
  const auto candidates = static_cast<int64_t>(election.candidates.size());
  PaperPaths out;
  // Open addressing keyed by the paths' hashes, at most half full.
  struct Slot {
    uint64_t hash = 0;
    std::size_t path = 0;  // index + 1; 0 = empty
  };
  std::size_t capacity = 16;
  while (capacity < 2 * election.ballots.size()) capacity *= 2;
  std::vector<Slot> slots(capacity);
  for (const Ballot& ballot : election.ballots) {
    if (ballot.multiplicity < 0) {
      throw std::invalid_argument("A ballot has a negative number of papers (" +
                                  std::to_string(ballot.multiplicity) + ").");
    }
    if (ballot.multiplicity > kMaxStvPapers - out.valid_papers - out.invalid_papers) {
      throw std::invalid_argument("The election has more than " + std::to_string(kMaxStvPapers) +
                                  " papers, more than an STV count can hold.");
    }
    if (ballot.multiplicity == 0) continue;
    const std::size_t begin = out.preferences.size();
    for (const std::span<const int> group : ballot.ranking.groups()) {
      if (group.size() != 1 || group[0] < 0 || group[0] >= candidates) break;
      out.preferences.push_back(group[0]);
    }
    const std::size_t end = out.preferences.size();
    if (begin == end) {
      out.invalid_papers += ballot.multiplicity;
      continue;
    }
    out.valid_papers += ballot.multiplicity;
    const uint64_t hash = HashPath(out.preferences.data() + begin, end - begin);
    std::size_t slot = hash & (capacity - 1);
    for (; slots[slot].path != 0; slot = (slot + 1) & (capacity - 1)) {
      if (slots[slot].hash != hash) continue;
      if (SamePath(out.preferences, out.paths[slots[slot].path - 1], begin, end)) break;
    }
    if (slots[slot].path != 0) {
      out.paths[slots[slot].path - 1].papers += ballot.multiplicity;
      out.preferences.resize(begin);
      continue;
    }
    out.paths.push_back(PaperPath{begin, end, ballot.multiplicity});
    slots[slot] = Slot{hash, out.paths.size()};
  }
  return out;
}

Result CountScottishStv(const Election& election, Lot& lot, TransferRounding rounding) {
  if (election.seats < 1) {
    throw std::invalid_argument("A Scottish STV count needs at least one seat.");
  }
  return ScottishCount(election, lot, rounding).Run();
}

}  // namespace coproduce::tally
