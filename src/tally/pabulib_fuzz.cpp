// libFuzzer target for the .pb reader (built with -DCOPRODUCE_FUZZ=ON, see README.md): any
// input must parse or fail with a ParseError, and whatever parses must be written and read
// back to the same instance.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tally/pabulib.hpp"

namespace {

bool Same(const coproduce::tally::BudgetInstance& a, const coproduce::tally::BudgetInstance& b) {
  if (a.budget != b.budget || a.vote_type != b.vote_type || a.meta != b.meta) return false;
  if (a.projects.size() != b.projects.size() || a.ballots.size() != b.ballots.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.projects.size(); ++i) {
    const auto& x = a.projects[i];
    const auto& y = b.projects[i];
    if (x.id != y.id || x.name != y.name || x.cost != y.cost || x.fields != y.fields) return false;
  }
  for (std::size_t i = 0; i < a.ballots.size(); ++i) {
    const auto& x = a.ballots[i];
    const auto& y = b.ballots[i];
    if (x.ranking != y.ranking || x.scores != y.scores || x.multiplicity != y.multiplicity) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace coproduce::tally;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = ReadPabulib(text, "fuzz.pb");
  const auto* instance = std::get_if<BudgetInstance>(&parsed);
  if (instance == nullptr) return 0;
  const auto again = ReadPabulib(WritePabulib(*instance), "written.pb");
  const auto* second = std::get_if<BudgetInstance>(&again);
  if (second == nullptr || !Same(*instance, *second)) std::abort();
  return 0;
}
