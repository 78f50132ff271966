// `coproduce tally FILE --method METHOD ...`: counts a ballot file with the vote-counting
// engine and prints the result, readable or as JSON. A stable interface: scripts depend on
// its options, its JSON and its exit status (0 counted, 2 usage error, 3 malformed input).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace coproduce::cli {

struct TallyArgs final {
  std::string file;
  std::string method;
  std::optional<int> seats;
  bool json = false;
  std::string weights = "person";
  uint64_t seed = 1;
  // pb-greedy
  bool no_skip = false;
  std::optional<std::string> threshold;
  // pb-mes
  std::string utility = "cost";
  std::string completion = "add1u";
  bool no_exhaustive_stop = false;
  std::string tie_break;
  bool voter_groups = false;
  // dot voting
  int64_t dots = 0;
};

// Adds the subcommand to `cli`; `args` receives its options.
CLI::App* AddTallyCommand(CLI::App& cli, TallyArgs& args);
// Counts and prints; returns the exit status.
int RunTally(const TallyArgs& args);

}  // namespace coproduce::cli
