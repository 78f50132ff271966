#include "domain/organisations.hpp"

#include <gtest/gtest.h>

#include "domain/audit.hpp"
#include "domain/partnerships.hpp"
#include "domain/testing/test_database.hpp"

namespace coproduce::domain {
namespace {

class OrganisationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pid_ = CreatePartnership(db(), 100, "test", "Test Partnership", "").id;
    locality_ = AddLocality(db(), 100, Actor::System(), pid_, "Eastfield").id;
    facilitator_.person_id = AddPerson("fay@example.org");
    member_.person_id = AddPerson("max@example.org");
  }
  int64_t AddPerson(const std::string& email) {
    return db()
        .Query("INSERT INTO people (email, full_name, created_at) VALUES ($1, $1, 1) RETURNING id",
               {email})[0]
        .Int(0);
  }
  db::Connection& db() { return test_.db(); }
  OrganisationInput Input(std::string name, std::string charity = "") {
    return {std::move(name), "third", std::to_string(locality_), std::move(charity), ""};
  }
  testing::TestDatabase test_;
  int64_t pid_ = 0;
  int64_t locality_ = 0;
  Actor facilitator_{0, "Fay", Role::kFacilitator, false};
  Actor member_{0, "Max", Role::kMember, false};
};

TEST_F(OrganisationsTest, BadCharityNumberSavesNothing) {
  const Outcome out = CreateOrganisation(db(), 200, facilitator_, pid_, Input("Carers", "12345"));
  ASSERT_EQ(out.status, Outcome::Status::kInvalid);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].field, "charity_number");
  EXPECT_TRUE(ListOrganisations(db(), pid_, true).empty());
  EXPECT_TRUE(ListAudit(db(), pid_, 10).size() == 2);  // partnership and locality only
}

TEST_F(OrganisationsTest, CreateNormalisesAndAudits) {
  const Outcome out =
      CreateOrganisation(db(), 200, facilitator_, pid_, Input("  Carers  ", "sc 012345"));
  ASSERT_TRUE(out.ok());
  const auto org = FindOrganisation(db(), pid_, out.id);
  ASSERT_TRUE(org);
  EXPECT_EQ(org->name, "Carers");
  EXPECT_EQ(org->charity_number, "SC012345");
  EXPECT_EQ(org->locality_name, "Eastfield");
  const auto audit = ListAudit(db(), pid_, 1);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].entity, "organisation");
  EXPECT_EQ(audit[0].action, "create");
  EXPECT_EQ(audit[0].person_id, facilitator_.person_id);
  EXPECT_NE(audit[0].changes_json.find("SC012345"), std::string::npos);
}

TEST_F(OrganisationsTest, MemberMayNotCreate) {
  EXPECT_EQ(CreateOrganisation(db(), 200, member_, pid_, Input("Carers")).status,
            Outcome::Status::kDenied);
  EXPECT_TRUE(ListOrganisations(db(), pid_, true).empty());
}

TEST_F(OrganisationsTest, DuplicateNamesAndUnknownLocalityAreRefused) {
  ASSERT_TRUE(CreateOrganisation(db(), 200, facilitator_, pid_, Input("Carers")).ok());
  EXPECT_EQ(CreateOrganisation(db(), 200, facilitator_, pid_, Input("carers")).errors[0].field,
            "name");
  OrganisationInput elsewhere = Input("Other");
  elsewhere.locality_id = "999";
  EXPECT_EQ(CreateOrganisation(db(), 200, facilitator_, pid_, elsewhere).errors[0].field,
            "locality");
  elsewhere.locality_id = "1; DROP TABLE organisations";
  EXPECT_EQ(CreateOrganisation(db(), 200, facilitator_, pid_, elsewhere).errors[0].field,
            "locality");
  EXPECT_EQ(ListOrganisations(db(), pid_, true).size(), 1u);
}

TEST_F(OrganisationsTest, UpdateRecordsOnlyWhatChanged) {
  const int64_t id = CreateOrganisation(db(), 200, facilitator_, pid_, Input("Carers")).id;
  OrganisationInput changed = Input("Carers");
  changed.website = "https://carers.example.org";
  ASSERT_TRUE(UpdateOrganisation(db(), 300, facilitator_, pid_, id, changed).ok());
  const auto audit = ListAudit(db(), pid_, 1);
  EXPECT_EQ(audit[0].action, "update");
  EXPECT_EQ(audit[0].changes_json, R"({"website":["","https://carers.example.org"]})");
  EXPECT_EQ(UpdateOrganisation(db(), 300, facilitator_, pid_, 999, changed).status,
            Outcome::Status::kNotFound);
}

TEST_F(OrganisationsTest, ArchiveHidesFromTheDefaultList) {
  const int64_t id = CreateOrganisation(db(), 200, facilitator_, pid_, Input("Carers")).id;
  EXPECT_EQ(ArchiveOrganisation(db(), 300, member_, pid_, id).status, Outcome::Status::kDenied);
  ASSERT_TRUE(ArchiveOrganisation(db(), 300, facilitator_, pid_, id).ok());
  EXPECT_TRUE(ListOrganisations(db(), pid_, false).empty());
  EXPECT_EQ(ListOrganisations(db(), pid_, true).size(), 1u);
  EXPECT_EQ(ArchiveOrganisation(db(), 300, facilitator_, pid_, id).status,
            Outcome::Status::kNotFound);
  EXPECT_EQ(UpdateOrganisation(db(), 400, facilitator_, pid_, id, Input("Renamed")).status,
            Outcome::Status::kNotFound);
  EXPECT_EQ(FindOrganisation(db(), pid_, id)->name, "Carers");
}

TEST_F(OrganisationsTest, LocalitiesAreUniqueWhateverTheCase) {
  EXPECT_EQ(AddLocality(db(), 200, Actor::System(), pid_, " eastFIELD ").status,
            Outcome::Status::kInvalid);
  EXPECT_EQ(AddLocality(db(), 200, member_, pid_, "Westfield").status, Outcome::Status::kDenied);
  EXPECT_EQ(ListLocalities(db(), pid_).size(), 1u);
}

TEST_F(OrganisationsTest, HostileTextIsStoredAsTyped) {
  const std::string name =
      "<script>alert(1)</script> O'Brien \"Q\" & Co; DROP TABLE organisations;--";
  const Outcome out = CreateOrganisation(db(), 200, facilitator_, pid_, Input(name));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(FindOrganisation(db(), pid_, out.id)->name, name);
}

}  // namespace
}  // namespace coproduce::domain
