#include "web/opinion_maps.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "domain/conversations.hpp"
#include "domain/demo.hpp"
#include "domain/forums.hpp"
#include "domain/partnerships.hpp"
#include "domain/testing/test_database.hpp"

namespace coproduce::web {
namespace {

constexpr int64_t kNow = 1'900'000'000;

class OpinionMapsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    domain::SeedDemo(db(), 1'800'000'000);
    pid_ = domain::FindPartnership(db(), domain::kDemoSlug)->id;
    const int64_t forum = domain::ListForums(db(), pid_).at(0).id;
    const domain::Actor facilitator{
        db().Query("SELECT id FROM people WHERE email = 'jordan.reid@example.org'")[0].Int(0),
        "Jordan Reid", domain::Role::kFacilitator, false};
    facilitator_ = facilitator;
    id_ = domain::CreateConversation(db(), kNow, facilitator, pid_, forum,
                                     {"Question?", "", "One\nTwo\nThree"})
              .id;
    for (const auto& s : domain::ListStatements(db(), id_)) statements_.push_back(s.id);
  }
  db::Connection& db() { return test_.db(); }
  domain::Actor Person(int n) {
    const int64_t id =
        db().Query("SELECT id FROM people ORDER BY id LIMIT 1 OFFSET $1", {int64_t{n}})[0].Int(0);
    return {id, "", domain::Role::kMember, false};
  }
  void Vote(int person, std::size_t statement, const char* answer, int64_t at = kNow) {
    ASSERT_TRUE(
        domain::VoteOnStatement(db(), at, Person(person), pid_, statements_[statement], answer)
            .ok());
  }

  domain::testing::TestDatabase test_;
  int64_t pid_ = 0;
  int64_t id_ = 0;
  domain::Actor facilitator_;
  std::vector<int64_t> statements_;
  OpinionMaps maps_;
};

TEST_F(OpinionMapsTest, ReplaysStoredVotesAndReadsOnFromTheLastOne) {
  Vote(1, 0, "agree");
  Vote(2, 0, "disagree");
  const MapReading first = maps_.Read(db(), pid_, id_, Person(1).person_id, 5, false);
  EXPECT_EQ(first.map.participants.size(), 2u);
  ASSERT_TRUE(first.viewer_row);
  EXPECT_EQ(first.map.participants[static_cast<std::size_t>(*first.viewer_row)],
            Person(1).person_id);
  // Person 1 has answered the first statement: it is not offered again.
  EXPECT_EQ(std::count(first.next.begin(), first.next.end(), statements_[0]), 0);
  EXPECT_FALSE(first.next.empty());
  EXPECT_EQ(maps_.Sync(db(), id_), first.version);  // nothing new: the same version

  Vote(3, 1, "pass");
  const MapReading second = maps_.Read(db(), pid_, id_, 0, 5, false);
  EXPECT_EQ(second.map.participants.size(), 3u);
  EXPECT_NE(second.version, first.version);
  EXPECT_FALSE(second.viewer_row);
}

TEST_F(OpinionMapsTest, AVoteCommittedLateWithALowerIdIsStillRead) {
  Vote(1, 0, "agree");
  const int64_t last = db().Query("SELECT max(id) FROM statement_votes")[0].Int(0);
  // What PostgreSQL can do: ids are handed out before commit, so the vote that took id
  // last + 1 may become visible after the one that took last + 2.
  auto insert = [&](int64_t id, int person) {
    db().Execute(
        "INSERT INTO statement_votes (id, conversation_id, statement_id, person_id, vote, "
        "voted_at) VALUES ($1, $2, $3, $4, 1, $5)",
        {id, id_, statements_[1], Person(person).person_id, kNow});
  };
  insert(last + 2, 2);
  EXPECT_EQ(maps_.Read(db(), pid_, id_, 0, 5, false).map.participants.size(), 2u);
  insert(last + 1, 3);
  EXPECT_EQ(maps_.Read(db(), pid_, id_, 0, 5, false).map.participants.size(), 3u);
}

TEST_F(OpinionMapsTest, AStatementTakenOutIsNoLongerOffered) {
  Vote(1, 0, "agree");
  const MapReading before = maps_.Read(db(), pid_, id_, Person(2).person_id, 5, false);
  EXPECT_EQ(std::count(before.next.begin(), before.next.end(), statements_[2]), 1);
  ASSERT_TRUE(
      domain::ModerateStatement(db(), kNow, facilitator_, pid_, statements_[2], "reject").ok());
  const MapReading after = maps_.Read(db(), pid_, id_, Person(2).person_id, 5, false);
  EXPECT_EQ(std::count(after.next.begin(), after.next.end(), statements_[2]), 0);
}

TEST_F(OpinionMapsTest, SectorsWithFewerThanFivePeopleAreLeftOut) {
  for (int person = 0; person < 12; ++person) Vote(person, 0, person % 2 ? "agree" : "disagree");
  const MapReading reading = maps_.Read(db(), pid_, id_, 0, 5, true);
  ASSERT_EQ(reading.sector_of_row.size(), 12u);
  ASSERT_TRUE(reading.sectors);
  std::map<domain::Sector, int64_t> sizes;
  for (domain::Sector s : reading.sector_of_row) ++sizes[s];
  for (const auto& group : reading.sectors->groups) {
    EXPECT_GE(group.size, 5) << "sector " << group.id;
    EXPECT_EQ(group.size, sizes[domain::kSectors[group.id]]);
  }
}

}  // namespace
}  // namespace coproduce::web
