#include "domain/forums.hpp"

#include <gtest/gtest.h>

#include "domain/accounts.hpp"
#include "domain/audit.hpp"
#include "domain/issues.hpp"
#include "domain/organisations.hpp"
#include "domain/partnerships.hpp"
#include "domain/solutions.hpp"
#include "domain/testing/test_database.hpp"

namespace coproduce::domain {
namespace {

class ForumsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pid_ = CreatePartnership(db(), 100, "test", "Test Partnership", "").id;
    other_pid_ = CreatePartnership(db(), 100, "other", "Other Partnership", "").id;
    locality_ = AddLocality(db(), 100, Actor::System(), pid_, "Eastfield").id;
    theme_ = AddTheme(db(), 100, Actor::System(), pid_, "Transport").id;
    facilitator_.person_id = AddPerson("fay@example.org");
    member_.person_id = AddPerson("max@example.org");
    other_member_.person_id = AddPerson("ola@example.org");
    forum_ = CreateForum(db(), 150, facilitator_, pid_, {"Spring forum", "About transport"}).id;
  }
  int64_t AddPerson(const std::string& email) {
    return db()
        .Query("INSERT INTO people (email, full_name, created_at) VALUES ($1, $1, 1) RETURNING id",
               {email})[0]
        .Int(0);
  }
  db::Connection& db() { return test_.db(); }
  void OpenPhase(Phase phase) {
    ASSERT_TRUE(
        SetForumPhase(db(), 160, facilitator_, pid_, forum_, std::string(ToString(phase))).ok());
  }
  int64_t Raise(const Actor& who, const std::string& title) {
    const Outcome out = RaiseIssue(db(), 200, who, pid_, forum_,
                                   {title, "It matters.", std::to_string(theme_), ""});
    EXPECT_TRUE(out.ok());
    return out.id;
  }
  int Count(const std::string& table) {
    return static_cast<int>(db().Query("SELECT count(*) FROM " + table)[0].Int(0));
  }
  testing::TestDatabase test_;
  int64_t pid_ = 0;
  int64_t other_pid_ = 0;
  int64_t locality_ = 0;
  int64_t theme_ = 0;
  int64_t forum_ = 0;
  Actor facilitator_{0, "Fay", Role::kFacilitator, false};
  Actor member_{0, "Max", Role::kMember, false};
  Actor other_member_{0, "Ola", Role::kMember, false};
};

TEST_F(ForumsTest, PhasesHaveNamesLabelsAndAnOrder) {
  for (Phase p : kPhases) {
    EXPECT_EQ(PhaseFromString(ToString(p)), p);
    EXPECT_FALSE(PhaseLabel(p).empty());
    EXPECT_FALSE(PhaseDescription(p).empty());
  }
  EXPECT_EQ(NextPhase(Phase::kGather), Phase::kIssues);
  EXPECT_EQ(NextPhase(Phase::kReport), Phase::kFollowUp);
  EXPECT_FALSE(NextPhase(Phase::kFollowUp));
  EXPECT_FALSE(PhaseFromString("Issues"));
}

TEST_F(ForumsTest, OnlyFacilitatorsStartForumsAndTheyOpenInGather) {
  EXPECT_EQ(CreateForum(db(), 200, member_, pid_, {"Mine", ""}).status, Outcome::Status::kDenied);
  const Outcome empty = CreateForum(db(), 200, facilitator_, pid_, {"  ", ""});
  ASSERT_EQ(empty.status, Outcome::Status::kInvalid);
  EXPECT_EQ(empty.errors[0].field, "title");
  const auto forum = FindForum(db(), pid_, forum_);
  ASSERT_TRUE(forum);
  EXPECT_EQ(forum->phase, Phase::kGather);
  EXPECT_EQ(forum->title, "Spring forum");
  EXPECT_FALSE(FindForum(db(), other_pid_, forum_));  // another partnership sees nothing
  EXPECT_EQ(ListForums(db(), pid_).size(), 1u);
}

