// Reads and writes Pabulib `.pb` files, the participatory-budgeting format of pabulib.org
// (spec voting.md section 3): UTF-8, `;`-separated CSV with real quoting, in three sections
// META, PROJECTS and VOTES, each followed by a header row.
//
// What the reader keeps: every META entry; per project its id, cost (a decimal comma becomes a
// point), name and every other column in Project::fields (a `none` value, in any case, means
// absent); per vote the ballot, with identical ballots aggregated into one with a multiplicity.
// Voter ids and other voter columns (age, sex, ...) are dropped. Ballots by vote type:
// - approval, choose-1: `ranking` is one group, the approved projects by index;
// - cumulative, scoring: `scores` from the parallel `points` column;
// - ordinal: `ranking` best first, one project per group.
// Aggregated ballots keep the order in which each first appeared in the file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "tally/election.hpp"

namespace coproduce::tally {

// Parses `text`, the content of a .pb file; `file_name` only labels errors. Never throws on
// bad input: an unknown project in a vote, a missing section or column, a bad number, a
// duplicate project id or a points list of the wrong length is a ParseError with its line.
std::variant<BudgetInstance, ParseError> ReadPabulib(std::string_view text,
                                                     std::string_view file_name);

// Reads and parses the file at `path`; a file that cannot be read is a ParseError (line 0).
std::variant<BudgetInstance, ParseError> ReadPabulibFile(const std::filesystem::path& path);

// Writes `instance` as a .pb file that ReadPabulib reads back to an equal instance: META
// with `budget` and `vote_type` taken from the instance, then projects, then one vote line
// per voter (a ballot of multiplicity m is written m times, with voter ids 1, 2, ...).
// Ordinal ballots must have one project per group: the format cannot express ties.
std::string WritePabulib(const BudgetInstance& instance);

}  // namespace coproduce::tally
