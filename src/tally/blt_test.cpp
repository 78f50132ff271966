#include "tally/blt.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace coproduce::tally {
namespace {

Ballot MakeBallot(const std::vector<std::vector<int>>& ranking, int64_t multiplicity) {
  Ballot ballot;
  ballot.ranking = Ranking(ranking);
  ballot.multiplicity = multiplicity;
  return ballot;
}

const std::filesystem::path kScotland =
    std::filesystem::path(COPRODUCE_SHARED_DATA) / "votes" / "scotland";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Election MustRead(std::string_view text) {
  auto result = ReadBlt(text, "test.blt");
  if (auto* error = std::get_if<ParseError>(&result)) {
    ADD_FAILURE() << error->ToString();
    return {};
  }
  return std::get<Election>(std::move(result));
}

Ranking Strict(std::initializer_list<int> ids) { return Ranking::Strict(std::vector<int>(ids)); }

void ExpectSameElection(const Election& a, const Election& b) {
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.candidates, b.candidates);
  EXPECT_EQ(a.seats, b.seats);
  ASSERT_EQ(a.ballots.size(), b.ballots.size());
  for (std::size_t i = 0; i < a.ballots.size(); ++i) {
    EXPECT_EQ(a.ballots[i].ranking, b.ballots[i].ranking) << "ballot " << i;
    EXPECT_EQ(a.ballots[i].multiplicity, b.ballots[i].multiplicity) << "ballot " << i;
  }
}

TEST(Blt, ReadsASmallFile) {
  const Election e =
      MustRead("3 2\n5 1 2 0\n2 3 0\n1 0\n0\n\"Alice\"\n\"Bob\"\n\"Carol\"\n\"Test\"\n");
  EXPECT_EQ(e.title, "Test");
  EXPECT_EQ(e.candidates, (std::vector<std::string>{"Alice", "Bob", "Carol"}));
  EXPECT_EQ(e.seats, 2);
  ASSERT_EQ(e.ballots.size(), 3u);
  EXPECT_EQ(e.ballots[0].ranking, Strict({0, 1}));
  EXPECT_EQ(e.ballots[0].multiplicity, 5);
  EXPECT_EQ(e.ballots[1].ranking, Strict({2}));
  EXPECT_TRUE(e.ballots[2].ranking.empty());
  EXPECT_EQ(e.ballots[2].multiplicity, 1);
}

TEST(Blt, AcceptsBlankLinesCrlfTabsAndAByteOrderMark) {
  const Election e = MustRead(
      "\xEF\xBB\xBF\r\n3\t1 \r\n\r\n 4  3 1\t0 \r\n0\r\n\r\n\"A\"\r\n \"B\" "
      "\r\n\"C\"\r\n\"T\"\r\n\r\n");
  EXPECT_EQ(e.candidates, (std::vector<std::string>{"A", "B", "C"}));
  ASSERT_EQ(e.ballots.size(), 1u);
  EXPECT_EQ(e.ballots[0].ranking, Strict({2, 0}));
  EXPECT_EQ(e.ballots[0].multiplicity, 4);
}

TEST(Blt, DropsWithdrawnCandidatesAndRenumbers) {
  const Election e =
      MustRead("4 1\n-2 -4\n3 2 3 1 0\n1 4 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"T\"\n");
  EXPECT_EQ(e.candidates, (std::vector<std::string>{"A", "C"}));
  ASSERT_EQ(e.ballots.size(), 2u);
  EXPECT_EQ(e.ballots[0].ranking, Strict({1, 0}));
  EXPECT_TRUE(e.ballots[1].ranking.empty());
}

