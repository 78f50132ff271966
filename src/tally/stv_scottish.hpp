// Scottish STV: the statutory count of the Scottish Local Government Elections Order 2007
// (SSI 2007/42, Schedule 1, rules 45-52; re-enacted unchanged in 2011), stage by stage in
// fixed-point units of 1e-5 as the rules prescribe. See shared/specs/voting.md section 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tally/election.hpp"

namespace coproduce::tally {

// Vote values are int64 counts of 1e-5, the statute's five decimal places; one paper is
// 100000 units.
inline constexpr int64_t kUnitsPerPaper = 100'000;

// The most papers (sum of multiplicities) an STV count accepts. It keeps every value in
// range: 10^17 units, and surplus x value below 10^22 in the 128-bit intermediate.
inline constexpr int64_t kMaxStvPapers = 1'000'000'000'000;

// How a transfer value is cut to whole units. The statute truncates ("any remainder being
// ignored"); half-even exists so that a test can show that a rounding count is caught.
enum class TransferRounding { kTruncate, kHalfEven };

// The new value, in units, of one paper of value `paper_value` in a surplus transfer:
// surplus x paper_value / candidate_total, cut to a whole unit by `rounding`, with a 128-bit
// intermediate. Needs 0 <= surplus <= candidate_total, 0 < candidate_total, 0 <= paper_value.
int64_t TransferValue(int64_t surplus, int64_t paper_value, int64_t candidate_total,
                      TransferRounding rounding);

// `units` counts of 10^-places written with exactly `places` decimals (0 <= places <= 18):
// FormatFixed(123, 5) == "0.00123", FormatFixed(-5, 2) == "-0.05".
std::string FormatFixed(int64_t units, int places);

// A vote value in units as the statute writes it, with 5 decimals: "1381.00000".
std::string FormatUnits(int64_t units);

// Ranked papers as both STV counts read them: each ballot cut at its first tied group or
// unknown candidate id, empty ones set aside, identical preference lists merged.
struct PaperPath final {
  std::size_t begin = 0;  // into PaperPaths::preferences
  std::size_t end = 0;
  int64_t papers = 0;
};
struct PaperPaths final {
  std::vector<int> preferences;  // candidate ids, every path one after another
  std::vector<PaperPath> paths;  // in order of first appearance
  int64_t valid_papers = 0;
  int64_t invalid_papers = 0;  // no usable first preference
};

// Groups `election`'s ballots into paths (O(total ranking length), no sorting). Throws
// std::invalid_argument when a multiplicity is negative or the papers exceed kMaxStvPapers.
PaperPaths MergeIdenticalPapers(const Election& election);

// Counts `election` under rules 45-52. A paper counts as ranked up to its first tied group or
// unknown candidate id; a paper with no first preference is invalid and not in the quota.
// Ties the rules leave to chance are drawn from `lot` (Result.lot_seed is then set).
//
// Result.winners: names in order of election (several at one stage: most votes first).
// Result.explanation: {"quota", "valid_papers", "invalid_papers", "stages": [{"stage",
// "action": "first preferences" | "surplus of NAME" | "exclusion of NAME", "votes": {NAME:
// value, every candidate}, "non_transferable", "loss" (both cumulative), "elected": [NAME],
// optional "deemed_elected" (rule 52), optional "surplus"}], "ties": [{"stage", "rule":
// "r.49" | "r.51", "between", "decided_by": "earlier stage N" | "lot", "chosen"}]}; values
// are FormatUnits strings. Throws std::invalid_argument when seats < 1, a multiplicity is
// negative or the papers exceed kMaxStvPapers. `rounding` other than kTruncate is not the law.
Result CountScottishStv(const Election& election, Lot& lot,
                        TransferRounding rounding = TransferRounding::kTruncate);

}  // namespace coproduce::tally
