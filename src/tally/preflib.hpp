// PrefLib ordinal preference files (.soc .soi .toc .toi, the format since September 2022):
// reading them into an Election and writing an Election back out. See
// shared/specs/voting.md section 2 for the format.
//
// Reading is strict, because a silently misread ballot changes a count:
// - every alternative 1..NUMBER ALTERNATIVES needs a non-empty `# ALTERNATIVE NAME i:`, and
//   names must differ (names are trimmed of surrounding blanks);
// - each data line is `count: order`; count is a positive whole number; the order lists
//   alternative ids separated by commas, `{a,b}` for a tie; an empty order is a blank ballot;
// - soc/soi files may not contain ties (a single id in braces is allowed); soc/toc orders must
//   list every alternative;
// - if NUMBER VOTERS is given, the counts must add up to it: a mismatch means a truncated or
//   hand-edited file, and counting it anyway would publish a result for different votes.
//   NUMBER UNIQUE ORDERS is not checked (it describes, it does not count).
// - DATA TYPE comes from the header, or else from the file name's extension.
// Unknown header keys and `#` lines without a key are ignored. Seats are not in PrefLib
// files: the election has seats 1. Each data line becomes one Ballot with multiplicity
// `count`, in file order; sector and organisation are empty.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "tally/election.hpp"

namespace coproduce::tally {

// Parses `text`; `file_name` is used in errors and for the type when the header has none.
// Never throws or crashes on malformed input; the first problem is returned as ParseError.
std::variant<Election, ParseError> ReadPreflib(std::string_view text, std::string_view file_name);
// Reads and parses a file; a file that cannot be read is a ParseError with line 0.
std::variant<Election, ParseError> ReadPreflibFile(const std::filesystem::path& path);

// The DATA TYPE that fits the election's ballots: "soc" (all complete, no ties), "soi" (some
// incomplete, no ties), "toc" (ties, all complete) or "toi".
std::string_view PreflibDataType(const Election& election);

// A PrefLib file of the election that ReadPreflib reads back to the same candidates and
// ballot multiset. Identical orders are merged into one line (ties sorted by id), lines are
// ordered by count, largest first. A newline in a name or the title becomes a space. Ballots that
// cannot be written (multiplicity below 1, unknown or repeated candidate) are left out.
std::string WritePreflib(const Election& election, std::string_view file_name = "");

}  // namespace coproduce::tally
