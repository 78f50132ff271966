// The vote-counting engine's shared vocabulary: an election (candidates or projects, seats,
// ballots), the result every method returns, and the parse error every reader returns.
// No HTTP, no SQL: ballots in, results out. Every method is deterministic; where the rules
// say "by lot", the method draws from a Lot seeded by the caller and reports the seed.
#pragma once

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace coproduce::tally {

// A voter's order of candidates: groups, best first, where a group of several candidates is
// a tie. A group may be empty (an approval ballot that approves nobody is one empty group).
// Kept flat: the candidates best first, then, only when some group is not exactly one
// candidate, the offset where each group ends. Up to kInline ints live in the Ranking itself
// (which then fills one 64-byte cache line) and more in one heap block, so reading a ballot
// file allocates little or nothing per ballot. Equal groups in the same order compare equal.
class Ranking final {
 public:
  class GroupIterator;
  class Groups;

  // User-provided, not defaulted, so that a const Ranking can be default-initialised (the
  // storage of an empty ranking is never read).
  Ranking() {}
  // From its groups, best first: `Ranking{{2}, {0, 1}}` ranks 2 above a tie of 0 and 1.
  Ranking(std::initializer_list<std::initializer_list<int>> groups);
  explicit Ranking(const std::vector<std::vector<int>>& groups);
  // `candidates` best first; group i ends where candidates[group_ends[i]] begins. `group_ends`
  // is non-decreasing and its last entry is candidates.size().
  Ranking(std::span<const int> candidates, std::span<const int> group_ends);
  // Each candidate in its own group: a strict order, best first.
  static Ranking Strict(std::span<const int> order);
  // One group holding `candidates` (empty too): an approval, choose-1 or dot ballot.
  static Ranking OneGroup(std::span<const int> candidates);

  Ranking(const Ranking& other) { CopyFrom(other); }
  Ranking(Ranking&& other) noexcept { MoveFrom(other); }
  Ranking& operator=(const Ranking& other) {
    if (this != &other) {
      Release();
      CopyFrom(other);
    }
    return *this;
  }
  Ranking& operator=(Ranking&& other) noexcept {
    if (this != &other) {
      Release();
      MoveFrom(other);
    }
    return *this;
  }
  ~Ranking() { Release(); }

  // Candidates listed, over all groups.
  std::size_t size() const { return size_; }
  std::size_t group_count() const { return groups_ & ~kEndsStored; }
  // No groups at all (one empty group is not empty).
  bool empty() const { return group_count() == 0; }
  // Every group is exactly one candidate: no ties and no empty groups.
  bool strict() const { return (groups_ & kEndsStored) == 0; }
  // Every listed candidate, best first, groups run together.
  std::span<const int> candidates() const { return {data(), size_}; }
  // Group `i` (i < group_count()).
  std::span<const int> group(std::size_t i) const {
    const int* candidates = data();
    if (strict()) return {candidates + i, 1};
    const int* ends = candidates + size_;
    const auto begin = i == 0 ? 0 : static_cast<std::size_t>(ends[i - 1]);
    return {candidates + begin, candidates + ends[i]};
  }
  // The groups best first, each a std::span<const int>.
  Groups groups() const;

  friend bool operator==(const Ranking& a, const Ranking& b) {
    return a.size_ == b.size_ && a.groups_ == b.groups_ &&
           std::equal(a.data(), a.data() + a.stored(), b.data());
  }
  // A fixed order (not by preference), so that rankings can be map keys.
  friend std::strong_ordering operator<=>(const Ranking& a, const Ranking& b) {
    if (const auto c = a.size_ <=> b.size_; std::is_neq(c)) return c;
    if (const auto c = a.groups_ <=> b.groups_; std::is_neq(c)) return c;
    return std::lexicographical_compare_three_way(a.data(), a.data() + a.stored(), b.data(),
                                                  b.data() + b.stored());
  }
  // "{2},{0,1}" (for test failures).
  friend std::ostream& operator<<(std::ostream& out, const Ranking& ranking);

 private:
  // Set in groups_ when group ends follow the candidates.
  static constexpr uint32_t kEndsStored = uint32_t{1} << 31;
  static constexpr std::size_t kInline = (64 - 2 * sizeof(uint32_t)) / sizeof(int);

  std::size_t stored() const { return size_ + (strict() ? 0 : group_count()); }
  bool on_heap() const { return stored() > kInline; }
  const int* data() const { return on_heap() ? heap_ : inline_; }
  // Room for `stored` ints, once size_ and groups_ say how many.
  int* Allocate() {
    if (!on_heap()) return inline_;
    heap_ = new int[stored()];
    return heap_;
  }
  void Release() {
    if (on_heap()) delete[] heap_;
    size_ = 0;
    groups_ = 0;
  }
  void CopyFrom(const Ranking& other) {
    size_ = other.size_;
    groups_ = other.groups_;
    std::copy(other.data(), other.data() + other.stored(), Allocate());
  }
  void MoveFrom(Ranking& other) {
    size_ = other.size_;
    groups_ = other.groups_;
    if (on_heap()) {
      heap_ = other.heap_;
    } else {
      std::copy(other.inline_, other.inline_ + stored(), inline_);
    }
    other.size_ = 0;
    other.groups_ = 0;
  }

  uint32_t size_ = 0;
  uint32_t groups_ = 0;  // the group count, and kEndsStored
  union {
    int inline_[kInline];
    int* heap_;
  };
};
static_assert(sizeof(Ranking) == 64, "a ranking fills one cache line");

class Ranking::GroupIterator final {
 public:
  using value_type = std::span<const int>;
  using difference_type = std::ptrdiff_t;

  GroupIterator() = default;
  GroupIterator(const Ranking* ranking, std::size_t index) : ranking_(ranking), index_(index) {}
  std::span<const int> operator*() const { return ranking_->group(index_); }
  GroupIterator& operator++() {
    ++index_;
    return *this;
  }
  GroupIterator operator++(int) {
    GroupIterator before = *this;
    ++index_;
    return before;
  }
  friend bool operator==(const GroupIterator& a, const GroupIterator& b) {
    return a.index_ == b.index_;
  }

 private:
  const Ranking* ranking_ = nullptr;
  std::size_t index_ = 0;
};

class Ranking::Groups final {
 public:
  explicit Groups(const Ranking* ranking) : ranking_(ranking) {}
  GroupIterator begin() const { return {ranking_, 0}; }
  GroupIterator end() const { return {ranking_, ranking_->group_count()}; }

 private:
  const Ranking* ranking_;
};

inline Ranking::Groups Ranking::groups() const { return Groups(this); }

// One voter's answer (or `multiplicity` identical answers). Which fields a method reads
// depends on the kind of vote:
// - ranked: `ranking`, best first; a group of several candidates is a tie; unlisted
//   candidates are unranked (below every listed one).
// - approval, choose-1, dot: `ranking` holds one group with the approved candidates.
// - score, cumulative, majority judgment: `scores` (candidate -> points or grade); a
//   candidate absent from `scores` was not scored.
struct Ballot final {
  // Counting reads these two for every ballot: they come first, in one cache line.
  Ranking ranking;
  int64_t multiplicity = 1;  // identical ballots, as files aggregate them
  std::map<int, int64_t> scores;
  std::string sector;        // "third", "statutory", ... when known ("" otherwise)
  std::string organisation;  // the voter's organisation when known ("" otherwise)
};

// Candidates are 0..candidates.size()-1 in ballots; names are as written in the file.
struct Election final {
  std::string title;
  std::vector<std::string> candidates;
  int seats = 1;
  std::vector<Ballot> ballots;
};

// Participatory budgeting: projects with costs and a budget. Costs and the budget are
// exact decimals written as in the file ("969245.38"); engines convert them exactly.
struct Project final {
  std::string id;
  std::string name;
  std::string cost;
  std::map<std::string, std::string> fields;  // every other column of the file, by header
};

struct BudgetInstance final {
  std::map<std::string, std::string> meta;  // META section, by key
  std::vector<Project> projects;            // ballots refer to projects by index
  std::string budget;
  std::string vote_type;  // approval, choose-1, cumulative, scoring, ordinal
  std::vector<Ballot> ballots;
};

// What every method returns: the outcome, and what a results page needs to explain it.
struct Result final {
  std::string method;
  int seats = 1;
  // Candidate names as written in the file (for STV, in order of election), or project ids.
  std::vector<std::string> winners;
  // Method-specific explanation: STV and IRV stages, the Schulze matrix and paths, what
  // each voter paid under equal shares... Shape documented by each method.
  nlohmann::json explanation = nlohmann::json::object();
  // Set when a tie was decided by lot: the seed that was used.
  std::optional<uint64_t> lot_seed;
};

// A malformed input: which file, which line (1-based; 0 when not about one line), and a
// sentence saying what was wrong.
struct ParseError final {
  std::string file;
  int line = 0;
  std::string message;
  std::string ToString() const;  // "file:line: message"
};

// Draws for ties the rules leave to chance. Deterministic for a given seed; records whether
// it was used so the result can report the seed.
class Lot final {
 public:
  explicit Lot(uint64_t seed) : seed_(seed), engine_(seed) {}
  // A uniformly drawn index in [0, n). n must be positive.
  std::size_t Draw(std::size_t n);
  bool used() const { return used_; }
  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
  std::mt19937_64 engine_;
  bool used_ = false;
};

}  // namespace coproduce::tally