TEST_F(ForumsTest, FacilitatorsSkipAndReopenPhasesAndTheAuditLogSaysSo) {
  EXPECT_EQ(SetForumPhase(db(), 170, member_, pid_, forum_, "issues").status,
            Outcome::Status::kDenied);
  EXPECT_EQ(SetForumPhase(db(), 170, facilitator_, pid_, forum_, "voting").status,
            Outcome::Status::kInvalid);
  EXPECT_EQ(SetForumPhase(db(), 170, facilitator_, other_pid_, forum_, "issues").status,
            Outcome::Status::kNotFound);
  OpenPhase(Phase::kPrioritise);  // skips issues and solutions
  EXPECT_EQ(FindForum(db(), pid_, forum_)->phase, Phase::kPrioritise);
  OpenPhase(Phase::kIssues);  // reopens
  EXPECT_EQ(FindForum(db(), pid_, forum_)->phase, Phase::kIssues);
  const auto log = ListAudit(db(), pid_, 10);
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[0].action, "phase");
  EXPECT_NE(log[0].changes_json.find("prioritise"), std::string::npos);
}

TEST_F(ForumsTest, ThemesAreUniqueAndManagedByFacilitators) {
  EXPECT_EQ(AddTheme(db(), 200, member_, pid_, "Health").status, Outcome::Status::kDenied);
  EXPECT_EQ(AddTheme(db(), 200, facilitator_, pid_, " transport ").status,
            Outcome::Status::kInvalid);
  EXPECT_TRUE(AddTheme(db(), 200, facilitator_, pid_, "Health").ok());
  ASSERT_EQ(ListThemes(db(), pid_).size(), 2u);
  EXPECT_EQ(ListThemes(db(), pid_)[0].name, "Health");
}

TEST_F(ForumsTest, IssuesAreRaisedOnlyInTheIssuesPhase) {
  const Outcome early = RaiseIssue(db(), 200, member_, pid_, forum_, {"Buses", "Few", "", ""});
  ASSERT_EQ(early.status, Outcome::Status::kConflict);
  EXPECT_NE(early.errors[0].message.find("Gathering people"), std::string::npos);
  EXPECT_EQ(Count("issues"), 0);
  OpenPhase(Phase::kIssues);
  const Actor visitor;
  EXPECT_EQ(RaiseIssue(db(), 200, visitor, pid_, forum_, {"Buses", "Few", "", ""}).status,
            Outcome::Status::kDenied);
  const Outcome bad = RaiseIssue(db(), 200, member_, pid_, forum_, {"", "", "999", "abc"});
  ASSERT_EQ(bad.status, Outcome::Status::kInvalid);
  EXPECT_EQ(bad.errors.size(), 4u);  // title, description, theme, locality
  EXPECT_EQ(Count("issues"), 0);
  const Outcome ok =
      RaiseIssue(db(), 200, member_, pid_, forum_,
                 {"Buses", "Too few buses", std::to_string(theme_), std::to_string(locality_)});
  ASSERT_TRUE(ok.ok());
  const auto issue = FindIssue(db(), pid_, ok.id);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->theme, "Transport");
  EXPECT_EQ(issue->locality, "Eastfield");
  EXPECT_EQ(issue->supports, 1);  // the author
}

TEST_F(ForumsTest, SupportCountsOncePerPerson) {
  OpenPhase(Phase::kIssues);
  const int64_t id = Raise(member_, "Buses");
  EXPECT_TRUE(SupportIssue(db(), 210, other_member_, pid_, id).ok());
  EXPECT_TRUE(SupportIssue(db(), 211, other_member_, pid_, id).ok());  // again: no change
  EXPECT_TRUE(SupportIssue(db(), 212, member_, pid_, id).ok());        // the author: no change
  EXPECT_EQ(FindIssue(db(), pid_, id)->supports, 2);
  EXPECT_TRUE(HasSupported(db(), id, other_member_.person_id));
  EXPECT_FALSE(HasSupported(db(), id, facilitator_.person_id));
  OpenPhase(Phase::kPrioritise);
  EXPECT_EQ(SupportIssue(db(), 220, facilitator_, pid_, id).status, Outcome::Status::kConflict);
  EXPECT_EQ(FindIssue(db(), pid_, id)->supports, 2);
}