// Lines are merged by what they mean, not how they are written: spacing, leading zeros and
// withdrawn candidates do not keep two rankings apart, and the merged ballots keep the order
// in which each ranking first appeared.
TEST(Blt, MergesIdenticalRankingsHoweverTheyAreWritten) {
  const Election e = MustRead(
      "3 1\n-3\n1 0000000000000000000002 1 0\n2 1 2 0\n1 3 0\n 3\t1  2 0 \r\n1 01 002 0\n"
      "4 1 2 3 0\n2 0\n5 2 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n");
  ASSERT_EQ(e.ballots.size(), 3u);
  EXPECT_EQ(e.ballots[0].ranking, Strict({1, 0}));
  EXPECT_EQ(e.ballots[0].multiplicity, 6);
  EXPECT_EQ(e.ballots[1].ranking, Strict({0, 1}));
  EXPECT_EQ(e.ballots[1].multiplicity, 10);
  EXPECT_TRUE(e.ballots[2].ranking.empty());
  EXPECT_EQ(e.ballots[2].multiplicity, 3);
}

TEST(Blt, KeepsQuotesInsideNames) {
  const Election e = MustRead("1 1\n1 1 0\n0\n\"Jo \"Red\" Bloggs\"\n\"T\"\n");
  EXPECT_EQ(e.candidates[0], "Jo \"Red\" Bloggs");
}

struct BadCase {
  const char* text;
  int line;
  const char* message_part;
};

