#include "tally/stv_meek.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace coproduce::tally {
namespace {

Ballot MakeBallot(const std::vector<std::vector<int>>& ranking, int64_t multiplicity) {
  Ballot ballot;
  ballot.ranking = Ranking(ranking);
  ballot.multiplicity = multiplicity;
  return ballot;
}

const std::filesystem::path kDublinWest =
    std::filesystem::path(COPRODUCE_SHARED_DATA) / "votes" / "preflib" / "00001-00000002.soi";

// Just enough of PrefLib's .soi to read the Irish file: alternative names and `count: a,b,c`
// lines (the real reader lives elsewhere; this keeps the Meek test independent of it).
Election ReadSoi(const std::filesystem::path& path, int seats) {
  Election e;
  e.seats = seats;
  std::ifstream in(path);
  const std::string kName = "# ALTERNATIVE NAME ";
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(kName)) {
      e.candidates.push_back(line.substr(line.find(": ") + 2));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    Ballot& ballot = e.ballots.emplace_back();
    const std::size_t colon = line.find(':');
    ballot.multiplicity = std::stoll(line.substr(0, colon));
    std::vector<int> order;
    for (std::size_t at = colon + 1; at < line.size();) {
      std::size_t used = 0;
      order.push_back(std::stoi(line.substr(at), &used) - 1);
      at += used + 1;  // past the comma
    }
    ballot.ranking = Ranking::Strict(order);
  }
  return e;
}

TEST(MeekStv, ElectsTheOfficialWinnersOfDublinWest2002) {
  if (!std::filesystem::exists(kDublinWest)) {
    GTEST_SKIP() << "The shared vote data is absent (" << kDublinWest << ").";
  }
  const Election e = ReadSoi(kDublinWest, 3);
  ASSERT_EQ(e.candidates.size(), 9u);
  Lot lot(1);
  const Result result = CountMeekStv(e, lot);
  std::vector<std::string> winners = result.winners;
  std::sort(winners.begin(), winners.end());
  EXPECT_EQ(winners,
            (std::vector<std::string>{"Brian Lenihan F.F.", "Joan Burton Lab", "Joe Higgins S.P."}))
      << result.explanation.dump(1);
  EXPECT_EQ(result.explanation["valid_papers"], 29988);
  EXPECT_FALSE(result.lot_seed.has_value());
}

TEST(MeekStv, KeepFactorsBringElectedCandidatesToTheQuota) {
  Election e;
  e.candidates = {"A", "B", "C"};
  e.seats = 2;
  e.ballots = {MakeBallot({{0}, {1}}, 6), MakeBallot({{2}}, 3), MakeBallot({{1}}, 2)};
  Lot lot(1);
  const Result result = CountMeekStv(e, lot);
  EXPECT_EQ(result.winners, (std::vector<std::string>{"A", "B"}));
  const nlohmann::json& stages = result.explanation["stages"];
  EXPECT_EQ(stages[0]["quota"], "3.666666667");  // 11 / 3, rounded down, plus 1e-9
  EXPECT_EQ(stages[0]["elected"], nlohmann::json({"A"}));
  // A keeps 0.611111112 of each of its 6 votes and passes 0.388888888 on to B.
  EXPECT_EQ(stages[1]["keep_factors"]["A"], "0.611111112");
  EXPECT_EQ(stages[1]["votes"]["B"], "4.333333328");
}

TEST(MeekStv, RefusesWhatItCannotCount) {
  Lot lot(1);
  Election e;
  e.candidates = {"A"};
  e.seats = 0;
  EXPECT_THROW(CountMeekStv(e, lot), std::invalid_argument);
  e.seats = 1;
  e.ballots = {MakeBallot({{0}}, kMaxMeekPapers + 1)};
  EXPECT_THROW(CountMeekStv(e, lot), std::invalid_argument);
}

}  // namespace
}  // namespace coproduce::tally
