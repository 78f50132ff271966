#include "cli/opinion_command.hpp"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <variant>

#include <nlohmann/json.hpp>

#include "opinion/conversation.hpp"
#include "opinion/polis_export.hpp"
#include "tally/csv_records.hpp"

namespace coproduce::cli {
namespace {

using tally::ParseError;
using tally::WholeNumber;
using Json = nlohmann::ordered_json;

constexpr int kMalformed = 3;

// Declared groups from a CSV `participant,group` (header row optional): labels as written,
// numbered 0, 1, ... in order of first appearance.
struct DeclaredGroups final {
  std::map<opinion::Id, int> group_of;
  std::vector<std::string> labels;
  bool numeric = true;  // every label is a whole number: print them as numbers
};

std::variant<DeclaredGroups, ParseError> ReadGroups(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return ParseError{file, 0, "This file cannot be read. Check the path to the groups CSV."};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  tally::CsvRecords records(text, 0, 1);
  DeclaredGroups out;
  std::map<std::string, int> number_of;
  std::vector<std::string> cells;
  std::string error;
  int line = 1;
  bool first = true;
  while (!records.done()) {
    if (!records.Next(cells, line, error)) return ParseError{file, line, error};
    if (cells.size() == 1 && cells[0].empty()) continue;
    if (cells.size() != 2) {
      return ParseError{file, line,
                        "Each row needs two cells, participant and group, not " +
                            std::to_string(cells.size()) + "."};
    }
    const std::optional<int64_t> participant = WholeNumber(cells[0]);
    if (!participant && first) {  // the header row
      first = false;
      continue;
    }
    first = false;
    if (!participant)
      return ParseError{file, line, "The participant \"" + cells[0] + "\" is not a whole number."};
    if (cells[1].empty()) continue;  // in no group
    auto [at, added] = number_of.emplace(cells[1], static_cast<int>(out.labels.size()));
    if (added) {
      out.labels.push_back(cells[1]);
      out.numeric = out.numeric && WholeNumber(cells[1]).has_value();
    }
    if (!out.group_of.emplace(*participant, at->second).second) {
      return ParseError{file, line,
                        "Participant " + cells[0] + " is listed twice. Give each one group."};
    }
  }
  return out;
}

Json Label(const DeclaredGroups& groups, int g) {
  const std::string& label = groups.labels[static_cast<std::size_t>(g)];
  if (groups.numeric) return *WholeNumber(label);
  return label;
}

Json RepresentativeJson(const std::vector<opinion::Representative>& list) {
  Json out = Json::array();
  for (const opinion::Representative& r : list) {
    out.push_back({{"id", std::to_string(r.comment)},
                   {"repful_for", r.agree ? "agree" : "disagree"},
                   {"n_success", r.n_success},
                   {"n_trials", r.n_trials},
                   {"p_success", r.p_success},
                   {"p_test", r.p_test},
                   {"repness", r.repness},
                   {"repness_test", r.repness_test},
                   {"best_agree", r.best_agree}});
  }
  return out;
}

Json ConsensusJson(const std::vector<opinion::Consensus::Entry>& list) {
  Json out = Json::array();
  for (const auto& e : list)
    out.push_back({{"id", std::to_string(e.comment)}, {"p", e.p}, {"p_test", e.p_test}});
  return out;
}

Json IdsJson(const std::vector<opinion::Id>& ids) {
  Json out = Json::array();
  for (const opinion::Id id : ids) out.push_back(std::to_string(id));
  return out;
}

Json MapJson(const opinion::Map& map, const opinion::Conversation& conversation,
             const DeclaredGroups* declared) {
  Json out;
  std::vector<int> declared_row;
  if (declared != nullptr) {
    declared_row.assign(map.participants.size(), -1);
    for (std::size_t r = 0; r < map.participants.size(); ++r) {
      const auto it = declared->group_of.find(map.participants[r]);
      if (it != declared->group_of.end()) declared_row[r] = it->second;
    }
  }
  Json participants = Json::array();
  for (std::size_t r = 0; r < map.participants.size(); ++r) {
    Json p = {{"id", std::to_string(map.participants[r])}};
    const int group = declared != nullptr ? declared_row[r] : map.group[r];
    p["group"] =
        group < 0 ? Json(nullptr) : (declared != nullptr ? Label(*declared, group) : Json(group));
    if (declared != nullptr)
      p["opinion_group"] = map.group[r] < 0 ? Json(nullptr) : Json(map.group[r]);
    p["x"] = map.positions[r][0];
    p["y"] = map.positions[r][1];
    p["in_conversation"] = static_cast<bool>(map.in_conversation[r]);
    participants.push_back(std::move(p));
  }
  Json opinion_groups = Json::array();
  for (const opinion::Group& g : map.groups) {
    Json subgroups = Json::array();
    for (const opinion::Group& sub : g.subgroups) {
      subgroups.push_back({{"id", sub.id},
                           {"size", sub.members.size()},
                           {"representative", RepresentativeJson(sub.representative)}});
    }
    opinion_groups.push_back({{"id", g.id},
                              {"size", g.members.size()},
                              {"representative", RepresentativeJson(g.representative)},
                              {"subgroups", std::move(subgroups)}});
  }
  std::optional<opinion::DeclaredGroupsReport> report;
  if (declared != nullptr) report = conversation.DeclaredGroups(declared_row);
  Json comments = Json::array();
  for (std::size_t j = 0; j < map.comments.size(); ++j) {
    const opinion::CommentResult& c = map.comments[j];
    comments.push_back({{"id", std::to_string(c.id)},
                        {"group_informed_consensus",
                         report ? report->group_informed_consensus[j] : c.group_informed_consensus},
                        {"agrees", c.agrees},
                        {"disagrees", c.disagrees},
                        {"passes", c.passes},
                        {"extremity", c.extremity},
                        {"priority", c.priority}});
  }
  out["participants"] = std::move(participants);
  if (report) {
    Json groups = Json::array();
    for (const auto& g : report->groups) {
      groups.push_back({{"id", Label(*declared, g.id)},
                        {"size", g.size},
                        {"representative", RepresentativeJson(g.representative)}});
    }
    out["groups"] = std::move(groups);
    out["opinion_groups"] = std::move(opinion_groups);
  } else {
    out["groups"] = std::move(opinion_groups);
  }
  out["comments"] = std::move(comments);
  out["consensus"] = {{"agree", ConsensusJson(map.consensus.agree)},
                      {"disagree", ConsensusJson(map.consensus.disagree)}};
  if (report) {
    out["consensus"]["agreed_by_every_group"] = IdsJson(report->agreed_by_all);
    out["consensus"]["disagreed_by_every_group"] = IdsJson(report->disagreed_by_all);
  }
  out["k"] = map.k;
  out["votes"] = map.votes;
  return out;
}

std::map<opinion::Id, std::string> Bodies(const opinion::PolisExport& data) {
  std::map<opinion::Id, std::string> out;
  for (const auto& c : data.comments) out[c.id] = c.body;
  return out;
}

void PrintStatement(const std::map<opinion::Id, std::string>& bodies, opinion::Id id) {
  const auto it = bodies.find(id);
  std::cout << "    " << std::setw(5) << id << "  " << (it == bodies.end() ? "" : it->second)
            << "\n";
}

void PrintReadable(const opinion::Map& map, const opinion::PolisExport& data, int updates) {
  const auto bodies = Bodies(data);
  int64_t in = 0;
  for (const bool b : map.in_conversation) in += b ? 1 : 0;
  std::cout << map.participants.size() << " participants (" << in << " placed in groups), "
            << map.comments.size() << " statements, " << map.votes << " votes";
  if (updates > 0) std::cout << ", replayed in " << updates << " updates";
  std::cout << ".\n" << map.groups.size() << " opinion groups.\n";
  for (const opinion::Group& g : map.groups) {
    std::cout << "\nGroup " << g.id << ": " << g.members.size()
              << " participants. Representative statements:\n";
    for (const opinion::Representative& r : g.representative) {
      std::cout << "  " << (r.agree ? "agree   " : "disagree") << " " << std::fixed
                << std::setprecision(0) << 100 * r.p_success << "% of the group\n";
      PrintStatement(bodies, r.comment);
    }
  }
  std::cout << "\nMost agreed overall:\n";
  for (const auto& e : map.consensus.agree) PrintStatement(bodies, e.comment);
  std::cout << "Most disagreed overall:\n";
  for (const auto& e : map.consensus.disagree) PrintStatement(bodies, e.comment);
}

}  // namespace

CLI::App* AddOpinionCommand(CLI::App& cli, OpinionArgs& args) {
  CLI::App* opinion =
      cli.add_subcommand("opinion", "Map the opinion groups of a Pol.is conversation export.");
  opinion
      ->add_option("PATH", args.path,
                   "The export folder: votes.csv (with comments.csv) or participants-votes.csv.")
      ->required();
  opinion->add_flag("--json", args.json, "Print one JSON object.");
  opinion->add_flag(
      "--replay", args.replay,
      "Apply the votes in time order in 2-second batches, updating each time, as Polis does.");
  opinion->add_option(
      "--groups", args.groups,
      "A CSV of participant,group: statistics and consensus for these declared groups.");
  return opinion;
}

int RunOpinion(const OpinionArgs& args) {
  auto data = opinion::ReadPolisExport(args.path);
  if (auto* error = std::get_if<ParseError>(&data)) {
    std::cerr << error->ToString() << "\n";
    return kMalformed;
  }
  const opinion::PolisExport& conversation_data = std::get<opinion::PolisExport>(data);
  std::optional<DeclaredGroups> declared;
  if (!args.groups.empty()) {
    auto groups = ReadGroups(args.groups);
    if (auto* error = std::get_if<ParseError>(&groups)) {
      std::cerr << error->ToString() << "\n";
      return kMalformed;
    }
    declared = std::get<DeclaredGroups>(std::move(groups));
  }
  if (args.replay && conversation_data.votes.empty()) {
    std::cerr << "coproduce opinion: --replay needs votes.csv, which has the time of each vote.\n";
    return 2;
  }
  opinion::Conversation conversation;
  int updates = 0;
  if (args.replay) {
    updates = opinion::Replay(conversation_data, conversation);
  } else {
    opinion::LoadAll(conversation_data, conversation);
    conversation.Recompute();
  }
  const opinion::Map& map = conversation.map();
  if (args.json) {
    std::cout << MapJson(map, conversation, declared ? &*declared : nullptr).dump() << "\n";
    return 0;
  }
  PrintReadable(map, conversation_data, updates);
  return 0;
}

}  // namespace coproduce::cli
