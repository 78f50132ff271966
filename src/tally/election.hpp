// The vote-counting engine's shared vocabulary: an election (candidates or projects, seats,
// ballots), the result every method returns, and the parse error every reader returns.
// No HTTP, no SQL: ballots in, results out. Every method is deterministic; where the rules
// say "by lot", the method draws from a Lot seeded by the caller and reports the seed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace coproduce::tally {

// One voter's answer (or `multiplicity` identical answers). Which fields a method reads
// depends on the kind of vote:
// - ranked: `ranking`, best first; a group of several candidates is a tie; unlisted
//   candidates are unranked (below every listed one).
// - approval, choose-1, dot: `ranking` holds one group with the approved candidates.
// - score, cumulative, majority judgment: `scores` (candidate -> points or grade); a
//   candidate absent from `scores` was not scored.
struct Ballot final {
  std::vector<std::vector<int>> ranking;
  std::map<int, int64_t> scores;
  int64_t multiplicity = 1;  // identical ballots, as files aggregate them
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
