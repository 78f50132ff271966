#include "cli/tally_command.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <variant>

#include "tally/ballot_csv.hpp"
#include "tally/blt.hpp"
#include "tally/budgeting.hpp"
#include "tally/equal_shares.hpp"
#include "tally/pabulib.hpp"
#include "tally/preflib.hpp"
#include "tally/single_winner.hpp"
#include "tally/stv_meek.hpp"
#include "tally/stv_scottish.hpp"
#include "tally/weighting.hpp"

namespace coproduce::cli {
namespace {

using tally::ParseError;

constexpr int kUsage = 2;
constexpr int kMalformed = 3;

const std::vector<std::string> kMethods = {
    "plurality", "approval",     "dot",          "score",    "majority-judgment", "borda", "irv",
    "schulze",   "ranked-pairs", "stv-scottish", "stv-meek", "pb-greedy",         "pb-mes"};

std::string Extension(const std::string& file) {
  const auto dot = file.rfind('.');
  std::string ext = dot == std::string::npos ? "" : file.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

int Malformed(const ParseError& error) {
  std::cerr << error.ToString() << "\n";
  return kMalformed;
}

int Usage(const std::string& message) {
  std::cerr << "coproduce tally: " << message << "\n";
  return kUsage;
}

// Reads a ranked, approval or score file (not Pabulib) into an election.
std::variant<tally::Election, ParseError> ReadElection(const std::string& file,
                                                       const std::string& text) {
  const std::string ext = Extension(file);
  if (ext == "blt") return tally::ReadBlt(text, file);
  if (ext == "soi" || ext == "soc" || ext == "toi" || ext == "toc") {
    return tally::ReadPreflib(text, file);
  }
  if (ext == "csv") {
    auto csv = tally::ReadBallotCsv(text, file);
    if (auto* error = std::get_if<ParseError>(&csv)) return *error;
    return std::get<tally::BallotCsv>(std::move(csv)).election;
  }
  return ParseError{file, 0,
                    "This is not a ballot file we can read. Use .blt, .soi, .soc, .toi, .toc, "
                    ".csv, or .pb for budgeting methods."};
}

std::optional<std::vector<tally::MesTieBreak>> ParseTieBreaks(const std::string& list) {
  std::vector<tally::MesTieBreak> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == "max-votes") {
      out.push_back(tally::MesTieBreak::kMaxVotes);
    } else if (item == "min-cost") {
      out.push_back(tally::MesTieBreak::kMinCost);
    } else if (item == "max-cost") {
      out.push_back(tally::MesTieBreak::kMaxCost);
    } else if (item == "lexicographic") {
      out.push_back(tally::MesTieBreak::kLexicographic);
    } else if (!item.empty()) {
      return std::nullopt;
    }
  }
  return out;
}

std::variant<tally::Result, ParseError, std::string> CountBudget(const TallyArgs& args,
                                                                 const std::string& text) {
  auto read = tally::ReadPabulib(text, args.file);
  if (auto* error = std::get_if<ParseError>(&read)) return *error;
  const auto& instance = std::get<tally::BudgetInstance>(read);
  if (args.method == "pb-greedy") {
    tally::GreedyOptions options;
    options.variant = args.no_skip ? tally::GreedyVariant::kNoSkip : tally::GreedyVariant::kSkip;
    const bool meta_threshold = instance.meta.count("min_project_score_threshold") > 0;
    if (args.threshold || (meta_threshold && !args.no_skip)) {
      if (args.no_skip) return std::string("--threshold and --no-skip cannot be used together.");
      options.variant = tally::GreedyVariant::kThreshold;
      options.threshold = args.threshold;
    }
    auto result = tally::CountGreedy(instance, options);
    if (auto* error = std::get_if<ParseError>(&result)) return *error;
    return std::get<tally::Result>(std::move(result));
  }
  tally::MesOptions options;
  if (args.utility == "cost") {
    options.utility = tally::MesUtility::kCost;
  } else if (args.utility == "cardinality") {
    options.utility = tally::MesUtility::kCardinality;
  } else {
    return std::string("--utility must be cost or cardinality.");
  }
  if (args.completion == "none") {
    options.completion = tally::MesCompletion::kNone;
  } else if (args.completion == "add1") {
    options.completion = tally::MesCompletion::kAdd1;
  } else if (args.completion == "add1u") {
    options.completion = tally::MesCompletion::kAdd1Utilitarian;
  } else {
    return std::string("--completion must be none, add1 or add1u.");
  }
  options.add1_exhaustive_stop = !args.no_exhaustive_stop;
  const auto tie_breaks = ParseTieBreaks(args.tie_break);
  if (!tie_breaks) {
    return std::string(
        "--tie-break takes a comma list of max-votes, min-cost, max-cost, lexicographic.");
  }
  options.tie_breaks = *tie_breaks;
  options.explain_voter_groups = args.voter_groups;
  auto result = tally::CountEqualShares(instance, options);
  if (auto* error = std::get_if<ParseError>(&result)) return *error;
  return std::get<tally::Result>(std::move(result));
}

std::variant<tally::Result, ParseError, std::string> CountRanked(const TallyArgs& args,
                                                                 const std::string& text) {
  auto read = ReadElection(args.file, text);
  if (auto* error = std::get_if<ParseError>(&read)) return *error;
  tally::Election election = std::get<tally::Election>(std::move(read));
  if (args.seats) election.seats = *args.seats;
  tally::Lot lot(args.seed);
  if (args.method == "stv-scottish" || args.method == "stv-meek") {
    if (args.weights != "person") {
      return std::string("STV counts whole ballot papers: --weights must be person.");
    }
    return args.method == "stv-scottish" ? tally::CountScottishStv(election, lot)
                                         : tally::CountMeekStv(election, lot);
  }
  const auto weighting = tally::WeightingFromString(args.weights);
  if (!weighting || *weighting == tally::Weighting::kGiven) {
    return std::string("--weights must be person, organisation or sector.");
  }
  tally::CountOptions options;
  options.dots = args.dots;
  const tally::BallotWeights weights = tally::WeighBallots(election, *weighting);
  auto result = tally::CountByMethod(args.method, election, weights, options, lot);
  if (!result) return std::string("Unknown method " + args.method + ".");
  return *std::move(result);
}

// The result as one JSON object: method, seats, winners, then the method's explanation.
nlohmann::json ToJson(const tally::Result& result) {
  nlohmann::json out = {
      {"method", result.method}, {"seats", result.seats}, {"winners", result.winners}};
  for (const auto& [key, value] : result.explanation.items()) {
    if (!out.contains(key)) out[key] = value;
  }
  if (result.lot_seed) out["lot_seed"] = *result.lot_seed;
  return out;
}

std::string Plain(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// Equal shares, for people: the share each voter had, then each round with what its
// supporters paid, what the completion added, and the list of ballot groups if asked for.
void PrintEqualShares(const tally::Result& result) {
  const nlohmann::json& e = result.explanation;
  const auto text = [&](const nlohmann::json& object, const char* key) {
    return object.contains(key) ? Plain(object[key]) : std::string();
  };
  std::cout << "Method: equal shares (" << text(e, "utility") << " utilities, completion "
            << text(e, "completion") << ")\n"
            << "Budget: " << text(e, "budget") << ", " << text(e, "voters") << " voters\n";
  if (e.contains("note")) std::cout << text(e, "note") << "\n";
  std::cout << "Funded:";
  if (result.winners.empty()) std::cout << " nothing";
  for (size_t i = 0; i < result.winners.size(); ++i) {
    std::cout << (i ? ", " : " ") << result.winners[i];
  }
  std::cout << "\nUsed " << text(e, "used") << "; " << text(e, "left") << " left.\n";
  if (e.contains("share")) std::cout << "\nEach voter had " << text(e, "share") << " to spend.";
  if (e.contains("add1")) {
    const nlohmann::json& add1 = e["add1"];
    if (add1.contains("skipped")) {
      std::cout << " " << text(add1, "skipped");
    } else if (text(add1, "steps") == "0") {
      std::cout << " Add1 did not raise it: " << text(add1, "stopped");
    } else {
      std::cout << " Add1 raised it from " << text(add1, "start_share") << " in "
                << text(add1, "steps") << " steps of " << text(add1, "increment") << ". "
                << text(add1, "stopped");
    }
  }
  std::cout << "\n\nRounds (each funds the project whose supporters can pay for it with the "
               "smallest shares):\n";
  int n = 0;
  for (const auto& round : e.value("rounds", nlohmann::json::array())) {
    std::cout << "  " << ++n << ". " << text(round, "project") << ", cost " << text(round, "cost")
              << ", " << text(round, "supporters") << " supporters, rho " << text(round, "rho")
              << ":";
    const char* separator = " ";
    for (const auto& payment : round.value("payments", nlohmann::json::array())) {
      std::cout << separator << text(payment, "voters") << " paid " << text(payment, "amount");
      separator = ", ";
    }
    std::cout << "\n";
    if (round.contains("tie")) std::cout << "     " << text(round, "tie") << "\n";
  }
  if (e.contains("completion_added")) {
    std::cout << "\nAdded from what was left, by score, each if it fits:";
    if (e["completion_added"].empty()) std::cout << " none";
    for (const auto& id : e["completion_added"]) std::cout << " " << Plain(id);
    std::cout << "\n";
  }
  if (e.contains("voter_groups")) {
    std::cout << "\nBallot groups (projects; voters; what they paid; what they kept):\n";
    for (const auto& group : e["voter_groups"]) {
      std::cout << "  ";
      const char* separator = "";
      for (const auto& id : group.value("projects", nlohmann::json::array())) {
        std::cout << separator << Plain(id);
        separator = ",";
      }
      std::cout << "; " << text(group, "voters") << "; ";
      separator = "";
      const nlohmann::json paid_by_project = group.value("paid", nlohmann::json::object());
      for (const auto& [id, paid] : paid_by_project.items()) {
        std::cout << separator << id << " " << Plain(paid);
        separator = ", ";
      }
      if (*separator == '\0') std::cout << "nothing";
      std::cout << "; kept " << text(group, "left") << "\n";
    }
  }
}

void PrintReadable(const tally::Result& result) {
  if (result.explanation.value("rule", "") == "equal shares") return PrintEqualShares(result);
  std::cout << "Method: " << result.method << "\nSeats: " << result.seats << "\nElected:";
  if (result.winners.empty()) std::cout << " nobody";
  for (size_t i = 0; i < result.winners.size(); ++i) {
    std::cout << (i ? ", " : " ") << result.winners[i];
  }
  std::cout << "\n";
  if (result.lot_seed)
    std::cout << "A tie was decided by lot with seed " << *result.lot_seed << ".\n";
  for (const auto& [key, value] : result.explanation.items()) {
    if (key == "stages" || key == "rounds") {
      std::cout << "\n" << (key == "stages" ? "Stages" : "Rounds") << ":\n";
      int n = 0;
      for (const auto& stage : value) {
        std::cout << "  " << ++n << ". " << (stage.contains("action") ? Plain(stage["action"]) : "")
                  << "\n";
        if (stage.contains("votes") && stage["votes"].is_object()) {
          for (const auto& [name, votes] : stage["votes"].items()) {
            std::cout << "       " << name << ": " << Plain(votes) << "\n";
          }
        }
        for (const auto& [field, v] : stage.items()) {
          if (field == "action" || field == "votes" || field == "stage") continue;
          std::cout << "       (" << field << ": " << Plain(v) << ")\n";
        }
      }
      continue;
    }
    std::cout << "\n"
              << key << ": " << (value.is_primitive() ? Plain(value) : value.dump(2)) << "\n";
  }
}

}  // namespace

CLI::App* AddTallyCommand(CLI::App& cli, TallyArgs& args) {
  CLI::App* tally = cli.add_subcommand("tally", "Count a ballot file and explain the result.");
  tally->add_option("FILE", args.file, "A .blt, .soi/.soc/.toi/.toc, .csv or .pb file.")
      ->required();
  tally->add_option("--method", args.method, "The counting method.")
      ->required()
      ->check(CLI::IsMember(kMethods));
  tally->add_option("--seats", args.seats, "Seats to fill (default: the file's, or 1).")
      ->check(CLI::PositiveNumber);
  tally->add_flag("--json", args.json, "Print one JSON object.");
  tally->add_option("--weights", args.weights, "person, organisation or sector.")
      ->check(CLI::IsMember({"person", "organisation", "sector"}));
  tally->add_option("--seed", args.seed, "Seed for ties the rules leave to lot (default 1).");
  tally->add_flag("--no-skip", args.no_skip,
                  "pb-greedy: stop at the first project that does not fit.");
  tally->add_option("--threshold", args.threshold,
                    "pb-greedy: the minimum score (default: the file's).");
  tally->add_option("--utility", args.utility, "pb-mes: cost or cardinality.");
  tally->add_option("--completion", args.completion, "pb-mes: none, add1 or add1u.");
  tally->add_flag("--no-exhaustive-stop", args.no_exhaustive_stop,
                  "pb-mes: keep raising past an exhaustive outcome.");
  tally->add_option("--tie-break", args.tie_break,
                    "pb-mes: comma list of max-votes,min-cost,max-cost,lexicographic.");
  tally->add_flag("--voter-groups", args.voter_groups,
                  "pb-mes: also list what each group of identical ballots paid.");
  tally->add_option("--dots", args.dots, "dot: how many dots each voter may spread (0: no limit).");
  return tally;
}

int RunTally(const TallyArgs& args) {
  std::ifstream in(args.file, std::ios::binary);
  if (!in)
    return Malformed({args.file, 0, "The file cannot be read. Check its name and that it exists."});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  const bool budgeting = args.method.starts_with("pb-");
  if (budgeting != (Extension(args.file) == "pb")) {
    return Usage(budgeting ? "pb-greedy and pb-mes count Pabulib (.pb) files."
                           : "A .pb file needs --method pb-greedy or pb-mes.");
  }
  std::variant<tally::Result, ParseError, std::string> counted;
  try {
    counted = budgeting ? CountBudget(args, text) : CountRanked(args, text);
  } catch (const std::invalid_argument& e) {
    return Usage(e.what());
  }
  if (auto* error = std::get_if<ParseError>(&counted)) return Malformed(*error);
  if (auto* message = std::get_if<std::string>(&counted)) return Usage(*message);
  const tally::Result& result = std::get<tally::Result>(counted);
  if (args.json) {
    std::cout << ToJson(result).dump() << "\n";
  } else {
    PrintReadable(result);
  }
  return 0;
}

}  // namespace coproduce::cli
