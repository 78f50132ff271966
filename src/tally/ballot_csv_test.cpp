#include "tally/ballot_csv.hpp"

#include <gtest/gtest.h>

namespace coproduce::tally {
namespace {

BallotCsv ReadOk(std::string_view text) {
  auto r = ReadBallotCsv(text, "b.csv");
  if (auto* e = std::get_if<ParseError>(&r)) {
    ADD_FAILURE() << e->ToString();
    return {};
  }
  return std::get<BallotCsv>(std::move(r));
}

ParseError ReadError(std::string_view text) {
  auto r = ReadBallotCsv(text, "b.csv");
  if (std::holds_alternative<BallotCsv>(r)) {
    ADD_FAILURE() << "expected an error for:\n" << text;
    return {};
  }
  return std::get<ParseError>(r);
}

TEST(BallotCsv, ReadsRankedBallots) {
  const BallotCsv f = ReadOk(
      "# kind: ranked\n# title: Chair\n# seats: 2\nvoter,sector,organisation,Ann,Bo,Cy\n"
      "v1,third,Hill Trust,1,2,\nv2,statutory,,2,1,2\nv3,,,,,\nv4,,,5,1,5\n");
  EXPECT_EQ(f.kind, BallotKind::kRanked);
  EXPECT_EQ(f.election.title, "Chair");
  EXPECT_EQ(f.election.seats, 2);
  EXPECT_EQ(f.election.candidates, (std::vector<std::string>{"Ann", "Bo", "Cy"}));
  ASSERT_EQ(f.election.ballots.size(), 4u);
  EXPECT_EQ(f.election.ballots[0].ranking, (Ranking{{0}, {1}}));
  EXPECT_EQ(f.election.ballots[0].sector, "third");
  EXPECT_EQ(f.election.ballots[0].organisation, "Hill Trust");
  EXPECT_EQ(f.election.ballots[1].ranking, (Ranking{{1}, {0, 2}}));
  EXPECT_TRUE(f.election.ballots[2].ranking.empty());
  EXPECT_EQ(f.election.ballots[3].ranking, (Ranking{{1}, {0, 2}}));  // gaps allowed
}

TEST(BallotCsv, ReadsApprovalAndScoreBallots) {
  const BallotCsv a =
      ReadOk("# kind: approval\nvoter,sector,organisation,A,B,C\n1,,,1,0,1\n2,,,,,\n");
  EXPECT_EQ(a.election.ballots[0].ranking, (Ranking{{0, 2}}));
  EXPECT_TRUE(a.election.ballots[1].ranking.empty());
  const BallotCsv s = ReadOk("# kind: score\nvoter,sector,organisation,A,B,C\n1,,,5,-2,\n");
  EXPECT_EQ(s.election.ballots[0].scores, (std::map<int, int64_t>{{0, 5}, {1, -2}}));
  EXPECT_EQ(s.election.seats, 1);
}

TEST(BallotCsv, FollowsRfc4180) {
  const BallotCsv f = ReadOk(
      "# kind: ranked\r\nvoter,sector,organisation,\"Smith, Jo\",\"The \"\"Best\"\" one\"\r\n"
      "\"v\n1\",third,\"Org, with comma\",1,2\r\n\r\n v2 , third , Org ,  2 , 1 \r\n");
  EXPECT_EQ(f.election.candidates, (std::vector<std::string>{"Smith, Jo", "The \"Best\" one"}));
  ASSERT_EQ(f.election.ballots.size(), 2u);
  EXPECT_EQ(f.election.ballots[0].organisation, "Org, with comma");
  EXPECT_EQ(f.election.ballots[1].organisation, "Org");
  EXPECT_EQ(f.election.ballots[1].ranking, (Ranking{{1}, {0}}));
}

TEST(BallotCsv, RejectsMistakesWithTheLine) {
  struct Bad {
    std::string text;
    int line;
    std::string words;
  };
  const std::string head = "# kind: ranked\nvoter,sector,organisation,A,B\n";  // 2 lines
  const std::vector<Bad> cases = {
      {"voter,sector,organisation,A\n", 1, "kind"},
      {"# kind: ballots\n", 1, "not ranked"},
      {"# kind: ranked\n# colour: red\n", 2, "Unknown setting"},
      {"# kind: ranked\n# seats: 0\n", 2, "seats"},
      {"# kind: ranked\n# hello\n", 2, "setting"},
      {"# kind: ranked\n", 2, "header row"},
      {"# kind: ranked\nname,A,B\n", 2, "voter,sector,organisation"},
      {"# kind: ranked\nvoter,sector,organisation,A,A\n", 2, "both named"},
      {"# kind: ranked\nvoter,sector,organisation,A,\n", 2, "no candidate name"},
      {head + "1,,,1\n", 3, "4 fields"},
      {head + "1,,,1,2,3\n", 3, "6 fields"},
      {head + "1,,,0,1\n", 3, "rank"},
      {head + "1,,,x,1\n", 3, "rank"},
      {head + "1,,,1,\n1,,,2,1\n", 4, "already voted on line 3"},
      {head + "\"1,,,1,2\n", 3, "not closed"},
      {head + "\"1\"x,,,1,2\n", 3, "closing quote"},
      {head + "1\"2,,,1,2\n", 3, "unquoted"},
      {head + "\"multi\nline\",,,1,2\n1,,,1,x\n", 5, "rank"},
      {"# kind: approval\nvoter,sector,organisation,A\n1,,,2\n", 3, "approval"},
      {"# kind: score\nvoter,sector,organisation,A\n1,,,4.5\n", 3, "score"},
  };
  for (const Bad& bad : cases) {
    const ParseError e = ReadError(bad.text);
    EXPECT_EQ(e.line, bad.line) << bad.text << "\n" << e.ToString();
    EXPECT_NE(e.message.find(bad.words), std::string::npos) << bad.text << "\n" << e.ToString();
  }
}

TEST(BallotCsv, WriterRoundTrips) {
  for (const BallotKind kind : {BallotKind::kRanked, BallotKind::kApproval, BallotKind::kScore}) {
    Election e;
    e.title = "A \"quoted\" title";
    e.seats = 2;
    e.candidates = {"Ann", "Bo, Jr", "#hash", " spaced "};
    Ballot b;
    b.sector = "third";
    b.organisation = "Hill \"Trust\", Ltd";
    if (kind == BallotKind::kScore) {
      b.scores = {{0, 3}, {2, -1}};
    } else if (kind == BallotKind::kApproval) {
      b.ranking = {{0, 3}};
    } else {
      b.ranking = {{3}, {0, 1}};
    }
    e.ballots = {b, Ballot{}};
    const std::string text = WriteBallotCsv(e, kind);
    const BallotCsv back = ReadOk(text);
    EXPECT_EQ(back.kind, kind);
    EXPECT_EQ(back.election.title, e.title);
    EXPECT_EQ(back.election.seats, 2);
    EXPECT_EQ(back.election.candidates, e.candidates) << text;
    ASSERT_EQ(back.election.ballots.size(), 2u) << text;
    EXPECT_EQ(back.election.ballots[0].ranking, e.ballots[0].ranking) << text;
    EXPECT_EQ(back.election.ballots[0].scores, e.ballots[0].scores) << text;
    EXPECT_EQ(back.election.ballots[0].sector, "third");
    EXPECT_EQ(back.election.ballots[0].organisation, e.ballots[0].organisation) << text;
  }
}

TEST(BallotCsv, WriterExpandsMultiplicityAndSkipsBrokenBallots) {
  Election e;
  e.candidates = {"A", "B"};
  Ballot three;
  three.ranking = {{1}, {0}};
  three.multiplicity = 3;
  Ballot broken;
  broken.ranking = {{0}, {0}};
  e.ballots = {three, broken};
  const BallotCsv back = ReadOk(WriteBallotCsv(e, BallotKind::kRanked));
  ASSERT_EQ(back.election.ballots.size(), 3u);
  for (const Ballot& b : back.election.ballots) EXPECT_EQ(b.ranking, three.ranking);
}

}  // namespace
}  // namespace coproduce::tally
