// libFuzzer entry point for the PrefLib reader (built only with -DCOPRODUCE_FUZZ=ON and clang).
// Checks that no input crashes the reader, that whatever it accepts the writer writes back to
// the same votes, and that every method counts it without crashing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string_view>
#include <vector>

#include "tally/preflib.hpp"
#include "tally/single_winner.hpp"

namespace {

using coproduce::tally::Election;

std::map<std::vector<std::vector<int>>, int64_t> Votes(const Election& e) {
  std::map<std::vector<std::vector<int>>, int64_t> votes;
  for (const auto& b : e.ballots) {
    std::vector<std::vector<int>> order;
    for (const std::span<const int> group : b.ranking.groups()) {
      order.emplace_back(group.begin(), group.end());
      std::sort(order.back().begin(), order.back().end());
    }
    votes[order] += b.multiplicity;
  }
  return votes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace coproduce::tally;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto read = ReadPreflib(text, "fuzz.toi");
  const Election* e = std::get_if<Election>(&read);
  if (e == nullptr) return 0;
  const std::string written = WritePreflib(*e, "fuzz.toi");
  auto again = ReadPreflib(written, "fuzz.toi");
  const Election* back = std::get_if<Election>(&again);
  if (back == nullptr || back->candidates != e->candidates || Votes(*back) != Votes(*e))
    __builtin_trap();
  if (e->candidates.size() > 50 || e->ballots.size() > 2000) return 0;
  const BallotWeights weights = WeighBallots(*e, Weighting::kPerson);
  for (const std::string_view method : MethodNames()) {
    Lot lot(1);
    (void)CountByMethod(method, *e, weights, CountOptions{}, lot);
  }
  return 0;
}
