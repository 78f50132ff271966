// libFuzzer entry point for the CSV ballot reader (built only with -DCOPRODUCE_FUZZ=ON and
// clang). Checks that no input crashes the reader, that whatever it accepts the writer writes
// back to the same ballots, and that every method and weighting counts it without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tally/ballot_csv.hpp"
#include "tally/single_winner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace coproduce::tally;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto read = ReadBallotCsv(text, "fuzz.csv");
  const BallotCsv* f = std::get_if<BallotCsv>(&read);
  if (f == nullptr) return 0;
  auto again = ReadBallotCsv(WriteBallotCsv(f->election, f->kind), "fuzz.csv");
  const BallotCsv* back = std::get_if<BallotCsv>(&again);
  if (back == nullptr || back->kind != f->kind ||
      back->election.candidates != f->election.candidates ||
      back->election.ballots.size() != f->election.ballots.size()) {
    __builtin_trap();
  }
  for (std::size_t i = 0; i < f->election.ballots.size(); ++i) {
    const Ballot& a = f->election.ballots[i];
    const Ballot& b = back->election.ballots[i];
    if (a.ranking != b.ranking || a.scores != b.scores || a.sector != b.sector ||
        a.organisation != b.organisation) {
      __builtin_trap();
    }
  }
  if (f->election.candidates.size() > 50 || f->election.ballots.size() > 2000) return 0;
  for (const Weighting mode : {Weighting::kPerson, Weighting::kOrganisation, Weighting::kSector}) {
    const BallotWeights weights = WeighBallots(f->election, mode);
    CountOptions options;
    options.sector_threshold = Fraction{1, 2};
    options.dots = 5;
    for (const std::string_view method : MethodNames()) {
      Lot lot(1);
      (void)CountByMethod(method, f->election, weights, options, lot);
    }
  }
  return 0;
}
