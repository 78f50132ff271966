// How much each ballot counts. A partnership can count one vote per person, one vote per
// organisation, or give each sector the same say; every counting method takes the result as
// exact integer weights, so that weighting never introduces rounding into a count.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tally/election.hpp"

namespace coproduce::tally {

// A non-negative exact fraction, for ballot weights and shares ("1/3", "0.25", "50%").
struct Fraction final {
  int64_t numerator = 1;
  int64_t denominator = 1;  // positive

  // Accepts "3", "1/3", "0.125" (at most 18 digits) and a trailing "%" on any of them.
  // Returns nullopt for anything else, negatives, or a zero denominator. Result is reduced.
  static std::optional<Fraction> FromString(std::string_view text);
  std::string ToString() const;  // "1/3", or "2" when whole
};

enum class Weighting {
  kPerson,        // each ballot weight 1 (times its multiplicity)
  kOrganisation,  // the k voters of one organisation weigh 1/k each; voters with none weigh 1
  kSector,        // each sector weighs the same in total: N / (S * n_s) per voter (see .cpp)
  kGiven,         // the weights passed in, one per ballot (per voter of that ballot)
};
std::optional<Weighting> WeightingFromString(std::string_view text);  // "person", ...
std::string_view ToString(Weighting weighting);

// Per-ballot integer weights: ballot i counts `units[i]` (its multiplicity included), and one
// person's vote at weight 1 is `units_per_vote` units. Every method sums units in int64;
// the total is at most 2^62 so no sum overflows.
struct BallotWeights final {
  Weighting weighting = Weighting::kPerson;
  std::vector<int64_t> units;
  int64_t units_per_vote = 1;
  // False only when the exact common denominator would not fit (hundreds of distinct
  // organisation sizes, or more than 2^50 voters): weights are then rounded to about 15
  // significant digits, and the explanation says so.
  bool exact = true;

  // Ballot i's units; 0 past the end, so a short vector cannot make a count read past it.
  int64_t UnitsOf(std::size_t ballot) const { return ballot < units.size() ? units[ballot] : 0; }

  // `amount / divisor` units as votes, for explanations: a JSON integer when whole,
  // otherwise a double. (Borda passes divisor 2 because it counts half points.)
  nlohmann::json Votes(__int128 amount, int64_t divisor = 1) const;
  // What a results page states about the weighting.
  nlohmann::json Describe() const;
};

// The weights of `election`'s ballots under `weighting`. `given` (only for kGiven) holds one
// weight per ballot; missing entries weigh 1. Ballots with multiplicity below 1 weigh 0.
// Organisation and sector shares are taken over every ballot cast, valid or not (validity
// depends on the method): a spoilt ballot loses its share, as a spoilt paper loses its vote.
BallotWeights WeighBallots(const Election& election, Weighting weighting,
                           std::span<const Fraction> given = {});

// The sectors present in `election`, sorted; a ballot with no sector is in the sector "".
// `sector_of[i]` is ballot i's index into the returned list.
std::vector<std::string> SectorsOf(const Election& election, std::vector<int>& sector_of);

}  // namespace coproduce::tally