TEST_F(ForumsTest, CommentsNeedTextAndAnOpenDiscussion) {
  OpenPhase(Phase::kIssues);
  const int64_t id = Raise(member_, "Buses");
  EXPECT_EQ(CommentOnIssue(db(), 210, other_member_, pid_, id, "  ").status,
            Outcome::Status::kInvalid);
  EXPECT_EQ(CommentOnIssue(db(), 210, other_member_, pid_, id, std::string(2001, 'x')).status,
            Outcome::Status::kInvalid);
  EXPECT_TRUE(CommentOnIssue(db(), 210, other_member_, pid_, id, "Same in our village").ok());
  OpenPhase(Phase::kSolutions);
  EXPECT_TRUE(CommentOnIssue(db(), 230, member_, pid_, id, "Still true").ok());
  OpenPhase(Phase::kReport);
  EXPECT_EQ(CommentOnIssue(db(), 240, member_, pid_, id, "Late").status,
            Outcome::Status::kConflict);
  const auto comments = ListComments(db(), id);
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_EQ(comments[0].body, "Same in our village");
}

TEST_F(ForumsTest, MergingCarriesSupportsOverAndTellsBothAuthors) {
  OpenPhase(Phase::kIssues);
  const int64_t buses = Raise(member_, "Buses");
  const int64_t transport = Raise(other_member_, "Rural transport");
  ASSERT_TRUE(SupportIssue(db(), 210, facilitator_, pid_, buses).ok());
  ASSERT_TRUE(SupportIssue(db(), 210, facilitator_, pid_, transport).ok());
  const int outbox = Count("outbox");
  EXPECT_EQ(MergeIssue(db(), 220, member_, pid_, buses, transport, "http://x").status,
            Outcome::Status::kDenied);
  EXPECT_EQ(MergeIssue(db(), 220, facilitator_, pid_, buses, buses, "http://x").status,
            Outcome::Status::kInvalid);
  ASSERT_TRUE(MergeIssue(db(), 220, facilitator_, pid_, buses, transport, "http://x").ok());
  // Max (author of Buses), Ola (author) and Fay (supported both, counted once).
  EXPECT_EQ(FindIssue(db(), pid_, transport)->supports, 3);
  EXPECT_EQ(FindIssue(db(), pid_, buses)->merged_into, transport);
  const auto listed = ListIssues(db(), pid_, forum_);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, transport);
  EXPECT_EQ(Count("outbox"), outbox + 2);
  const auto messages = ListOutbox(db(), 2);
  EXPECT_NE(messages[0].body.find("http://x/p/test/issues/" + std::to_string(transport)),
            std::string::npos);
  EXPECT_EQ(MergeIssue(db(), 230, facilitator_, pid_, buses, transport, "http://x").status,
            Outcome::Status::kConflict);
  EXPECT_EQ(SupportIssue(db(), 230, facilitator_, pid_, buses).status, Outcome::Status::kConflict);
}

TEST_F(ForumsTest, HiddenContentShowsItsReasonToItsAuthorAndFacilitatorsOnly) {
  OpenPhase(Phase::kIssues);
  const int64_t id = Raise(member_, "Rude words");
  EXPECT_EQ(HideIssue(db(), 210, member_, pid_, id, "no").status, Outcome::Status::kDenied);
  EXPECT_EQ(HideIssue(db(), 210, facilitator_, pid_, id, " ").status, Outcome::Status::kInvalid);
  ASSERT_TRUE(HideIssue(db(), 210, facilitator_, pid_, id, "It names a private person.").ok());
  const auto issue = FindIssue(db(), pid_, id);
  ASSERT_EQ(issue->hidden_reason, "It names a private person.");
  EXPECT_TRUE(CanSeeContent(member_, issue->author_id, issue->hidden_reason));
  EXPECT_TRUE(CanSeeContent(facilitator_, issue->author_id, issue->hidden_reason));
  EXPECT_FALSE(CanSeeContent(other_member_, issue->author_id, issue->hidden_reason));
  EXPECT_FALSE(CanSeeContent(Actor{}, issue->author_id, issue->hidden_reason));
  EXPECT_EQ(CommentOnIssue(db(), 220, other_member_, pid_, id, "Hm").status,
            Outcome::Status::kConflict);

  const int64_t other = Raise(other_member_, "Buses");
  const int64_t comment = CommentOnIssue(db(), 230, member_, pid_, other, "Rude").id;
  ASSERT_TRUE(HideComment(db(), 240, facilitator_, pid_, comment, "Abusive.").ok());
  EXPECT_EQ(ListComments(db(), other)[0].hidden_reason, "Abusive.");
  EXPECT_EQ(HideComment(db(), 240, facilitator_, other_pid_, comment, "Abusive.").status,
            Outcome::Status::kNotFound);
}

