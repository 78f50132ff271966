// `coproduce opinion PATH [--json] [--replay] [--groups FILE]`: computes the opinion map of a
// conversation exported from Pol.is and prints it, readable or as JSON. A stable interface:
// scripts depend on its options, its JSON and its exit status (0 done, 2 usage error,
// 3 malformed input).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace coproduce::cli {

struct OpinionArgs final {
  std::string path;
  bool json = false;
  bool replay = false;
  std::string groups;
};

CLI::App* AddOpinionCommand(CLI::App& cli, OpinionArgs& args);
int RunOpinion(const OpinionArgs& args);

}  // namespace coproduce::cli
