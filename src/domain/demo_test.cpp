#include "domain/demo.hpp"

#include <gtest/gtest.h>

#include "domain/accounts.hpp"
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

}  // namespace
}  // namespace coproduce::domain
