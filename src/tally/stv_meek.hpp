// Meek STV as OpenSTV's "MeekSTV" and Droop's "meek" rule count it: every elected candidate
// keeps a fraction (keep factor) of each vote that reaches it and passes the rest on; keep
// factors are iterated until the surpluses fall below a tolerance, with the Droop quota
// recomputed from the votes not yet exhausted; when no one reaches the quota the lowest
// candidate is excluded and the ballots are counted again as if they had never been there.
//
// Arithmetic: fixed point, int64 counts of 1e-9 (with 128-bit products), not exact
// rationals. Keep factors only converge, so an exact count must stop at a tolerance anyway,
// and a rational keep factor's denominator grows with every iteration, which makes the cost
// of a 30,000-ballot count unbounded; integers at 1e-9 are deterministic on every machine and
// nine decimals lie far below the tolerance. Rounding follows OpenSTV: a candidate keeps
// weight x keep factor rounded down, the ballot passes on weight x (1 - keep factor) rounded
// down, new keep factors are rounded up (Droop v0.14 fixed-point "meek", omega 1e-6).
#pragma once

#include <cstdint>

#include "tally/election.hpp"

namespace coproduce::tally {

// One paper is 10^9 units.
inline constexpr int64_t kMeekUnitsPerPaper = 1'000'000'000;

// The most papers a Meek count accepts, so that 10^9 units per paper stay within int64.
inline constexpr int64_t kMaxMeekPapers = 1'000'000'000;

// Iteration stops when the elected candidates' total surplus is at most this (1e-6 votes).
inline constexpr int64_t kMeekTolerance = 1'000;

// Counts `election` with Meek STV. Ballots are read as by CountScottishStv (cut at a tie or
// an unknown id; empty ones are invalid). Exclusion ties go to the candidate with the fewest
// votes at the most recent earlier stage where the tied ones differed, else to `lot`.
// Result.winners: names in order of election. Result.explanation: {"arithmetic", "stages":
// [{"stage", "action": "first preferences" | "election of NAMES" | "exclusion of NAME",
// "iterations", "quota", "votes": {NAME: value}, "keep_factors": {NAME: value}, "exhausted",
// "surplus", "elected": [NAME], optional "deemed_elected"}], "ties", "valid_papers",
// "invalid_papers"}; values have 9 decimals. Throws std::invalid_argument when seats < 1, a
// multiplicity is negative or the papers exceed kMaxMeekPapers.
Result CountMeekStv(const Election& election, Lot& lot);

}  // namespace coproduce::tally
