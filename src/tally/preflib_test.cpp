#include "tally/preflib.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

#include "tally/single_winner.hpp"

namespace coproduce::tally {
namespace {

const char kSmall[] = R"(# FILE NAME: small.soi
# TITLE: Small
# DATA TYPE: soi
# NUMBER ALTERNATIVES: 3
# NUMBER VOTERS: 6
# NUMBER UNIQUE ORDERS: 3
# ALTERNATIVE NAME 1: Ann
# ALTERNATIVE NAME 2: Bo
# ALTERNATIVE NAME 3: Cy
3: 1,2,3
2: 2
1: 3,1
)";

Ballot Ranked(const std::vector<std::vector<int>>& ranking, int64_t multiplicity = 1) {
  Ballot b;
  b.ranking = Ranking(ranking);
  b.multiplicity = multiplicity;
  return b;
}

Election ReadOk(std::string_view text, std::string_view name = "test.soi") {
  auto r = ReadPreflib(text, name);
  if (auto* e = std::get_if<ParseError>(&r)) ADD_FAILURE() << e->ToString();
  return std::get_if<Election>(&r) ? std::get<Election>(std::move(r)) : Election{};
}

ParseError ReadError(std::string_view text, std::string_view name = "test.soi") {
  auto r = ReadPreflib(text, name);
  if (std::holds_alternative<Election>(r)) {
    ADD_FAILURE() << "expected an error for:\n" << text;
    return {};
  }
  return std::get<ParseError>(r);
}

std::string Header(std::string_view type, int m, std::string_view voters) {
  std::string out =
      "# DATA TYPE: " + std::string(type) + "\n# NUMBER ALTERNATIVES: " + std::to_string(m) + "\n";
  if (!voters.empty()) out += "# NUMBER VOTERS: " + std::string(voters) + "\n";
  for (int i = 1; i <= m; ++i)
    out += "# ALTERNATIVE NAME " + std::to_string(i) + ": C" + std::to_string(i) + "\n";
  return out;
}

TEST(Preflib, ReadsHeaderNamesAndCounts) {
  const Election e = ReadOk(kSmall);
  EXPECT_EQ(e.title, "Small");
  EXPECT_EQ(e.seats, 1);
  EXPECT_EQ(e.candidates, (std::vector<std::string>{"Ann", "Bo", "Cy"}));
  ASSERT_EQ(e.ballots.size(), 3u);
  EXPECT_EQ(e.ballots[0].multiplicity, 3);
  EXPECT_EQ(e.ballots[0].ranking, (Ranking{{0}, {1}, {2}}));
  EXPECT_EQ(e.ballots[1].ranking, (Ranking{{1}}));
  EXPECT_EQ(e.ballots[2].ranking, (Ranking{{2}, {0}}));
}

TEST(Preflib, ReadsTiesInToc) {
  const Election e = ReadOk(Header("toc", 4, "5") + "3: 2,{1, 4},3\n2: {1,2,3,4}\n", "x.toc");
  EXPECT_EQ(e.ballots[0].ranking, (Ranking{{1}, {0, 3}, {2}}));
  EXPECT_EQ(e.ballots[1].ranking, (Ranking{{0, 1, 2, 3}}));
}

TEST(Preflib, AcceptsCrlfBomBlankLinesAndSpaces) {
  const Election e =
      ReadOk("\xEF\xBB\xBF" + Header("soi", 2, "3") + "\r\n  2 :  1 , 2\r\n\r\n1:\r\n");
  ASSERT_EQ(e.ballots.size(), 2u);
  EXPECT_EQ(e.ballots[0].ranking, (Ranking{{0}, {1}}));
  EXPECT_TRUE(e.ballots[1].ranking.empty());  // a blank ballot
}

// Plain lines are read by a fast path and others in full; both must give the same ballots.
TEST(Preflib, ReadsEverySpellingOfAnOrderAlike) {
  const Election e =
      ReadOk(Header("soi", 3, "9") + "2: 3,1\n2 :3 , 1\n1:\t{3},01\n1:3,1\n\t1: 3,1 \n2:\n");
  ASSERT_EQ(e.ballots.size(), 6u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(e.ballots[i].ranking, (Ranking{{2}, {0}})) << "line " << i;
  }
  EXPECT_EQ(e.ballots[1].multiplicity, 2);
  EXPECT_EQ(e.ballots[4].multiplicity, 1);
  EXPECT_TRUE(e.ballots[5].ranking.empty());
}

TEST(Preflib, TakesTheTypeFromTheExtensionWhenTheHeaderHasNone) {
  const std::string text = "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n1: {1,2}\n";
  EXPECT_EQ(ReadOk(text, "x.toi").ballots.size(), 1u);
  EXPECT_NE(ReadError(text, "x.soi").message.find("cannot contain ties"), std::string::npos);
  EXPECT_NE(ReadError(text, "x.txt").message.find("DATA TYPE"), std::string::npos);
}

TEST(Preflib, RejectsMalformedFilesWithTheLine) {
  struct Case {
    std::string text;
    int line;
    std::string words;
  };
  const std::string soi = Header("soi", 3, "");  // 5 header lines
  const std::vector<Case> cases = {
      {soi + "1: 1,4\n", 6, "not in the header"},
      {soi + "1: 0\n", 6, "not in the header"},
      {soi + "1: 1,2,1\n", 6, "appears twice"},
      {soi + "1: {1,2\n", 6, "not closed"},
      {soi + "1: 1,2}\n", 6, "Expected ','"},
      {soi + "1: {1,2}\n", 6, "cannot contain ties"},
      {soi + "1: {}\n", 6, "alternative number"},
      {soi + "1: 1,\n", 6, "ends with ','"},
      {soi + "1: 1,,2\n", 6, "alternative number"},
      {soi + "1 1,2\n", 6, "Expected ':'"},
      {soi + "x: 1\n", 6, "start with a count"},
      {soi + "0: 1\n", 6, "at least 1"},
      {soi + "-2: 1\n", 6, "at least 1"},
      {soi + "99999999999999999999: 1\n", 6, "too large"},
      {soi + "1: 1\n# TITLE: late\n", 7, "after the votes"},
      {Header("soc", 3, "") + "1: 1,2\n", 6, "rank all 3"},
      {Header("toc", 3, "") + "1: {1,2}\n", 6, "rank all 3"},
      {Header("soi", 3, "4") + "1: 1\n2: 2\n", 3, "add up to 3"},
      {"# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n1: 1\n", 2,
       "ALTERNATIVE NAME 2"},
      {"# DATA TYPE: soi\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 1: B\n1: 1\n", 3,
       "named twice"},
      {"# DATA TYPE: soi\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: A\n1: 1\n", 3,
       "both named"},
      {"# DATA TYPE: soi\n# ALTERNATIVE NAME 1: \n1: 1\n", 2, "no name"},
      {"# DATA TYPE: soi\n# ALTERNATIVE NAME x: A\n1: 1\n", 2, "alternative number"},
      {"# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 1: "
       "A\n1: 1\n",
       3, "NUMBER ALTERNATIVES is 1"},
      {"# DATA TYPE: xyz\n", 1, "not one of soc"},
      {"# DATA TYPE: soi\n# NUMBER VOTERS: many\n", 2, "whole number"},
      {"4\n1,A\n2,B\n", 1, "before September 2022"},
      {"", 0, "empty"},
  };
  for (const Case& c : cases) {
    const ParseError e = ReadError(c.text);
    EXPECT_EQ(e.line, c.line) << c.text << "\n" << e.ToString();
    EXPECT_NE(e.message.find(c.words), std::string::npos) << c.text << "\n" << e.ToString();
    EXPECT_EQ(e.file, "test.soi");
  }
}

TEST(Preflib, NumberVotersIsOptionalAndUniqueOrdersIsNotChecked) {
  const std::string text =
      "# DATA TYPE: soi\n# NUMBER UNIQUE ORDERS: 7\n# ALTERNATIVE NAME 1: A\n4: 1\n";
  EXPECT_EQ(ReadOk(text).ballots.at(0).multiplicity, 4);
}

TEST(Preflib, DataTypeFollowsTheBallots) {
  Election e;
  e.candidates = {"A", "B"};
  e.ballots = {Ranked({{0}, {1}})};
  EXPECT_EQ(PreflibDataType(e), "soc");
  e.ballots.push_back(Ranked({{1}}));
  EXPECT_EQ(PreflibDataType(e), "soi");
  e.ballots = {Ranked({{0, 1}})};
  EXPECT_EQ(PreflibDataType(e), "toc");
  e.ballots.push_back(Ballot{});
  EXPECT_EQ(PreflibDataType(e), "toi");
}

TEST(Preflib, WriterRoundTripsEveryType) {
  for (const std::string type : {"soc", "soi", "toc", "toi"}) {
    std::string body;
    if (type == "soc") body = "5: 1,2,3\n2: 3,2,1\n";
    if (type == "soi") body = "5: 1,2\n2: 3\n1:\n";
    if (type == "toc") body = "5: {1,3},2\n2: 3,2,1\n";
    if (type == "toi") body = "5: {1,3}\n2: 3,2,1\n";
    const Election e = ReadOk(Header(type, 3, "") + body);
    const std::string written = WritePreflib(e, "out." + type);
    EXPECT_NE(written.find("# DATA TYPE: " + type + "\n"), std::string::npos) << written;
    const Election back = ReadOk(written, "out." + type);
    EXPECT_EQ(back.candidates, e.candidates);
    ASSERT_EQ(back.ballots.size(), e.ballots.size()) << written;
    for (std::size_t i = 0; i < e.ballots.size(); ++i) {
      EXPECT_EQ(back.ballots[i].ranking, e.ballots[i].ranking) << written;
      EXPECT_EQ(back.ballots[i].multiplicity, e.ballots[i].multiplicity);
    }
  }
}

TEST(Preflib, WriterMergesIdenticalOrdersAndLeavesOutBrokenBallots) {
  Election e;
  e.title = "Two\nlines";
  e.candidates = {"A", "B"};
  e.ballots = {Ranked({{1, 0}}, 2), Ranked({{0, 1}}, 3), Ranked({{0}, {0}}), Ranked({{5}}),
               Ranked({{0}}, 0)};
  const std::string written = WritePreflib(e);
  const Election back = ReadOk(written, "x.toi");
  EXPECT_EQ(back.title, "Two lines");
  ASSERT_EQ(back.ballots.size(), 1u) << written;
  EXPECT_EQ(back.ballots[0].multiplicity, 5);
  EXPECT_NE(written.find("# NUMBER VOTERS: 5\n"), std::string::npos);
}

// A generated 10 MB file, timed for information only: a unit test under a loaded machine or a
// sanitizer is no place for a speed limit. (Measured figures are in the engine's notes: the
// parsing proper is far faster than building one std::vector per rank group.)
TEST(Preflib, ReadsAGeneratedFile) {
  constexpr int kCandidates = 14;
  std::mt19937_64 rng(7);
  std::string body;
  std::vector<int> order(kCandidates);
  int64_t voters = 0;
  std::size_t lines = 0;
  while (body.size() < 10'000'000) {
    std::iota(order.begin(), order.end(), 1);
    std::shuffle(order.begin(), order.end(), rng);
    const int64_t count = 1 + static_cast<int64_t>(rng() % 50);
    voters += count;
    body += std::to_string(count) + ":";
    const int length = 1 + static_cast<int>(rng() % kCandidates);
    for (int k = 0; k < length; ++k) body += (k ? "," : " ") + std::to_string(order[k]);
    body += '\n';
    ++lines;
  }
  const std::string text = Header("soi", kCandidates, std::to_string(voters)) + body;
  const auto start = std::chrono::steady_clock::now();
  auto r = ReadPreflib(text, "big.soi");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(std::holds_alternative<Election>(r)) << std::get<ParseError>(r).ToString();
  EXPECT_EQ(std::get<Election>(r).ballots.size(), lines);
  std::printf("[   info   ] read %.1f MB in %.3f s: %.0f MB/s\n",
              static_cast<double>(text.size()) / 1e6, seconds,
              static_cast<double>(text.size()) / 1e6 / seconds);
}

// The real files in shared/data/votes/preflib, with expected winners from its README.
class PreflibConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(COPRODUCE_SHARED_DATA) / "votes" / "preflib";
    if (!std::filesystem::exists(dir_)) GTEST_SKIP() << "shared data not found at " << dir_;
  }
  Election Load(const std::string& name) {
    auto r = ReadPreflibFile(dir_ / name);
    if (auto* e = std::get_if<ParseError>(&r)) {
      ADD_FAILURE() << e->ToString();
      return {};
    }
    return std::get<Election>(std::move(r));
  }
  static std::vector<std::string> Winners(Result (*count)(const Election&, const BallotWeights&,
                                                          const CountOptions&, Lot&),
                                          const Election& e) {
    Lot lot(1);
    const Result r = count(e, WeighBallots(e, Weighting::kPerson), CountOptions{}, lot);
    EXPECT_FALSE(r.lot_seed.has_value());
    return r.winners;
  }
  std::filesystem::path dir_;
};

