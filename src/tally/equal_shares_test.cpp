#include "tally/equal_shares.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "tally/budgeting.hpp"
#include "tally/pabulib.hpp"

namespace coproduce::tally {
namespace {

Result Count(const BudgetInstance& instance, const MesOptions& options) {
  auto counted = CountEqualShares(instance, options);
  if (const auto* error = std::get_if<ParseError>(&counted)) {
    ADD_FAILURE() << error->ToString();
    return {};
  }
  return std::get<Result>(counted);
}

// The hand-worked example of tests/data/tally/pb/README.md: 5 voters approve A and B, 1
// approves A only, 4 approve C; budget 100, so 10 per voter.
BudgetInstance Example() {
  BudgetInstance instance;
  instance.budget = "100";
  instance.vote_type = "approval";
  instance.projects = {{"A", "", "50", {}}, {"B", "", "50", {}}, {"C", "", "40", {}}};
  Ballot ab;
  ab.ranking = {{0, 1}};
  ab.multiplicity = 5;
  Ballot a;
  a.ranking = {{0}};
  Ballot c;
  c.ranking = {{2}};
  c.multiplicity = 4;
  instance.ballots = {ab, a, c};
  return instance;
}

TEST(EqualShares, ExplainsRhoAndWhatEachVoterPaid) {
  const Result result =
      Count(Example(), {.completion = MesCompletion::kNone, .explain_voter_groups = true});
  EXPECT_EQ(result.winners, (std::vector<std::string>{"A", "C"}));
  const auto& e = result.explanation;
  EXPECT_EQ(e["share"], "10.00");
  EXPECT_EQ(e["rounds"][0]["project"], "A");
  EXPECT_EQ(e["rounds"][0]["rho"], "0.1666666667");  // 50/6 each, per unit of cost 1/6
  EXPECT_EQ(e["rounds"][0]["payments"][0]["amount"], "8.33");
  EXPECT_EQ(e["rounds"][0]["payments"][0]["voters"], 6);
  EXPECT_EQ(e["rounds"][1]["rho"], "0.2500000000");
  EXPECT_EQ(e["used"], "90");
  EXPECT_EQ(e["left"], "10");
  ASSERT_EQ(e["voter_groups"].size(), 3u);
  EXPECT_EQ(e["voter_groups"][0]["voters"], 5);
  EXPECT_EQ(e["voter_groups"][0]["paid"]["A"], "8.33");
  EXPECT_EQ(e["voter_groups"][0]["left"], "1.67");
  EXPECT_EQ(e["voter_groups"][2]["paid"]["C"], "10.00");
  EXPECT_EQ(e["voter_groups"][2]["left"], "0.00");
}

// Amounts exactly on a rounding midpoint (1/8 = 0.125 to 2 places, 1/2048 to 10 places)
// are beyond what floating point can round with certainty: the floating run must compute
// them exactly from its history and agree with rational arithmetic.
TEST(EqualShares, RoundsMidpointAmountsExactly) {
  BudgetInstance instance;
  instance.budget = "4112";  // 2 per voter
  instance.vote_type = "approval";
  instance.projects = {{"A", "", "1", {}}, {"B", "", "1", {}}};
  Ballot a;
  a.ranking = {{0}};
  a.multiplicity = 8;
  Ballot b;
  b.ranking = {{1}};
  b.multiplicity = 2048;
  instance.ballots = {a, b};
  MesOptions options{.completion = MesCompletion::kNone, .explain_voter_groups = true};
  const Result fast = Count(instance, options);
  const auto& e = fast.explanation;
  EXPECT_EQ(fast.winners, (std::vector<std::string>{"B", "A"}));
  EXPECT_EQ(e["rounds"][0]["rho"], "0.0004882813");  // 1/2048, half away from zero
  EXPECT_EQ(e["rounds"][1]["payment_per_utility"], "0.13");
  EXPECT_EQ(e["rounds"][1]["payments"][0]["amount"], "0.13");
  EXPECT_EQ(e["voter_groups"][0]["left"], "1.88");  // 2 - 0.125 = 1.875
  options.floating_filter = false;
  EXPECT_EQ(e, Count(instance, options).explanation);
}

TEST(EqualShares, CardinalityUtilityComparesPaymentsPerVoter) {
  const Result result =
      Count(Example(), {.utility = MesUtility::kCardinality, .completion = MesCompletion::kNone});
  EXPECT_EQ(result.winners, (std::vector<std::string>{"A", "C"}));
  EXPECT_EQ(result.explanation["rounds"][0]["rho"], "8.3333333333");
}

TEST(EqualShares, UtilitarianCompletionFillsTheBudget) {
  BudgetInstance instance = Example();
  instance.projects[1].cost = "40";
  instance.projects[2].cost = "10";
  // Everything fits (100), so as in the equalshares.net tool Add1 is skipped; MES funds A and
  // C, and the completion adds B.
  const Result result = Count(instance, {});
  EXPECT_EQ(result.winners, (std::vector<std::string>{"A", "C", "B"}));
  EXPECT_EQ(result.explanation["completion_added"], nlohmann::json::array({"B"}));
  EXPECT_TRUE(result.explanation["add1"].contains("skipped"));
  EXPECT_EQ(result.explanation["left"], "0");
}

TEST(EqualShares, NoVotersFundNothing) {
  BudgetInstance instance = Example();
  instance.ballots.clear();
  EXPECT_TRUE(Count(instance, {}).winners.empty());
}

TEST(EqualShares, RejectsBadOptions) {
  EXPECT_TRUE(
      std::holds_alternative<ParseError>(CountEqualShares(Example(), {.add1_increment = 0})));
  BudgetInstance bad = Example();
  bad.projects[0].cost = "fifty";
  EXPECT_TRUE(std::holds_alternative<ParseError>(CountEqualShares(bad, {})));
}

TEST(EqualShares, ScoresAreUtilitiesOnCumulativeBallots) {
  // Budget 40, two voters with 20 each. The first gives A 3 points; the second gives A and B
  // 1 point. Cost utilities: supporters pay min(20, rho * 40 * points). For A, rho = 1/2 makes
  // both pay 20 (the first is capped); B alone would need rho = 1. So A, and B is then
  // unaffordable.
  BudgetInstance instance;
  instance.budget = "40";
  instance.vote_type = "cumulative";
  instance.projects = {{"A", "", "40", {}}, {"B", "", "10", {}}};
  Ballot first;
  first.scores = {{0, 3}};
  Ballot second;
  second.scores = {{0, 1}, {1, 1}};
  instance.ballots = {first, second};
  const Result result = Count(instance, {.completion = MesCompletion::kNone});
  EXPECT_EQ(result.winners, (std::vector<std::string>{"A"}));
  EXPECT_EQ(result.explanation["rounds"][0]["rho"], "0.5000000000");
  EXPECT_EQ(result.explanation["rounds"][0]["payments"][0]["amount"], "20.00");
  EXPECT_EQ(result.explanation["rounds"][0]["payments"][0]["voters"], 2);
}

// The floating-point filter must never change an outcome or an explanation: compare it with
// rational arithmetic on random small elections, including exact ties and decimal costs.
TEST(EqualShares, FloatingFilterAgreesWithRationalArithmetic) {
  std::mt19937_64 random(20240501);
  const auto pick = [&](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  };
  for (int trial = 0; trial < 300; ++trial) {
    BudgetInstance instance;
    const bool cumulative = trial % 3 == 0;
    instance.vote_type = cumulative ? "cumulative" : "approval";
    const int projects = static_cast<int>(pick(1, 7));
    int64_t total = 0;
    for (int j = 0; j < projects; ++j) {
      // Round costs make exact ties likely; some have decimals.
      const int64_t cost = trial % 2 == 0 ? pick(1, 6) * 10 : pick(1, 9000);
      total += cost;
      instance.projects.push_back(
          {"p" + std::to_string(j),
           "",
           trial % 5 == 0 ? std::to_string(cost) + ".25" : std::to_string(cost),
           {}});
    }
    instance.budget = std::to_string(std::max<int64_t>(1, total * pick(2, 8) / 10));
    const int groups = static_cast<int>(pick(1, 12));
    for (int g = 0; g < groups; ++g) {
      Ballot ballot;
      ballot.multiplicity = pick(1, 5);
      std::vector<int> approved;
      for (int j = 0; j < projects; ++j) {
        if (pick(0, 2) != 0) continue;
        approved.push_back(j);
        if (cumulative) ballot.scores[j] = pick(1, 3);
      }
      if (!cumulative) ballot.ranking = Ranking::OneGroup(approved);
      instance.ballots.push_back(ballot);
    }
    for (const MesCompletion completion :
         {MesCompletion::kNone, MesCompletion::kAdd1, MesCompletion::kAdd1Utilitarian}) {
      MesOptions options;
      options.completion = completion;
      options.utility = trial % 4 == 1 ? MesUtility::kCardinality : MesUtility::kCost;
      options.add1_exhaustive_stop = trial % 7 != 0;
      options.explain_voter_groups = true;
      const Result fast = Count(instance, options);
      options.floating_filter = false;
      const Result exact = Count(instance, options);
      ASSERT_EQ(fast.winners, exact.winners) << "trial " << trial;
      ASSERT_EQ(fast.explanation, exact.explanation) << "trial " << trial;
    }
  }
}

// The Add1 steps run several shares at a time in lanes, each keeping one budget per group of
// ballots, with vectors as wide as the machine allows. On elections with hundreds of groups,
// weights and scores, they must reach the same outcome as rational arithmetic, with every
// width of vector.
TEST(EqualShares, Add1StepsInLanesAgreeWithRationalArithmeticOnLargerElections) {
  std::mt19937_64 random(20261123);
  const auto pick = [&](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  };
  for (int trial = 0; trial < 12; ++trial) {
    BudgetInstance instance;
    const bool cumulative = trial % 3 == 2;
    instance.vote_type = cumulative ? "cumulative" : "approval";
    const int projects = static_cast<int>(pick(10, 25));
    int64_t total = 0;
    for (int j = 0; j < projects; ++j) {
      const int64_t cost = trial % 2 == 0 ? pick(1, 20) * 500 : pick(300, 9000);
      total += cost;
      instance.projects.push_back({"p" + std::to_string(j), "", std::to_string(cost), {}});
    }
    instance.budget = std::to_string(total * pick(3, 6) / 10);
    const int groups = static_cast<int>(pick(200, 400));
    for (int g = 0; g < groups; ++g) {
      Ballot ballot;
      ballot.multiplicity = trial % 2 == 0 ? 1 : pick(1, 6);
      std::vector<int> approved;
      for (int j = 0; j < projects; ++j) {
        // Earlier projects are more popular, so budgets run out unevenly.
        if (pick(0, projects + 2) < projects - j) continue;
        approved.push_back(j);
        if (cumulative) ballot.scores[j] = pick(1, 4);
      }
      if (!cumulative) ballot.ranking = Ranking::OneGroup(approved);
      instance.ballots.push_back(ballot);
    }
    MesOptions options;
    options.utility = trial == 3 ? MesUtility::kCardinality : MesUtility::kCost;
    options.floating_filter = false;
    const Result exact = Count(instance, options);
    EXPECT_GT(exact.explanation["add1"]["steps"].get<int64_t>(), 0) << "trial " << trial;
    options.floating_filter = true;
    for (const int width : {8, 4, 2}) {
      options.max_vector_width = width;
      const Result lanes = Count(instance, options);
      ASSERT_EQ(lanes.winners, exact.winners) << "trial " << trial << ", width " << width;
      ASSERT_EQ(lanes.explanation, exact.explanation) << "trial " << trial << ", width " << width;
    }
  }
}

// Two payments per voter a double cannot tell apart: 131071868929 / 999999 and
// 131072000001 / 1000000 round to the same double, but the first is larger, by about
// 10^-12. The lanes must not decide between them on rounding: with cardinality utility "b"
// is funded first, and then "a" no longer fits. What is left (26,214,557,286) is then too
// little for "c", so the outcome is exhaustive and Add1 stops at once; had "a" been funded,
// 131,072 more would be left, "c" would fit, and Add1 would go on.
TEST(EqualShares, Add1StepsDoNotDecideOnRounding) {
  BudgetInstance instance;
  instance.vote_type = "approval";
  instance.projects.push_back({"a", "", "131071868929", {}});
  instance.projects.push_back({"b", "", "131072000001", {}});
  instance.projects.push_back({"c", "", "26214600000", {}});  // no supporters
  instance.budget = "157286557287";  // 157,286 per voter: both are affordable at first
  const auto add = [&](int64_t voters, std::vector<int> projects) {
    Ballot ballot;
    ballot.multiplicity = voters;
    ballot.ranking = Ranking::OneGroup(projects);
    instance.ballots.push_back(ballot);
  };
  add(999998, {0, 1});
  add(1, {0});  // 999,999 supporters for a
  add(2, {1});  // 1,000,000 for b
  MesOptions options;
  options.utility = MesUtility::kCardinality;
  for (const int width : {8, 4, 2}) {
    options.max_vector_width = width;
    const Result result = Count(instance, options);
    EXPECT_EQ(result.winners, std::vector<std::string>{"b"}) << "width " << width;
    EXPECT_EQ(result.explanation["add1"]["steps"], 0) << "width " << width;
  }
}

// The explained run keeps each class of voters' payments as one history shared by its
// groups. Cross-checks: the groups' payments add up to each round's payments, and splitting
// a ballot of k voters into k ballots of one voter changes nothing but the group list.
TEST(EqualShares, VoterGroupsAddUpToTheRoundsAndGroupingDoesNotMatter) {
  std::mt19937_64 random(20261122);
  const auto pick = [&](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  };
  for (int trial = 0; trial < 100; ++trial) {
    BudgetInstance instance;
    const bool cumulative = trial % 3 == 0;
    instance.vote_type = cumulative ? "cumulative" : "approval";
    const int projects = static_cast<int>(pick(1, 8));
    int64_t total = 0;
    for (int j = 0; j < projects; ++j) {
      const int64_t cost = pick(1, 9000);
      total += cost;
      instance.projects.push_back({"p" + std::to_string(j), "", std::to_string(cost), {}});
    }
    instance.budget = std::to_string(std::max<int64_t>(1, total * pick(2, 8) / 10));
    BudgetInstance split = instance;
    const int groups = static_cast<int>(pick(1, 15));
    for (int g = 0; g < groups; ++g) {
      Ballot ballot;
      ballot.multiplicity = pick(1, 4);
      std::vector<int> approved;
      for (int j = 0; j < projects; ++j) {
        if (pick(0, 1) != 0) continue;
        approved.push_back(j);
        if (cumulative) ballot.scores[j] = pick(1, 3);
      }
      if (!cumulative) ballot.ranking = Ranking::OneGroup(approved);
      instance.ballots.push_back(ballot);
      Ballot one = ballot;
      one.multiplicity = 1;
      for (int64_t v = 0; v < ballot.multiplicity; ++v) split.ballots.push_back(one);
    }
    MesOptions options;
    options.completion = trial % 2 == 0 ? MesCompletion::kNone : MesCompletion::kAdd1Utilitarian;
    options.explain_voter_groups = true;
    const Result grouped = Count(instance, options);
    const Result single = Count(split, options);
    ASSERT_EQ(grouped.winners, single.winners) << "trial " << trial;
    nlohmann::json without_groups = grouped.explanation;
    without_groups.erase("voter_groups");
    nlohmann::json single_without_groups = single.explanation;
    single_without_groups.erase("voter_groups");
    ASSERT_EQ(without_groups, single_without_groups) << "trial " << trial;

    for (const nlohmann::json& round : grouped.explanation["rounds"]) {
      std::map<std::string, int64_t> from_groups;
      for (const nlohmann::json& group : grouped.explanation["voter_groups"]) {
        const auto paid = group["paid"].find(round["project"].get<std::string>());
        if (paid != group["paid"].end()) {
          from_groups[paid->get<std::string>()] += group["voters"].get<int64_t>();
        }
      }
      std::map<std::string, int64_t> from_round;
      for (const nlohmann::json& payment : round["payments"]) {
        from_round[payment["amount"].get<std::string>()] += payment["voters"].get<int64_t>();
      }
      ASSERT_EQ(from_groups, from_round) << "trial " << trial << " " << round["project"];
    }
  }
}

// Official MES outcomes of real elections (shared/data/votes/README.md).
std::filesystem::path SharedPabulib() {
  return std::filesystem::path(COPRODUCE_SHARED_DATA) / "votes" / "pabulib";
}

void ExpectMes(const std::string& file, const MesOptions& options,
               const std::set<std::string>& expected) {
  const auto path = SharedPabulib() / file;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent.";
  auto read = ReadPabulibFile(path);
  ASSERT_TRUE(std::holds_alternative<BudgetInstance>(read))
      << std::get<ParseError>(read).ToString();
  const BudgetInstance& instance = std::get<BudgetInstance>(read);
  const Result result = Count(instance, options);
  const std::set<std::string> winners(result.winners.begin(), result.winners.end());
  EXPECT_EQ(winners, expected);
  std::set<std::string> selected;
  for (const Project& project : instance.projects) {
    const auto it = project.fields.find("selected");
    if (it != project.fields.end() && it->second != "0") selected.insert(project.id);
  }
  EXPECT_EQ(winners, selected);
  EXPECT_FALSE(result.explanation.contains("unresolved_ties"));
  MesOptions rational = options;
  rational.floating_filter = false;
  EXPECT_EQ(Count(instance, rational).explanation, result.explanation);
}

TEST(PabulibConformance, SwiecieMesAdd1uExhaustiveIntegral) {
  ExpectMes("Poland_Swiecie_2023.pb", {},
            {"c1", "c10", "c11", "c12", "c13", "c14", "c17", "c18", "c19", "c2", "c20", "c21", "c3",
             "c4", "c5", "c7", "c9"});
}

TEST(PabulibConformance, AssenMesAdd1MinCost) {
  ExpectMes("Netherlands_Assen_2024.pb",
            {.completion = MesCompletion::kAdd1, .tie_breaks = {MesTieBreak::kMinCost}},
            {"11", "12", "13", "14", "2", "3", "5", "6", "9"});
}

TEST(PabulibConformance, AssenWithoutTieBreakHitsTheExactTie) {
  const auto path = SharedPabulib() / "Netherlands_Assen_2024.pb";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent.";
  const BudgetInstance instance = std::get<BudgetInstance>(ReadPabulibFile(path));
  const Result result = Count(instance, {.completion = MesCompletion::kAdd1});
  ASSERT_TRUE(result.explanation.contains("unresolved_ties"));
  EXPECT_NE(result.explanation["unresolved_ties"][0].get<std::string>().find("\"11\""),
            std::string::npos);
}

// The data-driven cases in tests/data/tally/pb/*.test; the format is in its README.md.
struct Case {
  BudgetInstance instance;
  std::map<std::string, int> index;
  std::string method;
  std::map<std::string, std::string> options;
  std::optional<Result> result;
};

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, separator);) out.push_back(item);
  return out;
}

