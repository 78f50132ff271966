// Our own plain CSV ballot format: one row per voter, one column per candidate, so that a
// partnership can prepare or inspect ballots in a spreadsheet.
//
//   # kind: ranked
//   # title: Chair of the partnership board
//   # seats: 1
//   voter,sector,organisation,Alice Brown,Bob Khan,Carol Ng
//   v1,third,Riverside Trust,1,2,
//   v2,statutory,NHS Hills,2,1,2
//
// - Lines starting with '#' before the header row are `# key: value` settings: `kind`
//   (required: ranked, approval or score), `title` and `seats` (default 1). Other keys are
//   errors, so that a misspelt setting is not silently ignored.
// - The header row is `voter,sector,organisation` then one column per candidate, each name
//   non-empty and different.
// - Each further row is one voter. `voter` is an identifier (empty, or unique in the file);
//   `sector` and `organisation` may be empty.
// - Candidate cells, by kind:
//     ranked:   a rank, a whole number from 1 (first); equal ranks are a tie; gaps are allowed
//               (only the order matters); empty = unranked.
//     approval: 1 = approved; 0 or empty = not approved.
//     score:    a whole number (the method checks the scale); empty = not scored.
// - RFC 4180: fields may be quoted with '"', a quote inside doubled (""); quoted fields may
//   span lines; line endings LF or CRLF. Unquoted fields are trimmed of spaces and tabs.
//   Empty lines are skipped. Errors name the line where the row starts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "tally/election.hpp"

namespace coproduce::tally {

enum class BallotKind { kRanked, kApproval, kScore };
std::optional<BallotKind> BallotKindFromString(std::string_view text);  // "ranked", ...
std::string_view ToString(BallotKind kind);

struct BallotCsv final {
  BallotKind kind = BallotKind::kRanked;
  // One Ballot per row (multiplicity 1) in file order. Ranked: `ranking` by rank; approval:
  // `ranking` is one group of the approved candidates (empty if none); score: `scores`.
  Election election;
};

// Parses `text`; `file_name` is only used in errors. Never throws or crashes on malformed
// input; the first problem is returned as a ParseError.
std::variant<BallotCsv, ParseError> ReadBallotCsv(std::string_view text,
                                                  std::string_view file_name);

// The CSV of `election` as `kind`, which ReadBallotCsv reads back to the same election with
// every ballot of multiplicity k written as k rows (voters numbered 1, 2, ...). Ranks are
// written dense (1, 2, 3 by group). Ballots that cannot be written (unknown or repeated
// candidate) are left out. A newline in the title becomes a space.
std::string WriteBallotCsv(const Election& election, BallotKind kind);

}  // namespace coproduce::tally
