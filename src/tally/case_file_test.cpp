#include "tally/case_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace coproduce::tally {
namespace {

namespace fs = std::filesystem;

// Every .test file under the folders this runner owns (see tests/data/tally/README.md).
std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  const fs::path root(COPRODUCE_TALLY_TEST_DATA);
  for (const char* folder : {"ranked", "score", "approval", "weighting"}) {
    const fs::path dir = root / folder;
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".test") {
        files.push_back(fs::relative(entry.path(), root).string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class TallyCaseFile : public ::testing::TestWithParam<std::string> {};

TEST_P(TallyCaseFile, MeetsItsExpectations) {
  const fs::path path = fs::path(COPRODUCE_TALLY_TEST_DATA) / GetParam();
  auto parsed = ReadTallyCaseFile(path);
  ASSERT_TRUE(std::holds_alternative<TallyCase>(parsed)) << std::get<ParseError>(parsed).ToString();
  const TallyCase& tally_case = std::get<TallyCase>(parsed);
  auto result = RunTallyCase(tally_case);
  ASSERT_TRUE(std::holds_alternative<Result>(result)) << std::get<ParseError>(result).ToString();
  const std::vector<std::string> failures = CheckTallyCase(tally_case, std::get<Result>(result));
  for (const std::string& failure : failures) ADD_FAILURE() << failure;
  if (!failures.empty()) {
    std::printf("explanation: %s\n", std::get<Result>(result).explanation.dump(2).c_str());
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - std::string(".test").size());
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Data, TallyCaseFile, ::testing::ValuesIn(CaseFiles()), CaseName);

TEST(TallyCaseFiles, EveryFolderHasCases) {
  const std::vector<std::string> files = CaseFiles();
  for (const std::string folder : {"ranked/", "score/", "approval/", "weighting/"}) {
    EXPECT_TRUE(std::any_of(files.begin(), files.end(), [&](const std::string& f) {
      return f.starts_with(folder);
    })) << folder;
  }
}

TEST(TallyCase, ParsesEveryPart) {
  auto parsed = ParseTallyCase(R"(# a comment
method: borda
title: T
seats: 2
candidates: Ann Lee, Bo, Cy
weights: given
option borda-truncation: truncated
seed: 9
ballots:
3: Ann Lee, {Bo, Cy} [sector=third org="Hill Trust" weight=1/2]
1: Bo=4, Cy=1
2:
expect winners: Ann Lee, Bo
expect ranking: Ann Lee, {Cy, Bo}
expect lot-seed: none
expect explanation./points/Bo: 1
)",
                               "t.test");
  ASSERT_TRUE(std::holds_alternative<TallyCase>(parsed)) << std::get<ParseError>(parsed).ToString();
  const TallyCase& c = std::get<TallyCase>(parsed);
  EXPECT_EQ(c.method, "borda");
  EXPECT_EQ(c.election.title, "T");
  EXPECT_EQ(c.election.seats, 2);
  EXPECT_EQ(c.election.candidates, (std::vector<std::string>{"Ann Lee", "Bo", "Cy"}));
  EXPECT_EQ(c.weighting, Weighting::kGiven);
  EXPECT_EQ(c.options.at("borda-truncation"), "truncated");
  EXPECT_EQ(c.seed, 9u);
  ASSERT_EQ(c.election.ballots.size(), 3u);
  const Ballot& b = c.election.ballots[0];
  EXPECT_EQ(b.multiplicity, 3);
  EXPECT_EQ(b.ranking, (Ranking{{0}, {1, 2}}));
  EXPECT_EQ(b.sector, "third");
  EXPECT_EQ(b.organisation, "Hill Trust");
  EXPECT_EQ(c.given_weights[0].ToString(), "1/2");
  EXPECT_EQ(c.given_weights[1].ToString(), "1");
  EXPECT_EQ(c.election.ballots[1].scores, (std::map<int, int64_t>{{1, 4}, {2, 1}}));
  EXPECT_TRUE(c.election.ballots[2].ranking.empty());
  EXPECT_EQ(c.expectations.size(), 4u);
  auto options = CountOptionsOf(c);
  ASSERT_TRUE(std::holds_alternative<CountOptions>(options));
  EXPECT_EQ(std::get<CountOptions>(options).borda_truncation,
            CountOptions::BordaTruncation::kTruncated);
}

TEST(TallyCase, RejectsMistakesWithTheLine) {
  struct Bad {
    std::string text;
    int line;
  };
  const std::string head = "method: plurality\ncandidates: A, B\nballots:\n";  // 3 lines
  const std::vector<Bad> cases = {
      {head + "1: C\nexpect winners: A\n", 4},
      {head + "1: A, A\nexpect winners: A\n", 4},
      {head + "1: {A, B\nexpect winners: A\n", 4},
      {head + "x: A\nexpect winners: A\n", 4},
      {head + "1: A [colour=red]\nexpect winners: A\n", 4},
      {head + "1: A [weight=1/2]\nexpect winners: A\n", 4},
      {head + "1: A=x\nexpect winners: A\n", 4},
      {head + "1: A\nexpect: A\n", 5},
      {head + "1: A\nexpect winners: Z\n", 5},
      {"method: plurality\n1: A\n", 2},
      {"method: plurality\ncandidates: A, A\n", 2},
      {"colour: red\n", 1},
      {"method: plurality\ncandidates: A\n", 0},  // no expectations
  };
  for (const Bad& bad : cases) {
    auto parsed = ParseTallyCase(bad.text, "bad.test");
    ASSERT_TRUE(std::holds_alternative<ParseError>(parsed)) << bad.text;
    EXPECT_EQ(std::get<ParseError>(parsed).line, bad.line)
        << bad.text << std::get<ParseError>(parsed).ToString();
  }
}

TEST(TallyCase, ReportsEveryUnmetExpectation) {
  auto parsed = ParseTallyCase(R"(method: plurality
candidates: A, B
ballots:
2: A
1: B
expect winners: B
expect ranking: {A, B}
expect lot-seed: 4
expect explanation./votes/A: 3
expect explanation./nothing/here: 1
expect quota: 2
)",
                               "t.test");
  ASSERT_TRUE(std::holds_alternative<TallyCase>(parsed));
  const TallyCase& c = std::get<TallyCase>(parsed);
  auto result = RunTallyCase(c);
  ASSERT_TRUE(std::holds_alternative<Result>(result));
  const std::vector<std::string> failures = CheckTallyCase(c, std::get<Result>(result));
  ASSERT_EQ(failures.size(), 6u);
  EXPECT_NE(failures[0].find("t.test:6: expected winners B, got A"), std::string::npos)
      << failures[0];
  EXPECT_NE(failures[3].find("got 2"), std::string::npos) << failures[3];
  EXPECT_NE(failures[5].find("not a check this runner knows"), std::string::npos) << failures[5];
}

TEST(TallyCase, ALotWithoutASeedFails) {
  auto parsed = ParseTallyCase(
      "method: plurality\ncandidates: A, B\nballots:\n1: A\n1: B\nexpect ranking: {A, B}\n",
      "t.test");
  const TallyCase& c = std::get<TallyCase>(parsed);
  const Result result = std::get<Result>(RunTallyCase(c));
  const std::vector<std::string> failures = CheckTallyCase(c, result);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].find("seed"), std::string::npos);
}

