#include "domain/conversations.hpp"

#include <gtest/gtest.h>

#include "domain/demo.hpp"
#include "domain/forums.hpp"
#include "domain/partnerships.hpp"
#include "domain/testing/test_database.hpp"

namespace coproduce::domain {
namespace {

constexpr int64_t kNow = 1'900'000'000;

class ConversationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SeedDemo(db(), 1'800'000'000);
    pid_ = FindPartnership(db(), kDemoSlug)->id;
    forum_ = ListForums(db(), pid_).at(0).id;
    facilitator_ = ActorFor("jordan.reid@example.org", Role::kFacilitator);
    member_ = ActorFor(kDemoMemberEmail, Role::kMember);
  }
  db::Connection& db() { return test_.db(); }
  Actor ActorFor(const std::string& email, Role role) {
    const db::Row r = db().Query("SELECT id, full_name FROM people WHERE email = $1", {email})[0];
    return {r.Int(0), r.Text(1), role, false};
  }
  // A new conversation with three seed statements; returns its id.
  int64_t Start() {
    const Outcome created = CreateConversation(
        db(), kNow, facilitator_, pid_, forum_,
        {"What would make day services easier to reach?", "",
         "More buses to the day centre\n\n  Volunteer   drivers should be paid mileage \n"
         "Day centres should open at weekends"});
    EXPECT_TRUE(created.ok()) << (created.errors.empty() ? "" : created.errors[0].message);
    return created.id;
  }
  int64_t Accepted(int64_t conversation, std::size_t i) {
    return ListStatements(db(), conversation, StatementStatus::kAccepted).at(i).id;
  }

