#include "tally/stv_scottish.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tally/blt.hpp"
#include "tally/case_file.hpp"
#include "tally/stv_meek.hpp"

namespace coproduce::tally {
namespace {

Ballot MakeBallot(const std::vector<std::vector<int>>& ranking, int64_t multiplicity) {
  Ballot ballot;
  ballot.ranking = Ranking(ranking);
  ballot.multiplicity = multiplicity;
  return ballot;
}

using nlohmann::json;

const std::filesystem::path kShared = COPRODUCE_SHARED_DATA;
const std::filesystem::path kScotland = kShared / "votes" / "scotland";
const std::filesystem::path kCases = std::filesystem::path(COPRODUCE_TALLY_TEST_DATA) / "stv";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Election ReadWard(const std::string& stem) {
  auto result = ReadBlt(ReadFile(kScotland / (stem + ".blt")), stem + ".blt");
  if (const auto* error = std::get_if<ParseError>(&result)) {
    ADD_FAILURE() << error->ToString();
    return {};
  }
  return std::get<Election>(std::move(result));
}

std::string AfterColon(const std::string& text) {
  const std::size_t colon = text.find(": ");
  return colon == std::string::npos ? text : text.substr(colon + 2);
}

// Compares a count with Droop's reference count of the same ward and returns the number of
// stage values that differ (each also reported as a test failure when `report`).
int CompareWithReference(const std::string& stem, const Result& result, bool report) {
  const json expected = json::parse(ReadFile(kScotland / (stem + ".expected.json")));
  const json& ours = result.explanation;
  int differences = 0;
  auto check = [&](const std::string& what, const json& mine, const json& theirs) {
    if (mine == theirs) return;
    ++differences;
    if (report)
      ADD_FAILURE() << stem << ": " << what << ": ours " << mine << ", reference " << theirs;
  };
  check("quota", ours["quota"], expected["quota"]);
  check("valid papers", ours["valid_papers"], expected["valid_ballots"]);
  std::vector<std::string> order;
  for (const json& line : expected["elect_order"]) order.push_back(AfterColon(line));
  check("order of election", result.winners, order);

  // The reference logs several actions per stage; the end of each stage is its "begin"
  // (first preferences) or "transfer" entry.
  std::vector<json> stages;
  for (const json& stage : expected["stages"]) {
    if (stage["tag"] == "begin" || stage["tag"] == "transfer") stages.push_back(stage);
  }
  check("number of stages", ours["stages"].size(), stages.size());
  const std::size_t common = std::min(ours["stages"].size(), stages.size());
  for (std::size_t s = 0; s < common; ++s) {
    const json& mine = ours["stages"][s];
    const json& theirs = stages[s];
    const std::string where = "stage " + std::to_string(s + 1) + " ";
    const std::string action = theirs["action"];
    std::string name = AfterColon(action);
    if (action.starts_with("Surplus transferred")) {
      check(where + "action", mine["action"], "surplus of " + name.substr(0, name.rfind(" (")));
    } else if (action.starts_with("Transfer defeated")) {
      check(where + "action", mine["action"], "exclusion of " + name);
    }
    for (const auto& [id, value] : theirs["votes"].items()) {
      const std::string& candidate = expected["candidates"][id];
      check(where + candidate, mine["votes"][candidate], value);
    }
    check(where + "non-transferable", mine["non_transferable"], theirs["non_transferable"]);
  }
  return differences;
}

constexpr const char* kWards[] = {"glasgow2007_01_Anderston-City", "glasgow2007_02_Baillieston",
                                  "glasgow2007_03_Calton"};

void SkipWithoutSharedData() {
  if (!std::filesystem::exists(kScotland)) {
    GTEST_SKIP() << "The shared vote data is absent (" << kScotland
                 << "); check out shared/ beside the repository to run the conformance tests.";
  }
}

TEST(ScottishStvConformance, EveryStageOfTheGlasgowWardsMatchesTheReferenceCount) {
  SkipWithoutSharedData();
  for (const char* ward : kWards) {
    SCOPED_TRACE(ward);
    Lot lot(1);
    const Result result = CountScottishStv(ReadWard(ward), lot);
    EXPECT_EQ(CompareWithReference(ward, result, /*report=*/true), 0);
    EXPECT_FALSE(result.lot_seed.has_value());
  }
}

TEST(ScottishStvConformance, AndersonHasTheDocumentedResidual) {
  SkipWithoutSharedData();
  Lot lot(1);
  const Result result = CountScottishStv(ReadWard(kWards[0]), lot);
  const json& stage2 = result.explanation["stages"][1];
  EXPECT_EQ(stage2["action"], "surplus of Craig Mackay");
  EXPECT_EQ(stage2["surplus"], "251.00000");
  EXPECT_EQ(stage2["non_transferable"], "73.20404");
  EXPECT_EQ(stage2["loss"], "0.01472");
  EXPECT_EQ(result.explanation["quota"], "1381.00000");
  EXPECT_EQ(result.winners, (std::vector<std::string>{"Craig Mackay", "Philip Braat", "Nina Baker",
                                                      "Gordon Matheson"}));
}

// The statute truncates each transfer value; a count that rounds half-even (Python's Decimal
// default, seen in a stvpoll ScottishSTV) gives different stage tables, and the conformance
// comparison above notices.
TEST(ScottishStvConformance, HalfEvenRoundingWouldBeCaught) {
  SkipWithoutSharedData();
  int wards_that_differ = 0;
  for (const char* ward : kWards) {
    Lot lot(1);
    const Result rounded = CountScottishStv(ReadWard(ward), lot, TransferRounding::kHalfEven);
    if (CompareWithReference(ward, rounded, /*report=*/false) > 0) ++wards_that_differ;
  }
  EXPECT_EQ(wards_that_differ, 3);
}

TEST(ScottishStv, TransferValueTruncatesOrRoundsHalfEven) {
  // Anderston stage 2: Mackay's surplus 251 of 1632 votes, on a first-preference paper.
  EXPECT_EQ(TransferValue(251 * kUnitsPerPaper, kUnitsPerPaper, 1632 * kUnitsPerPaper,
                          TransferRounding::kTruncate),
            15379);
  EXPECT_EQ(TransferValue(251 * kUnitsPerPaper, kUnitsPerPaper, 1632 * kUnitsPerPaper,
                          TransferRounding::kHalfEven),
            15380);
  EXPECT_EQ(TransferValue(1, 5, 2, TransferRounding::kHalfEven), 2);  // 2.5 -> 2
  EXPECT_EQ(TransferValue(1, 7, 2, TransferRounding::kHalfEven), 4);  // 3.5 -> 4
  EXPECT_EQ(TransferValue(1, 7, 2, TransferRounding::kTruncate), 3);
  // The product needs more than 64 bits.
  EXPECT_EQ(TransferValue(int64_t{1} << 56, int64_t{1} << 20, int64_t{1} << 57,
                          TransferRounding::kTruncate),
            int64_t{1} << 19);
}

TEST(ScottishStv, FormatsUnitsWithFivePlaces) {
  EXPECT_EQ(FormatUnits(0), "0.00000");
  EXPECT_EQ(FormatUnits(7), "0.00007");
  EXPECT_EQ(FormatUnits(138100000), "1381.00000");
  EXPECT_EQ(FormatUnits(-1472), "-0.01472");
  EXPECT_EQ(FormatUnits(INT64_MIN), "-92233720368547.75808");
  EXPECT_EQ(FormatFixed(5, 0), "5");
  EXPECT_EQ(FormatFixed(3666666667, 9), "3.666666667");
}

TEST(ScottishStv, MergesIdenticalPapersAndSetsAsideUnusableOnes) {
  Election e;
  e.candidates = {"A", "B"};
  e.ballots = {MakeBallot({{0}, {1}}, 2),
               MakeBallot({{0}, {1}}, 3),
               MakeBallot({{0, 1}}, 4),       // tied first preference
               MakeBallot({{5}}, 1),          // unknown candidate
               MakeBallot({{1}, {0, 1}}, 1),  // cut at the tie
               MakeBallot({}, 0)};
  const PaperPaths papers = MergeIdenticalPapers(e);
  ASSERT_EQ(papers.paths.size(), 2u);
  EXPECT_EQ(papers.paths[0].papers, 5);
  EXPECT_EQ(papers.paths[1].end - papers.paths[1].begin, 1u);
  EXPECT_EQ(papers.valid_papers, 6);
  EXPECT_EQ(papers.invalid_papers, 5);
}

TEST(ScottishStv, RefusesWhatItCannotCount) {
  Lot lot(1);
  Election e;
  e.candidates = {"A"};
  e.seats = 0;
  EXPECT_THROW(CountScottishStv(e, lot), std::invalid_argument);
  e.seats = 1;
  e.ballots = {MakeBallot({{0}}, -1)};
  EXPECT_THROW(CountScottishStv(e, lot), std::invalid_argument);
  e.ballots = {MakeBallot({{0}}, INT64_MAX), MakeBallot({{0}}, INT64_MAX)};
  EXPECT_THROW(CountScottishStv(e, lot), std::invalid_argument);
}

TEST(ScottishStv, CountsAnElectionWithNoCandidatesOrBallots) {
  Lot lot(1);
  Election e;
  const Result result = CountScottishStv(e, lot);
  EXPECT_TRUE(result.winners.empty());
  EXPECT_EQ(result.explanation["quota"], "1.00000");
}

// ----- Hand-worked cases in tests/data/tally/stv/*.test -----
// The files use the project's case format (tests/data/tally/README.md, read by
// ParseTallyCase); the STV-specific expectations are listed in tests/data/tally/stv/README.md
// and checked here, the rest (winners, lot seed, explanation pointers) by CheckTallyCase.

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  if (Trim(text).empty()) return out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(Trim(text.substr(start, comma - start)));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// A JSON value against the text the case file gives: strings as they are, numbers in
// decimal, arrays as comma-separated lists.
void ExpectJsonText(const json& actual, const std::string& expected, const std::string& where) {
  if (actual.is_string()) {
    EXPECT_EQ(actual.get<std::string>(), expected) << where;
  } else if (actual.is_array()) {
    std::vector<std::string> items;
    for (const json& item : actual) {
      items.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    }
    EXPECT_EQ(items, SplitList(expected)) << where;
  } else {
    EXPECT_EQ(actual.dump(), expected) << where;
  }
}

const std::regex kStageSubject(
    R"(stage (\d+) (action|votes|non-transferable|loss|elected|surplus))");
const std::regex kTieSubject(R"(tie (\d+) (rule|between|decided by|chosen))");

bool IsStvSubject(const std::string& subject) {
  return subject == "quota" || subject == "valid papers" || subject == "invalid papers" ||
         subject == "stages" || subject == "ties" || std::regex_match(subject, kStageSubject) ||
         std::regex_match(subject, kTieSubject);
}

void CheckStvExpectation(const Result& result, const TallyCase::Expectation& e,
                         const std::string& file) {
  const std::string where = file + ":" + std::to_string(e.line) + ": expect " + e.subject;
  const json& x = result.explanation;
  std::smatch m;
  if (e.subject == "quota" || e.subject == "valid papers" || e.subject == "invalid papers") {
    std::string field = e.subject;
    std::replace(field.begin(), field.end(), ' ', '_');
    ASSERT_TRUE(x.contains(field)) << where;
    ExpectJsonText(x[field], e.value, where);
  } else if (e.subject == "stages" || e.subject == "ties") {
    EXPECT_EQ(std::to_string(x[e.subject].size()), e.value) << where;
  } else if (std::regex_match(e.subject, m, kStageSubject)) {
    const std::size_t index = std::stoul(m[1]) - 1;
    ASSERT_LT(index, x["stages"].size()) << where;
    const json& stage = x["stages"][index];
    const std::string field = m[2];
    if (field == "votes") {
      for (const std::string& pair : SplitList(e.value)) {
        const std::size_t equals = pair.find('=');
        ASSERT_NE(equals, std::string::npos) << where << ": write votes as NAME=VALUE";
        const std::string name = Trim(pair.substr(0, equals));
        ASSERT_TRUE(stage["votes"].contains(name)) << where << ": no candidate " << name;
        std::string context = where;
        context.append(" ").append(name);
        ExpectJsonText(stage["votes"][name], Trim(pair.substr(equals + 1)), context);
      }
    } else {
      const std::string json_field = field == "non-transferable" ? "non_transferable" : field;
      ASSERT_TRUE(stage.contains(json_field)) << where;
      ExpectJsonText(stage[json_field], e.value, where);
    }
  } else if (std::regex_match(e.subject, m, kTieSubject)) {
    const std::size_t index = std::stoul(m[1]) - 1;
    ASSERT_LT(index, x["ties"].size()) << where;
    std::string field = m[2];
    if (field == "decided by") field = "decided_by";
    ExpectJsonText(x["ties"][index][field], e.value, where);
  }
}

std::vector<std::filesystem::path> CaseFiles() {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::exists(kCases)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(kCases)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class StvDataCase : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(StvDataCase, CountsAsHandWorked) {
  const std::string file = GetParam().filename().string();
  auto parsed = ReadTallyCaseFile(GetParam());
  if (const auto* error = std::get_if<ParseError>(&parsed)) FAIL() << error->ToString();
  const TallyCase& c = std::get<TallyCase>(parsed);
  ASSERT_FALSE(c.expectations.empty()) << file << " has no 'expect' lines";
  Lot lot(c.seed.value_or(0));
  Result result;
  if (c.method == "stv-scottish") {
    result = CountScottishStv(c.election, lot);
  } else if (c.method == "stv-meek") {
    result = CountMeekStv(c.election, lot);
  } else {
    FAIL() << file << ": method must be stv-scottish or stv-meek, not '" << c.method << "'";
  }
  TallyCase common = c;
  common.expectations.clear();
  for (const TallyCase::Expectation& e : c.expectations) {
    if (IsStvSubject(e.subject)) {
      CheckStvExpectation(result, e, file);
    } else {
      common.expectations.push_back(e);
    }
  }
  for (const std::string& failure : CheckTallyCase(common, result)) ADD_FAILURE() << failure;
  if (HasFailure()) ADD_FAILURE() << "the count was:\n" << result.explanation.dump(1);
}

INSTANTIATE_TEST_SUITE_P(Stv, StvDataCase, ::testing::ValuesIn(CaseFiles()),
                         [](const ::testing::TestParamInfo<std::filesystem::path>& info) {
                           std::string name = info.param.stem().string();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StvDataCase);

TEST(StvDataCases, TheFolderHasCases) {
  if (!std::filesystem::exists(kCases)) GTEST_SKIP() << kCases << " is absent";
  EXPECT_GE(CaseFiles().size(), 8u);
}

}  // namespace
}  // namespace coproduce::tally