TEST(TallyCase, ReadsTheStvRunnersSpellings) {
  auto parsed = ParseTallyCase(
      "method: stv-meek\ncandidates: A\nexpect lot seed: none\nexpect json /x: 1\nexpect quota: "
      "4\n",
      "t.test");
  ASSERT_TRUE(std::holds_alternative<TallyCase>(parsed)) << std::get<ParseError>(parsed).ToString();
  const auto& e = std::get<TallyCase>(parsed).expectations;
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].subject, "lot-seed");
  EXPECT_EQ(e[1].subject, "explanation/x");
  EXPECT_EQ(e[2].subject, "quota");
}

TEST(TallyCase, UnknownMethodsAndOptionsAreErrors) {
  auto c = std::get<TallyCase>(
      ParseTallyCase("method: coin\ncandidates: A\nexpect winners: A\n", "t.test"));
  EXPECT_TRUE(std::holds_alternative<ParseError>(RunTallyCase(c)));
  c.method = "borda";
  c.options["bodra-truncation"] = "averaged";
  EXPECT_TRUE(std::holds_alternative<ParseError>(RunTallyCase(c)));
  c.options = {{"sector-threshold", "most"}};
  EXPECT_TRUE(std::holds_alternative<ParseError>(RunTallyCase(c)));
}

}  // namespace
}  // namespace coproduce::tally
