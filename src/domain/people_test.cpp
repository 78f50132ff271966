#include "domain/people.hpp"

#include <gtest/gtest.h>

#include "domain/accounts.hpp"
#include "domain/organisations.hpp"
#include "domain/partnerships.hpp"
#include "domain/testing/test_database.hpp"

namespace coproduce::domain {
namespace {

class PeopleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pid_ = CreatePartnership(db(), 100, "test", "Test", "").id;
    org_ = CreateOrganisation(db(), 100, Actor::System(), pid_, {"Carers", "third", "", "", ""}).id;
    admin_id_ = Join("admin@example.org", "admin");
    member_id_ = Join("m@example.org", "member");
    admin_ = {admin_id_, "Admin", Role::kAdmin, false};
  }
  int64_t Join(const std::string& email, const std::string& role) {
    const auto inv =
        CreateInvitation(db(), 100, Actor::System(), pid_, "P " + email, email, role, "");
    return AcceptInvitation(db(), 100, inv.token, "P " + email, "a long password",
                            "a long password")
        .id;
  }
  db::Connection& db() { return test_.db(); }
  testing::TestDatabase test_;
  int64_t pid_ = 0, org_ = 0, admin_id_ = 0, member_id_ = 0;
  Actor admin_;
};

TEST_F(PeopleTest, ListsMembersWithRoles) {
  const auto people = ListPeople(db(), pid_, false);
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0].role, Role::kAdmin);
  EXPECT_EQ(people[1].role, Role::kMember);
}

TEST_F(PeopleTest, LastAdminCannotBeDemotedOrArchived) {
  const Outcome demote = UpdatePerson(db(), 200, admin_, pid_, admin_id_, "Admin", "member");
  ASSERT_EQ(demote.status, Outcome::Status::kInvalid);
  EXPECT_EQ(demote.errors[0].field, "role");
  EXPECT_EQ(ArchivePerson(db(), 200, admin_, pid_, admin_id_).status, Outcome::Status::kInvalid);
  ASSERT_TRUE(UpdatePerson(db(), 200, admin_, pid_, member_id_, "New Name", "admin").ok());
  EXPECT_TRUE(UpdatePerson(db(), 200, admin_, pid_, admin_id_, "Admin", "member").ok());
  EXPECT_EQ(FindPerson(db(), pid_, member_id_)->full_name, "New Name");
}

TEST_F(PeopleTest, MembersCannotManagePeople) {
  const Actor member{member_id_, "M", Role::kMember, false};
  EXPECT_EQ(UpdatePerson(db(), 200, member, pid_, member_id_, "X", "admin").status,
            Outcome::Status::kDenied);
  EXPECT_EQ(FindRole(db(), member_id_, pid_), Role::kMember);
}

TEST_F(PeopleTest, RepresentationsCheckDates) {
  const std::string org = std::to_string(org_);
  EXPECT_EQ(AddRepresentation(db(), 200, admin_, pid_, member_id_, org, "Chair", "2026-02-30", "")
                .errors[0]
                .field,
            "starts_on");
  EXPECT_EQ(AddRepresentation(db(), 200, admin_, pid_, member_id_, org, "Chair", "2026-04-01",
                              "2026-03-01")
                .errors[0]
                .field,
            "ends_on");
  EXPECT_EQ(AddRepresentation(db(), 200, admin_, pid_, member_id_, "77", "Chair", "2026-04-01", "")
                .errors[0]
                .field,
            "organisation_id");
  ASSERT_TRUE(
      AddRepresentation(db(), 200, admin_, pid_, member_id_, org, "Chair", "2026-04-01", "").ok());
  const auto directory = ListDirectory(db(), pid_);
  ASSERT_EQ(directory.size(), 1u);
  EXPECT_EQ(directory[0].organisation_name, "Carers");
  EXPECT_EQ(directory[0].role, "Chair");
  EXPECT_EQ(ListRepresentationsOf(db(), pid_, member_id_).size(), 1u);
}

}  // namespace
}  // namespace coproduce::domain
