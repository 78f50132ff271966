#include "tally/budgeting.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include "tally/pabulib.hpp"

namespace coproduce::tally {
namespace {

BudgetInstance Instance(const std::string& budget, const std::vector<std::string>& costs) {
  BudgetInstance instance;
  instance.budget = budget;
  instance.vote_type = "approval";
  for (std::size_t i = 0; i < costs.size(); ++i) {
    instance.projects.push_back({"p" + std::to_string(i + 1), "", costs[i], {}});
  }
  return instance;
}

void Approve(BudgetInstance& instance, std::vector<int> projects, int64_t voters) {
  Ballot ballot;
  ballot.ranking = Ranking::OneGroup(projects);
  ballot.multiplicity = voters;
  instance.ballots.push_back(ballot);
}

Result Count(const BudgetInstance& instance, const GreedyOptions& options = {}) {
  auto counted = CountGreedy(instance, options);
  if (const auto* error = std::get_if<ParseError>(&counted)) {
    ADD_FAILURE() << error->ToString();
    return {};
  }
  return std::get<Result>(counted);
}

TEST(BudgetAmounts, ConvertsDecimalsExactlyToACommonUnit) {
  const auto amounts =
      std::get<BudgetAmounts>(ExactAmounts(Instance("969245.38", {"187200", "1500,5", "0.125"})));
  EXPECT_EQ(amounts.decimals, 3);
  EXPECT_EQ(amounts.budget, 969245380);
  EXPECT_EQ(amounts.costs, (std::vector<int64_t>{187200000, 1500500, 125}));
  EXPECT_EQ(FormatAmount(96924538, 2), "969245.38");
  EXPECT_EQ(FormatAmount(5, 3), "0.005");
  EXPECT_EQ(FormatAmount(1200, 0), "1200");
  EXPECT_EQ(FormatAmount(-150, 2), "-1.50");
  // Trailing zeros do not force a finer unit.
  EXPECT_EQ(std::get<BudgetAmounts>(ExactAmounts(Instance("10.00", {"5.50"}))).decimals, 1);
}

TEST(BudgetAmounts, RejectsWhatIsNotAnExactAmount) {
  for (const char* bad : {"-1", "1e5", "", "1.2.3", "0.0000001", "10000000000000"}) {
    const auto amounts = ExactAmounts(Instance("100", {bad}));
    ASSERT_TRUE(std::holds_alternative<ParseError>(amounts)) << bad;
    EXPECT_NE(std::get<ParseError>(amounts).message.find("p1"), std::string::npos) << bad;
  }
  EXPECT_TRUE(std::holds_alternative<ParseError>(ExactAmounts(Instance("lots", {"1"}))));
}

TEST(ProjectScores, CountsApprovalsPointsAndRanks) {
  BudgetInstance approval = Instance("10", {"1", "1", "1"});
  Approve(approval, {0, 2}, 3);
  Approve(approval, {2}, 1);
  EXPECT_EQ(ProjectScores(approval), (std::vector<int64_t>{3, 0, 4}));

  BudgetInstance cumulative = approval;
  cumulative.vote_type = "cumulative";
  cumulative.ballots.clear();
  Ballot points;
  points.scores = {{0, 2}, {1, 1}};
  points.multiplicity = 2;
  cumulative.ballots.push_back(points);
  EXPECT_EQ(ProjectScores(cumulative), (std::vector<int64_t>{4, 2, 0}));

  BudgetInstance ordinal = approval;
  ordinal.vote_type = "ordinal";
  ordinal.ballots.clear();
  Ballot ranked;
  ranked.ranking = {{2}, {0}, {1}};
  ordinal.ballots.push_back(ranked);
  EXPECT_EQ(ProjectScores(ordinal), (std::vector<int64_t>{2, 1, 3}));  // longest ballot: 3/2/1
  ordinal.meta["max_length"] = "5";
  EXPECT_EQ(ProjectScores(ordinal), (std::vector<int64_t>{4, 3, 5}));
  EXPECT_EQ(ProjectScores(ordinal, {10}), (std::vector<int64_t>{0, 0, 10}));
}

TEST(Greedy, SkipPassesOverWhatDoesNotFitAndNoSkipStops) {
  BudgetInstance instance = Instance("100", {"60", "50", "30"});
  Approve(instance, {0}, 5);
  Approve(instance, {1}, 4);
  Approve(instance, {2}, 3);
  const Result skip = Count(instance);
  EXPECT_EQ(skip.winners, (std::vector<std::string>{"p1", "p3"}));
  EXPECT_EQ(skip.explanation["used"], "90");
  EXPECT_EQ(skip.explanation["left"], "10");
  EXPECT_EQ(skip.explanation["projects"][1]["status"], "skipped");

  const Result no_skip = Count(instance, {.variant = GreedyVariant::kNoSkip});
  EXPECT_EQ(no_skip.winners, (std::vector<std::string>{"p1"}));
  EXPECT_EQ(no_skip.explanation["projects"][2]["status"], "not reached");
}

TEST(Greedy, ThresholdComesFromOptionsOrMeta) {
  BudgetInstance instance = Instance("100", {"10", "10", "10"});
  Approve(instance, {0, 1, 2}, 40);
  Approve(instance, {0, 1}, 9);
  Approve(instance, {0}, 1);
  // Scores 50, 49, 40.
  EXPECT_TRUE(std::holds_alternative<ParseError>(
      CountGreedy(instance, {.variant = GreedyVariant::kThreshold})));
  instance.meta["min_project_score_threshold"] = "50";
  EXPECT_EQ(Count(instance, {.variant = GreedyVariant::kThreshold}).winners,
            (std::vector<std::string>{"p1"}));
  const Result lower = Count(instance, {.variant = GreedyVariant::kThreshold, .threshold = "40.5"});
  EXPECT_EQ(lower.winners, (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(lower.explanation["projects"][2]["status"], "ineligible");
  EXPECT_EQ(lower.explanation["threshold"], "40.5");
}

TEST(Greedy, EqualScoresGoCheaperFirstOrInFileOrder) {
  BudgetInstance instance = Instance("100", {"80", "30", "70"});
  Approve(instance, {0, 1, 2}, 1);
  EXPECT_EQ(Count(instance).winners, (std::vector<std::string>{"p2", "p3"}));
  EXPECT_EQ(Count(instance, {.tie_break = GreedyTieBreak::kFileOrder}).winners,
            (std::vector<std::string>{"p1"}));
}

TEST(Greedy, ExactDecimalCosts) {
  // 0.1 + 0.2 fits in 0.3 exactly, which binary floating point gets wrong.
  BudgetInstance instance = Instance("0.3", {"0.1", "0.2"});
  Approve(instance, {0, 1}, 1);
  EXPECT_EQ(Count(instance).winners.size(), 2u);
  EXPECT_EQ(Count(instance).explanation["left"], "0.0");
}

// Official selections of real elections (shared/data/votes/README.md).
std::filesystem::path SharedPabulib() {
  return std::filesystem::path(COPRODUCE_SHARED_DATA) / "votes" / "pabulib";
}

std::set<std::string> SelectedColumn(const BudgetInstance& instance) {
  std::set<std::string> out;
  for (const Project& project : instance.projects) {
    const auto it = project.fields.find("selected");
    if (it != project.fields.end() && it->second != "0") out.insert(project.id);
  }
  return out;
}

void ExpectGreedy(const std::string& file, const GreedyOptions& options,
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
  EXPECT_EQ(winners, SelectedColumn(instance));
}

TEST(PabulibConformance, WarszawaGoclawGreedy) {
  ExpectGreedy("Poland_Warszawa_2017_Goclaw.pb", {},
               {"1098", "1588", "1590", "1877", "2042", "33", "394", "48", "569", "62", "632"});
}

TEST(PabulibConformance, KatowiceZalezeGreedyThresholdOnPoints) {
  ExpectGreedy("Poland_Katowice_2023_Zaleze.pb", {.variant = GreedyVariant::kThreshold},
               {"L7/01/X", "L7/05/X", "L7/06/X", "L7/07/X", "L7/08/X", "L7/11/X"});
}

TEST(PabulibConformance, WroclawRejon9GreedyNoSkip) {
  ExpectGreedy("Poland_Wroclaw_2017_Rejon_nr_9_250.pb", {.variant = GreedyVariant::kNoSkip},
               {"49", "606", "619"});
}

}  // namespace
}  // namespace coproduce::tally
