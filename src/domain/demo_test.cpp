#include "domain/demo.hpp"

#include <gtest/gtest.h>

#include <set>

#include "domain/accounts.hpp"
#include "domain/conversations.hpp"
#include "domain/forums.hpp"
#include "domain/organisations.hpp"
#include "domain/partnerships.hpp"
#include "domain/people.hpp"
#include "domain/testing/test_database.hpp"

namespace coproduce::domain {
namespace {

TEST(DemoTest, SeedsAPartnershipOnceWithEverySector) {
  testing::TestDatabase test;
  const DemoSummary first = SeedDemo(test.db(), 1000);
  ASSERT_TRUE(first.created);
  EXPECT_EQ(first.localities, 5);
  EXPECT_EQ(first.organisations, 20);
  EXPECT_EQ(first.people, 40);
  EXPECT_FALSE(SeedDemo(test.db(), 1000).created);

  const auto partnership = FindPartnership(test.db(), kDemoSlug);
  ASSERT_TRUE(partnership);
  const std::map<Sector, int> per_sector = CountOrganisationsBySector(test.db(), partnership->id);
  ASSERT_EQ(per_sector.size(), 4u);
  for (const auto& [sector, count] : per_sector) EXPECT_GT(count, 0) << ToString(sector);
  EXPECT_EQ(per_sector.at(Sector::kThird), 7);
  EXPECT_EQ(ListPeople(test.db(), partnership->id, false).size(), 40u);
  EXPECT_GT(ListDirectory(test.db(), partnership->id).size(), 20u);
  EXPECT_EQ(SignIn(test.db(), 1001, kDemoAdminEmail, kDemoAdminPassword, "127.0.0.1").status,
            SignInResult::Status::kOk);
}

TEST(DemoTest, SeedsAConversationWithEnoughVotesForAMap) {
  testing::TestDatabase test;
  SeedDemo(test.db(), 1000);
  const auto partnership = FindPartnership(test.db(), kDemoSlug);
  const int64_t forum = ListForums(test.db(), partnership->id).at(0).id;
  const std::vector<Conversation> conversations =
      ListConversations(test.db(), partnership->id, forum);
  ASSERT_EQ(conversations.size(), 1u);
  const int64_t id = conversations[0].id;
  EXPECT_EQ(ListStatements(test.db(), id, StatementStatus::kAccepted).size(), 15u);
  EXPECT_EQ(ListStatements(test.db(), id, StatementStatus::kPending).size(), 1u);
  const std::vector<StoredStatementVote> votes = ListStatementVotes(test.db(), id);
  EXPECT_GT(votes.size(), 400u);
  std::set<int64_t> voters;
  for (const StoredStatementVote& v : votes) voters.insert(v.person_id);
  EXPECT_EQ(voters.size(), 38u);
  const int64_t sam =
      test.db().Query("SELECT id FROM people WHERE email = $1", {kDemoMemberEmail})[0].Int(0);
  EXPECT_FALSE(voters.contains(sam));
}

}  // namespace
}  // namespace coproduce::domain