std::optional<Result> Run(const Case& c, std::string& error) {
  std::variant<Result, ParseError> counted;
  if (c.method == "greedy") {
    GreedyOptions options;
    for (const auto& [key, value] : c.options) {
      if (key == "variant") {
        options.variant = value == "no-skip"     ? GreedyVariant::kNoSkip
                          : value == "threshold" ? GreedyVariant::kThreshold
                                                 : GreedyVariant::kSkip;
      } else if (key == "tie_break") {
        options.tie_break =
            value == "file-order" ? GreedyTieBreak::kFileOrder : GreedyTieBreak::kCheaperFirst;
      } else if (key == "threshold") {
        options.threshold = value;
      } else if (key == "points") {
        for (const auto& p : Split(value, ',')) options.ordinal_points.push_back(std::stoll(p));
      } else {
        error = "unknown greedy option " + key;
        return std::nullopt;
      }
    }
    counted = CountGreedy(c.instance, options);
  } else if (c.method == "mes") {
    MesOptions options;
    for (const auto& [key, value] : c.options) {
      if (key == "utility") {
        options.utility = value == "cardinality" ? MesUtility::kCardinality : MesUtility::kCost;
      } else if (key == "completion") {
        options.completion = value == "none"   ? MesCompletion::kNone
                             : value == "add1" ? MesCompletion::kAdd1
                                               : MesCompletion::kAdd1Utilitarian;
      } else if (key == "exhaustive") {
        options.add1_exhaustive_stop = value == "on";
      } else if (key == "integral") {
        options.add1_integral_start = value == "on";
      } else if (key == "voter_groups") {
        options.explain_voter_groups = value == "on";
      } else if (key == "increment") {
        options.add1_increment = std::stoll(value);
      } else if (key == "tie_break") {
        for (const auto& rule : Split(value, ',')) {
          if (rule == "max-votes") options.tie_breaks.push_back(MesTieBreak::kMaxVotes);
          if (rule == "min-cost") options.tie_breaks.push_back(MesTieBreak::kMinCost);
          if (rule == "max-cost") options.tie_breaks.push_back(MesTieBreak::kMaxCost);
          if (rule == "lexicographic") options.tie_breaks.push_back(MesTieBreak::kLexicographic);
        }
      } else if (key == "points") {
        for (const auto& p : Split(value, ',')) options.ordinal_points.push_back(std::stoll(p));
      } else {
        error = "unknown mes option " + key;
        return std::nullopt;
      }
    }
    counted = CountEqualShares(c.instance, options);
  } else {
    error = "unknown method " + c.method;
    return std::nullopt;
  }
  if (const auto* parse_error = std::get_if<ParseError>(&counted)) {
    error = parse_error->ToString();
    return std::nullopt;
  }
  return std::get<Result>(counted);
}