  testing::TestDatabase test_;
  int64_t pid_ = 0;
  int64_t forum_ = 0;
  Actor facilitator_;
  Actor member_;
};

TEST_F(ConversationsTest, AFacilitatorStartsAConversationWithSeedStatementsAcceptedAtOnce) {
  EXPECT_EQ(CreateConversation(db(), kNow, member_, pid_, forum_, {"Q?", "", ""}).status,
            Outcome::Status::kDenied);
  EXPECT_EQ(CreateConversation(db(), kNow, facilitator_, pid_, 999, {"Q?", "", ""}).status,
            Outcome::Status::kNotFound);
  const int64_t id = Start();
  const auto conversation = FindConversation(db(), pid_, id);
  ASSERT_TRUE(conversation);
  EXPECT_TRUE(conversation->open);
  EXPECT_EQ(conversation->forum_id, forum_);
  const std::vector<Statement> seeds = ListStatements(db(), id);
  ASSERT_EQ(seeds.size(), 3u);
  EXPECT_EQ(seeds[1].body, "Volunteer drivers should be paid mileage");
  for (const Statement& s : seeds) {
    EXPECT_EQ(s.status, StatementStatus::kAccepted);
    EXPECT_TRUE(s.seed);
  }
  EXPECT_FALSE(FindConversation(db(), pid_ + 1, id));
  ASSERT_EQ(ListConversations(db(), pid_, forum_).back().id, id);
}

TEST_F(ConversationsTest, BadInputGetsASentence) {
  const Outcome empty =
      CreateConversation(db(), kNow, facilitator_, pid_, forum_,
                         {" ", std::string(2001, 'x'), "Fine\n" + std::string(201, 'y')});
  ASSERT_EQ(empty.status, Outcome::Status::kInvalid);
  ASSERT_EQ(empty.errors.size(), 3u);
  EXPECT_EQ(empty.errors[0].field, "question");
  EXPECT_EQ(empty.errors[0].message, "Enter the question people will answer.");
  EXPECT_EQ(empty.errors[1].field, "description");
  EXPECT_EQ(empty.errors[2].message,
            "Seed statement 2 has 201 characters. Shorten it to at most 200, so that it can be "
            "answered at a glance.");

  const int64_t id = Start();
  const Outcome blank = SubmitStatement(db(), kNow, member_, pid_, id, "  \n ");
  ASSERT_EQ(blank.status, Outcome::Status::kInvalid);
  EXPECT_EQ(blank.errors[0].field, "body");
  const Outcome twice =
      SubmitStatement(db(), kNow, member_, pid_, id, "More buses to the day centre");
  ASSERT_EQ(twice.status, Outcome::Status::kInvalid);
  EXPECT_NE(twice.errors[0].message.find("already written"), std::string::npos);

  const Outcome vote = VoteOnStatement(db(), kNow, member_, pid_, Accepted(id, 0), "maybe");
  ASSERT_EQ(vote.status, Outcome::Status::kInvalid);
  EXPECT_EQ(vote.errors[0].message, "Choose agree, disagree or pass for the statement.");
  EXPECT_EQ(VoteOnStatement(db(), kNow, member_, pid_, 999, "agree").status,
            Outcome::Status::kNotFound);
  EXPECT_EQ(ModerateStatement(db(), kNow, facilitator_, pid_, Accepted(id, 0), "delete").status,
            Outcome::Status::kInvalid);
}

TEST_F(ConversationsTest, SubmittedStatementsWaitForAModerator) {
  const int64_t id = Start();
  EXPECT_EQ(SubmitStatement(db(), kNow, Actor{}, pid_, id, "Anonymous").status,
            Outcome::Status::kDenied);
  const Outcome submitted =
      SubmitStatement(db(), kNow, member_, pid_, id, "Carers need a break at weekends");
  ASSERT_TRUE(submitted.ok());
  EXPECT_EQ(FindStatement(db(), pid_, submitted.id)->status, StatementStatus::kPending);
  EXPECT_EQ(FindStatement(db(), pid_, submitted.id)->author_id, member_.person_id);
  EXPECT_EQ(ListStatements(db(), id, StatementStatus::kPending).size(), 1u);
  // Nobody votes on it before it is accepted.
  EXPECT_EQ(VoteOnStatement(db(), kNow, member_, pid_, submitted.id, "agree").status,
            Outcome::Status::kConflict);
  EXPECT_EQ(ModerateStatement(db(), kNow, member_, pid_, submitted.id, "accept").status,
            Outcome::Status::kDenied);
  ASSERT_TRUE(ModerateStatement(db(), kNow, facilitator_, pid_, submitted.id, "accept").ok());
  EXPECT_EQ(FindStatement(db(), pid_, submitted.id)->status, StatementStatus::kAccepted);
  EXPECT_TRUE(VoteOnStatement(db(), kNow, member_, pid_, submitted.id, "agree").ok());
  // Taken out later: it takes no more votes.
  ASSERT_TRUE(ModerateStatement(db(), kNow, facilitator_, pid_, submitted.id, "reject").ok());
  EXPECT_EQ(VoteOnStatement(db(), kNow, member_, pid_, submitted.id, "pass").status,
            Outcome::Status::kConflict);
  EXPECT_EQ(db().Query("SELECT count(*) FROM audit_log WHERE entity = 'statement' AND "
                       "entity_id = $1",
                       {submitted.id})[0]
                .Int(0),
            3);
}

TEST_F(ConversationsTest, AChangedVoteReplacesTheFirstAndComesLaterInTime) {
  const int64_t id = Start();
  const Actor other = ActorFor("jordan.reid@example.org", Role::kMember);
  ASSERT_TRUE(VoteOnStatement(db(), kNow, member_, pid_, Accepted(id, 0), "agree").ok());
  ASSERT_TRUE(VoteOnStatement(db(), kNow + 1, other, pid_, Accepted(id, 0), "disagree").ok());
  ASSERT_TRUE(VoteOnStatement(db(), kNow + 2, member_, pid_, Accepted(id, 1), "pass").ok());
  ASSERT_TRUE(VoteOnStatement(db(), kNow + 3, member_, pid_, Accepted(id, 0), "disagree").ok());
  // The same answer again changes nothing.
  ASSERT_TRUE(VoteOnStatement(db(), kNow + 4, member_, pid_, Accepted(id, 0), "disagree").ok());

  const std::vector<StoredStatementVote> votes = ListStatementVotes(db(), id);
  ASSERT_EQ(votes.size(), 3u);
  EXPECT_EQ(votes[0].person_id, other.person_id);
  EXPECT_EQ(votes[1].vote, StatementVote::kPass);
  EXPECT_EQ(votes[2].person_id, member_.person_id);
  EXPECT_EQ(votes[2].statement_id, Accepted(id, 0));
  EXPECT_EQ(votes[2].vote, StatementVote::kDisagree);
  EXPECT_EQ(votes[2].voted_at, kNow + 3);
  EXPECT_LT(votes[0].id, votes[1].id);
  EXPECT_LT(votes[1].id, votes[2].id);
  ASSERT_EQ(ListStatementVotes(db(), id, votes[1].id).size(), 1u);

  const std::vector<StoredStatementVote> on_first = ListVotesOn(db(), id, {Accepted(id, 0)});
  ASSERT_EQ(on_first.size(), 2u);
  EXPECT_EQ(on_first[1].person_id, member_.person_id);
  EXPECT_EQ(ListVotesOn(db(), id, {Accepted(id, 0), Accepted(id, 1)}).size(), 3u);
  EXPECT_TRUE(ListVotesOn(db(), id, {}).empty());

  const auto mine = VotesOf(db(), id, member_.person_id);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine.at(Accepted(id, 1)), StatementVote::kPass);
}

