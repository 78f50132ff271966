#include "tally/weighting.hpp"

#include <numeric>

#include <gtest/gtest.h>

namespace coproduce::tally {
namespace {

Ballot Voter(std::string sector, std::string organisation, int64_t multiplicity = 1) {
  Ballot b;
  b.sector = std::move(sector);
  b.organisation = std::move(organisation);
  b.multiplicity = multiplicity;
  return b;
}

// Ballot i's weight per voter, as a double, for readable expectations.
double PerVoter(const BallotWeights& w, const Election& e, std::size_t i) {
  return static_cast<double>(w.units[i]) / static_cast<double>(e.ballots[i].multiplicity) /
         static_cast<double>(w.units_per_vote);
}

TEST(Fraction, ParsesFractionsDecimalsAndPercentages) {
  EXPECT_EQ(Fraction::FromString("1/3")->ToString(), "1/3");
  EXPECT_EQ(Fraction::FromString("2/4")->ToString(), "1/2");
  EXPECT_EQ(Fraction::FromString("0.25")->ToString(), "1/4");
  EXPECT_EQ(Fraction::FromString(" 3 ")->ToString(), "3");
  EXPECT_EQ(Fraction::FromString("50%")->ToString(), "1/2");
  EXPECT_EQ(Fraction::FromString("12.5%")->ToString(), "1/8");
  EXPECT_EQ(Fraction::FromString("1/3%")->ToString(), "1/300");
  EXPECT_EQ(Fraction::FromString(".5")->ToString(), "1/2");
  EXPECT_EQ(Fraction::FromString("0")->ToString(), "0");
  for (const char* bad :
       {"", "%", "-1", "1/0", "1/-2", "a", "1.2.3", "1e3", "1/", "/2", "1234567890123456789"}) {
    EXPECT_FALSE(Fraction::FromString(bad).has_value()) << bad;
  }
}

TEST(Weighting, NamesRoundTrip) {
  for (const Weighting w :
       {Weighting::kPerson, Weighting::kOrganisation, Weighting::kSector, Weighting::kGiven}) {
    EXPECT_EQ(WeightingFromString(ToString(w)), w);
  }
  EXPECT_FALSE(WeightingFromString("people").has_value());
}

TEST(WeighBallots, PerPersonIsTheMultiplicity) {
  Election e;
  e.ballots = {Voter("", "", 3), Voter("", "", 1), Voter("", "", 0), Voter("", "", -2)};
  const BallotWeights w = WeighBallots(e, Weighting::kPerson);
  EXPECT_EQ(w.units, (std::vector<int64_t>{3, 1, 0, 0}));
  EXPECT_EQ(w.units_per_vote, 1);
  EXPECT_TRUE(w.exact);
}

TEST(WeighBallots, AnOrganisationSharesOneVote) {
  Election e;
  e.ballots = {Voter("", "X", 2), Voter("", "X"), Voter("", "Y"), Voter("", "")};
  const BallotWeights w = WeighBallots(e, Weighting::kOrganisation);
  EXPECT_EQ(w.units_per_vote, 3);
  EXPECT_DOUBLE_EQ(PerVoter(w, e, 0), 1.0 / 3);
  EXPECT_DOUBLE_EQ(PerVoter(w, e, 1), 1.0 / 3);
  EXPECT_DOUBLE_EQ(PerVoter(w, e, 2), 1.0);
  EXPECT_DOUBLE_EQ(PerVoter(w, e, 3), 1.0);  // no organisation: a person
  EXPECT_EQ(std::accumulate(w.units.begin(), w.units.end(), int64_t{0}), 3 * w.units_per_vote);
}

TEST(WeighBallots, EverySectorWeighsTheSame) {
  Election e;
  e.ballots = {Voter("third", "", 6), Voter("statutory", "", 2), Voter("statutory", ""),
               Voter("", "", 3)};
  const BallotWeights w = WeighBallots(e, Weighting::kSector);
  // 12 voters, 3 sectors ("" is one): each sector weighs 4.
  EXPECT_DOUBLE_EQ(PerVoter(w, e, 0), 4.0 / 6);
  EXPECT_DOUBLE_EQ(PerVoter(w, e, 1), 4.0 / 3);
  EXPECT_DOUBLE_EQ(PerVoter(w, e, 3), 4.0 / 3);
  EXPECT_EQ(w.units[0], w.units[1] + w.units[2]);
  EXPECT_EQ(w.units[0], w.units[3]);
  EXPECT_EQ(std::accumulate(w.units.begin(), w.units.end(), int64_t{0}), 12 * w.units_per_vote);
}

TEST(WeighBallots, GivenWeightsAreExact) {
  Election e;
  e.ballots = {Voter("", "", 3), Voter("", ""), Voter("", "")};
  const std::vector<Fraction> given = {*Fraction::FromString("1/3"), *Fraction::FromString("0.25")};
  const BallotWeights w = WeighBallots(e, Weighting::kGiven, given);
  EXPECT_EQ(w.units_per_vote, 12);
  EXPECT_EQ(w.units, (std::vector<int64_t>{12, 3, 12}));  // the missing third weighs 1
}

TEST(WeighBallots, RoundsWhenTheCommonDenominatorWouldOverflow) {
  Election e;
  // Organisations of 1..60 members: the least common multiple of 1..60 is about 9e24.
  for (int size = 1; size <= 60; ++size)
    e.ballots.push_back(Voter("", "org" + std::to_string(size), size));
  const BallotWeights w = WeighBallots(e, Weighting::kOrganisation);
  EXPECT_FALSE(w.exact);
  for (std::size_t i = 0; i < e.ballots.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(w.units[i]) / static_cast<double>(w.units_per_vote), 1.0,
                1e-12);
  }
  EXPECT_EQ(w.Describe()["exact"], false);
}

TEST(WeighBallots, HugeMultiplicitiesDoNotOverflow) {
  Election e;
  e.ballots = {Voter("a", "", INT64_MAX), Voter("b", "", INT64_MAX), Voter("b", "", 1)};
  for (const Weighting mode : {Weighting::kPerson, Weighting::kSector, Weighting::kOrganisation}) {
    const BallotWeights w = WeighBallots(e, mode);
    __int128 total = 0;
    for (const int64_t u : w.units) {
      EXPECT_GE(u, 0);
      total += u;
    }
    EXPECT_LE(total, static_cast<__int128>(1) << 62);
  }
}

TEST(BallotWeights, VotesAreWholeWhenTheyCanBe) {
  BallotWeights w;
  w.units_per_vote = 4;
  EXPECT_EQ(w.Votes(8), nlohmann::json(2));
  EXPECT_TRUE(w.Votes(8).is_number_integer());
  EXPECT_EQ(w.Votes(6), nlohmann::json(1.5));
  EXPECT_EQ(w.Votes(6, 2), nlohmann::json(0.75));
  EXPECT_EQ(w.UnitsOf(3), 0);  // past the end
}

TEST(SectorsOf, SortsSectorsAndIndexesBallots) {
  Election e;
  e.ballots = {Voter("third", ""), Voter("", ""), Voter("community", ""), Voter("third", "")};
  std::vector<int> sector_of;
  EXPECT_EQ(SectorsOf(e, sector_of), (std::vector<std::string>{"", "community", "third"}));
  EXPECT_EQ(sector_of, (std::vector<int>{2, 0, 1, 2}));
}

}  // namespace
}  // namespace coproduce::tally