std::string Trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// Runs one .test file; returns how many expectations it checked.
int RunCaseFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  Case c;
  c.instance.vote_type = "approval";
  int checked = 0;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const std::string where = path.filename().string() + ":" + std::to_string(line_number);
    line = Trimmed(line);
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find(' ');
    const std::string word = line.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : Trimmed(line.substr(space + 1));
    if (word == "budget") {
      c.instance.budget = rest;
    } else if (word == "vote_type") {
      c.instance.vote_type = rest;
    } else if (word == "meta") {
      const auto parts = Split(rest, ' ');
      c.instance.meta[parts.at(0)] = parts.size() > 1 ? parts[1] : "";
    } else if (word == "project") {
      const auto parts = Split(rest, ' ');
      c.index[parts.at(0)] = static_cast<int>(c.instance.projects.size());
      c.instance.projects.push_back({parts.at(0), "", parts.at(1), {}});
    } else if (word == "ballot") {
      const auto colon = rest.find(':');
      Ballot ballot;
      ballot.multiplicity = std::stoll(rest.substr(0, colon));
      const bool scored = c.instance.vote_type == "cumulative" || c.instance.vote_type == "scoring";
      const bool ordinal = c.instance.vote_type == "ordinal";
      std::vector<int> approved;
      for (const auto& item : Split(Trimmed(rest.substr(colon + 1)), ',')) {
        const auto equals = item.find('=');
        const std::string id = Trimmed(item.substr(0, equals));
        const auto it = c.index.find(id);
        if (it == c.index.end()) {
          ADD_FAILURE() << where << ": unknown project " << id;
          return checked;
        }
        if (scored) {
          ballot.scores[it->second] = std::stoll(item.substr(equals + 1));
        } else {
          approved.push_back(it->second);
        }
      }
      if (ordinal) ballot.ranking = Ranking::Strict(approved);
      if (!scored && !ordinal) ballot.ranking = Ranking::OneGroup(approved);
      c.instance.ballots.push_back(ballot);
    } else if (word == "method") {
      const auto parts = Split(rest, ' ');
      c.method = parts.at(0);
      c.options.clear();
      for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto equals = parts[i].find('=');
        c.options[parts[i].substr(0, equals)] = parts[i].substr(equals + 1);
      }
      std::string error;
      c.result = Run(c, error);
      if (!c.result) ADD_FAILURE() << where << ": " << error;
    } else if (word == "expect") {
      if (!c.result) continue;
      std::vector<std::string> expected;
      if (rest != "none") expected = Split(rest, ',');
      EXPECT_EQ(c.result->winners, expected) << where << "\n" << c.result->explanation.dump(1);
      ++checked;
    } else if (word == "check") {
      if (!c.result) continue;
      const auto equals = rest.find(" = ");
      const std::string pointer = rest.substr(0, equals);
      const std::string value = rest.substr(equals + 3);
      const nlohmann::json::json_pointer at(pointer);
      if (!c.result->explanation.contains(at)) {
        ADD_FAILURE() << where << ": the explanation has no " << pointer << "\n"
                      << c.result->explanation.dump(1);
        continue;
      }
      const auto& found = c.result->explanation.at(at);
      const std::string actual = found.is_string() ? found.get<std::string>() : found.dump();
      EXPECT_EQ(actual, value) << where << ": " << pointer;
      ++checked;
    } else if (word == "contains") {
      if (!c.result) continue;
      const auto equals = rest.find(" = ");
      const std::string pointer = rest.substr(0, equals);
      const std::string words = rest.substr(equals + 3);
      const nlohmann::json::json_pointer at(pointer);
      const std::string actual =
          c.result->explanation.contains(at) ? c.result->explanation.at(at).dump() : "";
      EXPECT_NE(actual.find(words), std::string::npos) << where << ": " << pointer;
      ++checked;
    } else {
      ADD_FAILURE() << where << ": unknown line " << line;
    }
  }
  return checked;
}

TEST(PbDataCases, EveryCaseFileHolds) {
  const auto folder = std::filesystem::path(COPRODUCE_TALLY_TEST_DATA) / "pb";
  ASSERT_TRUE(std::filesystem::is_directory(folder)) << folder;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".test") continue;
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    EXPECT_GT(RunCaseFile(entry.path()), 0) << entry.path() << " checks nothing";
  }
  EXPECT_GE(files, 8);
}

}  // namespace
}  // namespace coproduce::tally