TEST(Blt, RejectsMalformedInputWithLineAndSentence) {
  const BadCase cases[] = {
      {"", 0, "empty"},
      {"\n\n", 0, "empty"},
      {"3\n", 1, "two whole numbers"},
      {"3 x\n", 1, "two whole numbers"},
      {"3 1 7\n", 1, "two whole numbers"},
      {"0 1\n0\n", 1, "at least 1"},
      {"2 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 1, "seats must be at least 1"},
      {"5 1\n0\n\"A\"\n", 1, "too few for their names"},
      {"2 1\n1 1 2\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "does not end with 0"},
      {"2 1\n1 1 3 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "'3' is out of range"},
      // found by the fuzzer: once written back, such a file would have no candidate at all
      {"1 8\n-1\n0\n\"B\"\n\"B\"\n", 2, "Every candidate is withdrawn"},
      {"2 1\n1 1 -1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "out of range"},
      {"2 1\n1 1 99999999999999999999 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "out of range"},
      {"2 1\n1 1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "appears twice"},
      {"2 1\n1 1=2 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "Equal preferences"},
      {"2 1\n1 1 0 2\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "continues after its closing 0"},
      {"2 1\n# comment\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "must start with its weight"},
      {"2 1\n1 x 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "Expected a candidate number, found 'x'"},
      {"2 1\n-3 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "out of range"},
      {"2 1\n1 -2 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "out of range"},
      {"2 1\n\n-1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 3, "withdrawn-candidates line"},
      {"2 1\n1 1 0\n-1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 3, "is negative"},
      {"2 1\n0 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "weight 0"},
      {"2 1\n1.5 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "whole number of papers"},
      {"2 1\n99999999999999999999 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "too large"},
      {"2 1\n1000000000000 1 0\n1 2 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 3, "add up to more than"},
      {"2 1\n1 1 0\n\"A\"\n\"B\"\n\"T\"\n", 3, "must start with its weight"},
      {"2 1\n1 1 0\n1 2 0\n1 1 0\n", 4, "ends before the line '0'"},
      {"2 1\n1 1 0\n0\n\"A\"\n", 4, "ends after 1 of the 2 candidate names"},
      {"2 1\n1 1 0\n0\nA\n\"B\"\n\"T\"\n", 4, "name of candidate 1 in double quotes"},
      {"2 1\n1 1 0\n0\n\"\n\"B\"\n\"T\"\n", 4, "double quotes"},
      {"2 1\n1 1 0\n0\n\"A\"\n\"A\"\n\"T\"\n", 5, "same name 'A'"},
      {"2 1\n1 1 0\n0\n\"A\"\n\"B\"\n", 5, "ends before the election's title"},
      {"2 1\n1 1 0\n0\n\"A\"\n\"B\"\nT\n", 6, "title in double quotes"},
      {"2 1\n1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n\"extra\"\n", 7, "after the title"},
  };
  for (const BadCase& c : cases) {
    auto result = ReadBlt(c.text, "bad.blt");
    ASSERT_TRUE(std::holds_alternative<ParseError>(result)) << "accepted: " << c.text;
    const ParseError& error = std::get<ParseError>(result);
    EXPECT_EQ(error.file, "bad.blt");
    EXPECT_EQ(error.line, c.line) << c.text << "\n" << error.message;
    EXPECT_NE(error.message.find(c.message_part), std::string::npos)
        << "for input:\n"
        << c.text << "got: " << error.message;
    EXPECT_TRUE(error.message.ends_with(".")) << error.message;
  }
}

TEST(Blt, WritesWhatItReads) {
  const std::string text =
      "4 2\n-3\n5 1 2 0\n2 4 1 0\n1 0\n0\n\"Alice\"\n\"Bob\"\n\"Carol\"\n\"Dan\"\n\"Title\"\n";
  const Election e = MustRead(text);
  const std::string written = WriteBlt(e);
  EXPECT_EQ(written, "3 2\n5 1 2 0\n2 3 1 0\n1 0\n0\n\"Alice\"\n\"Bob\"\n\"Dan\"\n\"Title\"\n");
  ExpectSameElection(MustRead(written), e);
}

TEST(Blt, WriteLeavesOutWhatBltCannotHold) {
  Election e;
  e.title = "Two\nlines\r";
  e.candidates = {"A", "B"};
  e.seats = 1;
  e.ballots.push_back(MakeBallot({{0, 1}}, 2));
  e.ballots.push_back(MakeBallot({{7}, {1}}, 1));
  e.ballots.push_back(MakeBallot({{0}}, 0));
  EXPECT_EQ(WriteBlt(e), "2 1\n2 1=2 0\n1 2 0\n0\n\"A\"\n\"B\"\n\"Two lines\r\"\n");
}

TEST(Blt, RoundTripsTheGlasgowWards) {
  if (!std::filesystem::exists(kScotland)) GTEST_SKIP() << "shared data absent: " << kScotland;
  for (const auto& entry : std::filesystem::directory_iterator(kScotland)) {
    if (entry.path().extension() != ".blt") continue;
    const Election e = MustRead(ReadFile(entry.path()));
    int64_t papers = 0;
    for (const Ballot& b : e.ballots) papers += b.multiplicity;
    EXPECT_GT(papers, 5000) << entry.path();
    EXPECT_GE(e.candidates.size(), 9u);
    ExpectSameElection(MustRead(WriteBlt(e)), e);
  }
}

// Nothing in a file may crash the reader: every prefix of a real file and random damage to
// it give either an election or an error with a message (run under the sanitizers in CI;
// blt_fuzz.cpp goes further).
TEST(Blt, SurvivesTruncatedAndDamagedInput) {
  std::string text =
      "4 2\n-3\n5 1 2 0\n2 4 1 0\n1 0\n3 2 4 1 0\n0\n\"Alice\"\n\"Bob\"\n\"C\"\n\"D\"\n\"T\"\n";
  auto check = [](std::string_view input) {
    auto result = ReadBlt(input, "damaged.blt");
    if (const auto* error = std::get_if<ParseError>(&result)) {
      EXPECT_FALSE(error->message.empty());
      EXPECT_GE(error->line, 0);
    } else {
      const Election& e = std::get<Election>(result);
      ExpectSameElection(MustRead(WriteBlt(e)), e);
    }
  };
  for (std::size_t length = 0; length <= text.size(); ++length) check(text.substr(0, length));
  std::mt19937_64 random(20240611);
  const std::string alphabet = "0123456789 -=\"\n\r\t#x.\xff";
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = text;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < edits; ++i) {
      const std::size_t at = random() % damaged.size();
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          damaged[at] = c;
          break;
        case 1:
          damaged.insert(at, 1, c);
          break;
        default:
          damaged.erase(at, 1);
          break;
      }
    }
    check(damaged);
  }
  check(std::string(1000, '\0'));
  check("2147483647 1\n");
  check("1 2147483648\n1 1 0\n0\n\"A\"\n\"T\"\n");
}

}  // namespace
}  // namespace coproduce::tally