TEST(PoundsTest, ParseAndFormat) {
  EXPECT_EQ(ParsePounds("12,500"), 1'250'000);
  EXPECT_EQ(ParsePounds(" £950.5 "), 95'050);
  EXPECT_EQ(ParsePounds("0"), 0);
  EXPECT_EQ(ParsePounds("1000000000"), 100'000'000'000);
  for (const char* bad : {"", "£", "12,50", ",500", "1,2345", "12.345", "12.", "-5", "1e3",
                          "10000000001", "12 500", "£1,000,000,000.01"}) {
    EXPECT_FALSE(ParsePounds(bad)) << bad;
  }
  EXPECT_EQ(FormatPounds(1'250'000), "£12,500");
  EXPECT_EQ(FormatPounds(95'005), "£950.05");
  EXPECT_EQ(FormatPounds(100'000'000'000), "£1,000,000,000");
}

TEST_F(ForumsTest, SolutionsAnswerIssuesAndFacilitatorsShortlistThem) {
  OpenPhase(Phase::kIssues);
  const int64_t buses = Raise(member_, "Buses");
  const int64_t lonely = Raise(other_member_, "Loneliness");
  const int64_t org =
      CreateOrganisation(db(), 100, Actor::System(), pid_, {"Hill Transport", "third", "", "", ""})
          .id;
  db().Execute(
      "INSERT INTO representations (person_id, organisation_id, role, starts_on, created_at) "
      "VALUES ($1, $2, 'Chair', '2025-01-01', 1)",
      {member_.person_id, org});
  const SolutionInput good{"Community bus",
                           "A minibus run by volunteers.",
                           std::to_string(org),
                           "£12,500",
                           {std::to_string(buses), std::to_string(lonely)}};
  EXPECT_EQ(ProposeSolution(db(), 300, member_, pid_, forum_, good).status,
            Outcome::Status::kConflict);  // still naming issues
  OpenPhase(Phase::kSolutions);
  const Outcome bad = ProposeSolution(db(), 300, other_member_, pid_, forum_,
                                      {"", "", std::to_string(org), "twelve", {"999"}});
  ASSERT_EQ(bad.status, Outcome::Status::kInvalid);
  EXPECT_EQ(bad.errors.size(), 5u);  // title, description, organisation (not theirs), cost, issue
  EXPECT_EQ(Count("solutions"), 0);
  const Outcome ok = ProposeSolution(db(), 300, member_, pid_, forum_, good);
  ASSERT_TRUE(ok.ok());
  const auto solution = FindSolution(db(), pid_, ok.id);
  ASSERT_TRUE(solution);
  EXPECT_EQ(solution->organisation, "Hill Transport");
  EXPECT_EQ(solution->cost_pence, 1'250'000);
  EXPECT_EQ(solution->issues.size(), 2u);
  EXPECT_FALSE(solution->shortlisted);

  EXPECT_EQ(SetShortlisted(db(), 310, member_, pid_, ok.id, true).status, Outcome::Status::kDenied);
  ASSERT_TRUE(SetShortlisted(db(), 310, facilitator_, pid_, ok.id, true).ok());
  EXPECT_TRUE(FindSolution(db(), pid_, ok.id)->shortlisted);
  ASSERT_TRUE(SetShortlisted(db(), 311, facilitator_, pid_, ok.id, false).ok());
  EXPECT_FALSE(ListSolutions(db(), pid_, forum_).at(0).shortlisted);
  // Each listed solution carries its own issues (fetched for the whole list at once).
  const Outcome second =
      ProposeSolution(db(), 311, other_member_, pid_, forum_,
                      {"Befriending", "Weekly calls.", "", "", {std::to_string(lonely)}});
  ASSERT_TRUE(second.ok());
  const std::vector<Solution> listed = ListSolutions(db(), pid_, forum_);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].issues.size(), 2u);
  ASSERT_EQ(listed[1].issues.size(), 1u);
  EXPECT_EQ(listed[1].issues[0].second, "Loneliness");
  OpenPhase(Phase::kReport);
  EXPECT_EQ(SetShortlisted(db(), 312, facilitator_, pid_, ok.id, true).status,
            Outcome::Status::kConflict);
  EXPECT_FALSE(FindSolution(db(), other_pid_, ok.id));
}

}  // namespace
}  // namespace coproduce::domain