TEST_F(ConversationsTest, AClosedConversationTakesNoVotesOrStatements) {
  const int64_t id = Start();
  EXPECT_EQ(SetConversationOpen(db(), kNow, member_, pid_, id, false).status,
            Outcome::Status::kDenied);
  ASSERT_TRUE(SetConversationOpen(db(), kNow, facilitator_, pid_, id, false).ok());
  EXPECT_FALSE(FindConversation(db(), pid_, id)->open);
  const Outcome vote = VoteOnStatement(db(), kNow, member_, pid_, Accepted(id, 0), "agree");
  ASSERT_EQ(vote.status, Outcome::Status::kConflict);
  EXPECT_NE(vote.errors[0].message.find("closed"), std::string::npos);
  EXPECT_EQ(SubmitStatement(db(), kNow, member_, pid_, id, "Late").status,
            Outcome::Status::kConflict);
  // A facilitator may still seed it, for when it reopens.
  EXPECT_TRUE(
      AddSeedStatement(db(), kNow, facilitator_, pid_, id, "Meta: this is useful", true).ok());
  EXPECT_TRUE(ListStatements(db(), id).back().is_meta);
  ASSERT_TRUE(SetConversationOpen(db(), kNow, facilitator_, pid_, id, true).ok());
  EXPECT_TRUE(VoteOnStatement(db(), kNow, member_, pid_, Accepted(id, 0), "agree").ok());
}

TEST_F(ConversationsTest, APersonsSectorIsThatOfTheOrganisationTheyRepresent) {
  const int64_t citizen =
      db().Query("SELECT id FROM people WHERE email = 'fiona.stewart5@example.org'")[0].Int(0);
  const std::map<int64_t, Sector> sectors =
      SectorsOf(db(), pid_, {member_.person_id, facilitator_.person_id, citizen});
  ASSERT_EQ(sectors.size(), 3u);
  EXPECT_EQ(sectors.at(member_.person_id), Sector::kThird);           // Eastfield Carers Centre
  EXPECT_EQ(sectors.at(facilitator_.person_id), Sector::kStatutory);  // the HSCP
  EXPECT_EQ(sectors.at(citizen), Sector::kCommunity);                 // represents no one
}

}  // namespace
}  // namespace coproduce::domain
