#include "opinion/polis_export.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace coproduce::opinion {
namespace {

template <typename T>
tally::ParseError ErrorOf(const std::variant<T, tally::ParseError>& result) {
  EXPECT_TRUE(std::holds_alternative<tally::ParseError>(result));
  return std::holds_alternative<tally::ParseError>(result) ? std::get<tally::ParseError>(result)
                                                           : tally::ParseError{};
}

TEST(ReadPolisVotes, ConvertsTheExportSign) {
  const auto votes = ReadPolisVotes(
      "timestamp,datetime,comment-id,voter-id,vote\n"
      "100,Mon,3,7,1\n"
      "101,Mon,3,8,-1\r\n"
      "\n"
      "102,\"Mon, later\",4,7,0\n",
      "votes.csv");
  const auto& v = std::get<std::vector<PolisVote>>(votes);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].vote, Vote::kAgree);
  EXPECT_EQ(v[1].vote, Vote::kDisagree);
  EXPECT_EQ(v[2].vote, Vote::kPass);
  EXPECT_EQ(v[2].comment, 4);
  EXPECT_EQ(v[2].participant, 7);
  EXPECT_EQ(v[2].timestamp, 102);
}

TEST(ReadPolisVotes, ErrorsNameTheFileAndLine) {
  const auto bad_vote =
      ErrorOf(ReadPolisVotes("timestamp,comment-id,voter-id,vote\n1,2,3,1\n1,2,3,2\n", "v.csv"));
  EXPECT_EQ(bad_vote.file, "v.csv");
  EXPECT_EQ(bad_vote.line, 3);
  EXPECT_NE(bad_vote.message.find("must be 1, -1 or 0"), std::string::npos);
  const auto missing = ErrorOf(ReadPolisVotes("timestamp,comment-id,vote\n", "v.csv"));
  EXPECT_EQ(missing.line, 1);
  EXPECT_NE(missing.message.find("voter-id"), std::string::npos);
  const auto short_row =
      ErrorOf(ReadPolisVotes("timestamp,comment-id,voter-id,vote\n1,2,3\n", "v.csv"));
  EXPECT_EQ(short_row.line, 2);
  const auto not_number =
      ErrorOf(ReadPolisVotes("timestamp,comment-id,voter-id,vote\nx,2,3,1\n", "v.csv"));
  EXPECT_NE(not_number.message.find("timestamp"), std::string::npos);
  const auto empty = ErrorOf(ReadPolisVotes("", "v.csv"));
  EXPECT_EQ(empty.line, 1);
  const auto open_quote =
      ErrorOf(ReadPolisVotes("timestamp,comment-id,voter-id,vote\n\"1,2,3,1\n", "v.csv"));
  EXPECT_EQ(open_quote.line, 2);
}

TEST(ReadPolisComments, ReadsModerationMetaAndConsensus) {
  const auto comments = ReadPolisComments(
      "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,group-informed-"
      "consensus,comment-body\n"
      "1,2,0,57,0,1,false,true,0.68,\"I hope, truly\"\n"
      "2,3,0,5,1,-1,true,false,,\"Line one\nline two\"\n",
      "comments.csv");
  const auto& c = std::get<std::vector<PolisComment>>(comments);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].body, "I hope, truly");
  EXPECT_EQ(c[0].moderated, 1);
  EXPECT_FALSE(c[0].meta);
  EXPECT_DOUBLE_EQ(*c[0].group_informed_consensus, 0.68);
  EXPECT_EQ(c[1].moderated, -1);
  EXPECT_TRUE(c[1].meta);
  EXPECT_FALSE(c[1].group_informed_consensus);
  EXPECT_EQ(c[1].body, "Line one\nline two");
  const auto bad = ErrorOf(ReadPolisComments("comment-id,moderated\n1,2\n", "c.csv"));
  EXPECT_EQ(bad.line, 2);
  EXPECT_NE(bad.message.find("moderated"), std::string::npos);
}

TEST(ReadPolisParticipants, ReadsGroupsAndVotes) {
  const auto participants = ReadPolisParticipants(
      "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,5\n"
      "0,1,0,2,1,1,1,-1\n"
      "1,,0,1,0,0,,0\n",
      "participants-votes.csv");
  const auto& p = std::get<std::vector<PolisParticipant>>(participants);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].group, 1);
  EXPECT_EQ(p[0].votes,
            (std::vector<std::pair<Id, Vote>>{{0, Vote::kAgree}, {5, Vote::kDisagree}}));
  EXPECT_FALSE(p[1].group);
  EXPECT_EQ(p[1].votes, (std::vector<std::pair<Id, Vote>>{{5, Vote::kPass}}));
  const auto bad_column = ErrorOf(ReadPolisParticipants("participant,group-id,abc\n", "p.csv"));
  EXPECT_EQ(bad_column.line, 1);
  const auto bad_cell =
      ErrorOf(ReadPolisParticipants("participant,group-id,4\n0,0,yes\n", "p.csv"));
  EXPECT_EQ(bad_cell.line, 2);
  EXPECT_NE(bad_cell.message.find("comment 4"), std::string::npos);
}

TEST(ReadPolisExport, NeedsAFolderWithVotes) {
  const auto missing = ErrorOf(ReadPolisExport("/nonexistent/folder"));
  EXPECT_NE(missing.message.find("not a folder"), std::string::npos);
  const auto dir = std::filesystem::temp_directory_path() / "coproduce_polis_export_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "comments.csv") << "comment-id,moderated\n1,1\n";
  const auto no_votes = ErrorOf(ReadPolisExport(dir));
  EXPECT_NE(no_votes.message.find("votes.csv"), std::string::npos);
  std::ofstream(dir / "votes.csv")
      << "timestamp,comment-id,voter-id,vote\n5,1,1,1\n1,1,1,-1\n3,1,2,1\n";
  const auto data = ReadPolisExport(dir);
  ASSERT_TRUE(std::holds_alternative<PolisExport>(data));
  // Time order: participant 1's vote at 5 (agree) replaces the one at 1 (disagree).
  Conversation conversation;
  LoadAll(std::get<PolisExport>(data), conversation);
  const Map& map = conversation.Update();
  EXPECT_EQ(map.participants, (std::vector<Id>{1, 2}));
  EXPECT_EQ(map.comments[0].agrees, 2);
  Conversation replayed;
  EXPECT_EQ(Replay(std::get<PolisExport>(data), replayed, 2), 3);  // polls at 1-2, 3-4, 5-6
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace coproduce::opinion