TEST_F(PreflibConformance, Debian2002) {
  for (const std::string file : {"00002-00000001.soi", "00002-00000001.toc"}) {
    const Election e = Load(file);
    EXPECT_EQ(e.candidates.size(), 4u);
    int64_t voters = 0;
    for (const Ballot& b : e.ballots) voters += b.multiplicity;
    EXPECT_EQ(voters, 475);
    EXPECT_EQ(Winners(CountSchulze, e), std::vector<std::string>{"Bdale Garbee"}) << file;
    EXPECT_EQ(Winners(CountRankedPairs, e), std::vector<std::string>{"Bdale Garbee"}) << file;
  }
}

TEST_F(PreflibConformance, Debian2007) {
  for (const std::string file : {"00002-00000005.soi", "00002-00000005.toc"}) {
    const Election e = Load(file);
    EXPECT_EQ(Winners(CountSchulze, e), std::vector<std::string>{"Sam Hocevar"}) << file;
    EXPECT_EQ(Winners(CountRankedPairs, e), std::vector<std::string>{"Sam Hocevar"}) << file;
  }
}

TEST_F(PreflibConformance, DublinWest2002) {
  const Election e = Load("00001-00000002.soi");
  EXPECT_EQ(e.candidates.size(), 9u);
  EXPECT_EQ(Winners(CountInstantRunoff, e), std::vector<std::string>{"Brian Lenihan F.F."});
  EXPECT_EQ(Winners(CountSchulze, e), std::vector<std::string>{"Brian Lenihan F.F."});
  // The imbued .toc adds the unranked as a tied last group: the same pairwise counts.
  EXPECT_EQ(Winners(CountSchulze, Load("00001-00000002.toc")),
            std::vector<std::string>{"Brian Lenihan F.F."});
}

TEST_F(PreflibConformance, RealFilesRoundTripThroughTheWriter) {
  for (const std::string file :
       {"00001-00000002.soi", "00001-00000002.toc", "00002-00000001.soi", "00002-00000005.toc"}) {
    const Election e = Load(file);
    auto r = ReadPreflib(WritePreflib(e, file), file);
    ASSERT_TRUE(std::holds_alternative<Election>(r)) << std::get<ParseError>(r).ToString();
    const Election& back = std::get<Election>(r);
    EXPECT_EQ(back.candidates, e.candidates);
    ASSERT_EQ(back.ballots.size(), e.ballots.size()) << file;  // PrefLib lines are unique orders
    std::map<Ranking, int64_t> a;
    std::map<Ranking, int64_t> b;
    for (const Ballot& x : e.ballots) a[x.ranking] += x.multiplicity;
    for (const Ballot& x : back.ballots) b[x.ranking] += x.multiplicity;
    EXPECT_EQ(a, b) << file;
  }
}

}  // namespace
}  // namespace coproduce::tally
