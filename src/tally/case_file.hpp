// Data-driven tally tests: a small text format holding an election, how to count it and what
// the count must give, so that adding a case needs no C++. The format is described in
// tests/data/tally/README.md. Parsing is method-neutral (options are kept as text), so other
// counting modules can run their own cases with ParseTallyCase and CheckTallyCase.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tally/election.hpp"
#include "tally/single_winner.hpp"
#include "tally/weighting.hpp"

namespace coproduce::tally {

struct TallyCase final {
  std::string file;
  std::string method;
  Election election;
  Weighting weighting = Weighting::kPerson;
  std::vector<Fraction> given_weights;         // one per ballot (1 unless `weight=` is given)
  std::map<std::string, std::string> options;  // `option name: value`, as written
  std::optional<uint64_t> seed;

  struct Expectation {
    int line = 0;
    // "winners", "ranking", "lot-seed", "explanation<json pointer>" (checked by
    // CheckTallyCase), or any other subject a module's own runner checks ("quota").
    std::string subject;
    std::string value;  // as written after the colon
  };
  std::vector<Expectation> expectations;
};

// Parses a case. Errors name the line and say what is wrong.
std::variant<TallyCase, ParseError> ParseTallyCase(std::string_view text, std::string_view file);
std::variant<TallyCase, ParseError> ReadTallyCaseFile(const std::filesystem::path& path);

// The case's options as CountOptions: borda-truncation (averaged|truncated), score-min,
// score-max, score-missing (ignore|minimum), dots, sector-threshold (a Fraction). Any other
// option, or a bad value, is an error.
std::variant<CountOptions, ParseError> CountOptionsOf(const TallyCase& tally_case);

// Counts the case with CountByMethod, its weights and a Lot seeded with its seed (0 if none).
std::variant<Result, ParseError> RunTallyCase(const TallyCase& tally_case);

// One sentence per expectation that `result` does not meet, or that is not one of the four
// subjects above; empty when all are met. Numbers
// compare with a relative tolerance of 1e-9; a ranking's groups compare as sets. A result
// that drew lots fails unless the case gives a seed.
std::vector<std::string> CheckTallyCase(const TallyCase& tally_case, const Result& result);

}  // namespace coproduce::tally
