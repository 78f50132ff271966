#include "domain/permissions.hpp"

#include <gtest/gtest.h>

#include <map>

namespace coproduce::domain {
namespace {

Actor As(std::optional<Role> role) { return {role ? 7 : 0, "Someone", role, false}; }

// The whole matrix: for each action, which of public / member / facilitator / admin may.
struct Expected {
  Action action;
  bool visitor, member, facilitator, admin;
};

constexpr Expected kMatrix[] = {
    {Action::kViewPartnership, true, true, true, true},
    {Action::kViewOrganisations, true, true, true, true},
    {Action::kManageOrganisations, false, false, true, true},
    {Action::kViewPeople, false, true, true, true},
    {Action::kViewDirectory, false, true, true, true},
    {Action::kInvitePerson, false, false, false, true},
    {Action::kManagePeople, false, false, false, true},
    {Action::kViewAudit, false, false, false, true},
    {Action::kManageLocalities, false, false, false, true},
    {Action::kViewForums, true, true, true, true},
    {Action::kManageForums, false, false, true, true},
    {Action::kTakePart, false, true, true, true},
    {Action::kModerate, false, false, true, true},
};

TEST(PermissionsTest, EveryRoleAndAction) {
  for (const Expected& e : kMatrix) {
    SCOPED_TRACE(static_cast<int>(e.action));
    EXPECT_EQ(Can(As(std::nullopt), e.action), e.visitor);
    EXPECT_EQ(Can(As(Role::kMember), e.action), e.member);
    EXPECT_EQ(Can(As(Role::kFacilitator), e.action), e.facilitator);
    EXPECT_EQ(Can(As(Role::kAdmin), e.action), e.admin);
  }
}

TEST(PermissionsTest, SignedInButNotAMemberIsLikeThepublic) {
  const Actor outsider{42, "Outsider", std::nullopt, false};
  EXPECT_TRUE(Can(outsider, Action::kViewOrganisations));
  EXPECT_FALSE(Can(outsider, Action::kViewPeople));
  EXPECT_FALSE(Can(outsider, Action::kManageOrganisations));
}

TEST(PermissionsTest, SystemActorMayDoEverything) {
  for (const Expected& e : kMatrix) EXPECT_TRUE(Can(Actor::System(), e.action));
}

TEST(PermissionsTest, RolesAndSectorsRoundTrip) {
  for (Role r : kRoles) EXPECT_EQ(RoleFromString(ToString(r)), r);
  for (Sector s : kSectors) EXPECT_EQ(SectorFromString(ToString(s)), s);
  EXPECT_FALSE(RoleFromString("owner"));
  EXPECT_FALSE(SectorFromString("Third"));
}

}  // namespace
}  // namespace coproduce::domain
