// libFuzzer entry point for the BLT reader (built with -DCOPRODUCE_FUZZ=ON and clang): any
// input must give an election or a ParseError without crashing, and an election must
// survive WriteBlt and ReadBlt unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "tally/blt.hpp"

namespace {

bool SameElection(const coproduce::tally::Election& a, const coproduce::tally::Election& b) {
  if (a.title != b.title || a.candidates != b.candidates || a.seats != b.seats ||
      a.ballots.size() != b.ballots.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.ballots.size(); ++i) {
    if (a.ballots[i].ranking != b.ballots[i].ranking ||
        a.ballots[i].multiplicity != b.ballots[i].multiplicity) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using coproduce::tally::Election;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = coproduce::tally::ReadBlt(text, "fuzz.blt");
  const auto* election = std::get_if<Election>(&result);
  if (election == nullptr) return 0;
  const auto again = coproduce::tally::ReadBlt(coproduce::tally::WriteBlt(*election), "again.blt");
  const auto* reread = std::get_if<Election>(&again);
  if (reread == nullptr || !SameElection(*election, *reread)) __builtin_trap();
  return 0;
}
