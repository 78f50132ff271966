// Reads and writes BLT ballot files, the plain-text format of OpenSTV, Droop and eSTV that
// carries ranked ballots with the number of seats:
//
//   4 2            candidates, seats
//   -3             optional: withdrawn candidates, as negative ids
//   5 1 2 0        weight, then candidate ids best first (1-based), then 0
//   0              end of ballots
//   "Alice"        one quoted name per candidate
//   "Title"        the election's title
//
// Blank lines and CRLF line ends are accepted; anything else that is not in the format is an
// error that names the file, the line and what was wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "tally/election.hpp"

namespace coproduce::tally {

// The most papers a BLT file may hold in total (the sum of its weights). It keeps every
// count in range: 10^12 papers are 10^17 units of 1e-5, well inside int64.
inline constexpr int64_t kMaxBltPapers = 1'000'000'000'000;

// Parses a BLT file into an Election: one Ballot per distinct ranking (identical lines are
// merged, weights added, in order of first appearance), each preference its own group.
// Withdrawn candidates are dropped from the candidates and every ballot (ids renumbered).
// Malformed input gives a ParseError with `file_name`, the 1-based line and a sentence;
// nothing in `text` can make it crash.
std::variant<Election, ParseError> ReadBlt(std::string_view text, std::string_view file_name);

// Writes `election` as BLT; an election that ReadBlt produced reads back unchanged. Ballots
// with multiplicity < 1 and unknown candidate ids are left out, a tied group is written with
// '=' (an extension ReadBlt refuses), and line feeds in names and the title become spaces.
std::string WriteBlt(const Election& election);

}  // namespace coproduce::tally
