// Forums and key issues through App::Handle: who may do what, bad input, and what each
// person sees.
#include <gtest/gtest.h>

#include "domain/demo.hpp"
#include "domain/forums.hpp"
#include "domain/issues.hpp"
#include "domain/partnerships.hpp"
#include "domain/solutions.hpp"
#include "domain/votes.hpp"
#include "web/testing/test_client.hpp"

namespace coproduce::web {
namespace {

using testing::Contains;
using testing::TestClient;

constexpr const char* kFacilitator = "jordan.reid@example.org";

class ForumPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pid_ = domain::FindPartnership(client_.db(), "riverside")->id;
    forum_ = domain::ListForums(client_.db(), pid_).at(0);
  }
  std::string ForumPath() const { return "/p/riverside/forums/" + std::to_string(forum_.id); }
  int Count(const std::string& table) {
    return static_cast<int>(client_.db().Query("SELECT count(*) FROM " + table)[0].Int(0));
  }
  // Raises an issue as whoever is signed in and returns its path.
  std::string Raise(const std::string& title) {
    const http::Response r = client_.Post(ForumPath() + "/issues/new",
                                          {{"title", title}, {"description", "It matters."}});
    EXPECT_EQ(r.status, 303);
    return std::string(r.Header("Location"));
  }
  TestClient client_;
  int64_t pid_ = 0;
  domain::Forum forum_;
};

TEST_F(ForumPagesTest, ThePublicReadsWhatIsHappeningNowAndNext) {
  const http::Response list = client_.Get("/p/riverside/forums");
  EXPECT_EQ(list.status, 200);
  EXPECT_TRUE(Contains(list.body, forum_.title));
  const http::Response page = client_.Get(ForumPath());
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "Now: Key issues"));
  EXPECT_TRUE(Contains(page.body, "Next: Solutions."));
  EXPECT_TRUE(Contains(page.body, "aria-current=\"step\""));
  EXPECT_TRUE(Contains(page.body, "Too few buses to day services"));
  EXPECT_TRUE(Contains(page.body, "sign in</a> to raise or support"));
  EXPECT_FALSE(Contains(page.body, "Change phase"));
  EXPECT_EQ(client_.Get("/p/riverside/forums/999").status, 404);
  EXPECT_EQ(client_.Get("/p/riverside/forums/new").status, 303);  // to sign in
}

TEST_F(ForumPagesTest, OnlyFacilitatorsStartForumsAndChangePhases) {
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  EXPECT_EQ(client_.Get("/p/riverside/forums/new").status, 403);
  EXPECT_EQ(client_.Post("/p/riverside/forums/new", {{"title", "Mine"}}).status, 403);
  EXPECT_EQ(client_.Post(ForumPath() + "/phase", {{"phase", "report"}}).status, 403);
  EXPECT_EQ(client_.Get("/p/riverside/themes").status, 403);
  EXPECT_EQ(domain::FindForum(client_.db(), pid_, forum_.id)->phase, domain::Phase::kIssues);

  TestClient& facilitator = client_;
  facilitator.SignIn(kFacilitator, domain::kDemoMemberPassword);
  const http::Response empty = facilitator.Post("/p/riverside/forums/new", {{"title", " "}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(Contains(empty.body, "Enter a title for the forum."));
  const http::Response created =
      facilitator.Post("/p/riverside/forums/new", {{"title", "Autumn forum"}});
  ASSERT_EQ(created.status, 303);
  EXPECT_TRUE(Contains(facilitator.Get(std::string(created.Header("Location"))).body,
                       "Now: Gathering people"));
  const std::string forum = "/p/riverside/forums/" + std::to_string(forum_.id);
  EXPECT_EQ(facilitator.Post(forum + "/phase", {{"phase", "voting"}}).status, 422);
  EXPECT_EQ(facilitator.Post(forum + "/phase", {{"phase", "report"}}).status, 303);
  EXPECT_EQ(domain::FindForum(facilitator.db(), pid_, forum_.id)->phase, domain::Phase::kReport);
  EXPECT_EQ(facilitator.Post("/p/riverside/forums/999/phase", {{"phase", "report"}}).status, 404);
  // Without the CSRF token nothing changes.
  EXPECT_EQ(facilitator.Post(forum + "/phase", {{"phase", "issues"}}, false).status, 403);
  EXPECT_EQ(domain::FindForum(facilitator.db(), pid_, forum_.id)->phase, domain::Phase::kReport);
  EXPECT_EQ(facilitator.Post("/p/riverside/themes", {{"name", "Carers"}}).status, 303);
  EXPECT_TRUE(Contains(facilitator.Get("/p/riverside/themes").body, "Carers"));
}

TEST_F(ForumPagesTest, MembersRaiseSupportAndCommentAndBadInputChangesNothing) {
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  EXPECT_EQ(client_.Get(ForumPath() + "/issues/new").status, 200);
  const int issues = Count("issues");
  const http::Response bad = client_.Post(ForumPath() + "/issues/new",
                                          {{"title", ""}, {"description", "x"}, {"theme", "99"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Contains(bad.body, "Enter a short title for the issue."));
  EXPECT_TRUE(Contains(bad.body, "Choose a theme from the list."));
  EXPECT_EQ(Count("issues"), issues);

  const std::string path = Raise("Carers need breaks");
  const http::Response page = client_.Get(path);
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "Carers need breaks"));
  EXPECT_TRUE(Contains(page.body, "You support this issue."));
  EXPECT_TRUE(Contains(page.body, "1 person"));

  EXPECT_EQ(client_.Post(path + "/comments", {{"body", "  "}}).status, 422);
  EXPECT_EQ(Count("issue_comments"), 0);
  EXPECT_EQ(client_.Post(path + "/comments", {{"body", "We see this too <b>often</b>"}}).status,
            303);
  EXPECT_TRUE(Contains(client_.Get(path).body, "We see this too &lt;b&gt;often&lt;/b&gt;"));
  EXPECT_EQ(client_.Post("/p/riverside/issues/99999/support", {}).status, 404);
  EXPECT_EQ(client_.Post("/p/riverside/issues/abc/support", {}).status, 404);
}

TEST_F(ForumPagesTest, ClosedPhasesRefuseWithASentence) {
  const auto issue = domain::ListIssues(client_.db(), pid_, forum_.id).at(0);
  ASSERT_TRUE(
      domain::SetForumPhase(client_.db(), 1, domain::Actor::System(), pid_, forum_.id, "prioritise")
          .ok());
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  const int supports = Count("issue_supports");
  const http::Response raise =
      client_.Post(ForumPath() + "/issues/new", {{"title", "Late"}, {"description", "Too late"}});
  EXPECT_EQ(raise.status, 409);
  EXPECT_TRUE(Contains(raise.body, "Issues can be raised only while the forum is naming"));
  const std::string path = "/p/riverside/issues/" + std::to_string(issue.id);
  const http::Response support = client_.Post(path + "/support", {});
  EXPECT_EQ(support.status, 409);
  EXPECT_TRUE(Contains(support.body, "Supports and comments are closed"));
  EXPECT_EQ(Count("issue_supports"), supports);
  EXPECT_FALSE(Contains(client_.Get(path).body, "This matters to us too</button>"));
}

TEST_F(ForumPagesTest, FacilitatorsMergeAndHideAndAuthorsSeeWhy) {
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  const std::string duplicate = Raise("Not enough buses");
  const std::string rude = Raise("Rude title");
  const std::string id = duplicate.substr(duplicate.rfind('/') + 1);
  EXPECT_EQ(client_.Post(duplicate + "/merge", {{"into", "1"}}).status, 403);

  // Sign the same client in as the facilitator: the database is shared.
  client_.SignIn(kFacilitator, domain::kDemoMemberPassword);
  const auto buses = domain::ListIssues(client_.db(), pid_, forum_.id);
  int64_t target = 0;
  for (const auto& i : buses) {
    if (i.title == "Too few buses to day services") target = i.id;
  }
  ASSERT_NE(target, 0);
  const http::Response wrong = client_.Post(duplicate + "/merge", {{"into", id}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_TRUE(Contains(wrong.body, "Choose another issue of the same forum"));
  const int outbox = Count("outbox");
  const http::Response merged =
      client_.Post(duplicate + "/merge", {{"into", std::to_string(target)}});
  EXPECT_EQ(merged.status, 303);
  EXPECT_EQ(Count("outbox"), outbox + 1);  // Sam wrote both issues: one message
  EXPECT_TRUE(Contains(client_.Get(duplicate).body, "This issue was merged"));

  EXPECT_EQ(client_.Post(rude + "/hide", {{"reason", ""}}).status, 422);
  EXPECT_EQ(client_.Post(rude + "/hide", {{"reason", "It is not about a local issue."}}).status,
            303);
  EXPECT_TRUE(Contains(client_.Get(rude).body, "It is not about a local issue."));

  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);  // the author
  EXPECT_TRUE(Contains(client_.Get(rude).body, "Reason: It is not about a local issue."));
  const std::string someone_else =
      client_.db()
          .Query(
              "SELECT p.email FROM people p JOIN memberships m ON m.person_id = p.id WHERE "
              "m.role = 'member' AND p.email <> $1 ORDER BY p.id LIMIT 1",
              {std::string(domain::kDemoMemberEmail)})[0]
          .Text(0);
  client_.SignIn(someone_else, domain::kDemoMemberPassword);
  const http::Response withheld = client_.Get(rude);
  EXPECT_TRUE(Contains(withheld.body, "This issue was hidden"));
  EXPECT_FALSE(Contains(withheld.body, "Rude title"));
  EXPECT_FALSE(Contains(client_.Get(ForumPath()).body, "Rude title"));
}

TEST_F(ForumPagesTest, MembersProposeSolutionsAndFacilitatorsShortlistThem) {
  const auto issue = domain::ListIssues(client_.db(), pid_, forum_.id).at(0);
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  const std::string form = ForumPath() + "/solutions/new";
  EXPECT_EQ(client_.Get(form).status, 409);  // still naming issues
  ASSERT_TRUE(
      domain::SetForumPhase(client_.db(), 1, domain::Actor::System(), pid_, forum_.id, "solutions")
          .ok());
  const http::Response page = client_.Get(form);
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, issue.title));
  const http::Response bad = client_.Post(
      form, {{"title", "Minibus"}, {"description", "Volunteers drive"}, {"cost", "lots"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Contains(bad.body, "Enter the cost in pounds"));
  EXPECT_TRUE(Contains(bad.body, "Choose at least one of the forum"));
  EXPECT_TRUE(domain::ListSolutions(client_.db(), pid_, forum_.id).empty());
  const http::Response ok = client_.Post(form, {{"title", "Minibus"},
                                                {"description", "Volunteers drive"},
                                                {"cost", "12,500"},
                                                {"issues", std::to_string(issue.id)}});
  ASSERT_EQ(ok.status, 303);
  const std::string path(ok.Header("Location"));
  EXPECT_TRUE(Contains(client_.Get(path).body, "£12,500"));
  EXPECT_TRUE(Contains(client_.Get(ForumPath()).body, "Minibus"));
  EXPECT_EQ(client_.Post(path + "/shortlist", {{"shortlisted", "yes"}}).status, 403);

  client_.SignIn(kFacilitator, domain::kDemoMemberPassword);
  EXPECT_EQ(client_.Post(path + "/shortlist", {{"shortlisted", "maybe"}}).status, 400);
  EXPECT_EQ(client_.Post(path + "/shortlist", {{"shortlisted", "yes"}}).status, 303);
  EXPECT_TRUE(domain::ListSolutions(client_.db(), pid_, forum_.id).at(0).shortlisted);
  EXPECT_TRUE(Contains(client_.Get(path).body, "Take off the shortlist"));
}

// Puts two solutions on the shortlist and moves the forum to prioritising.
void PrepareShortlist(db::Connection& db, int64_t pid, int64_t forum) {
  const domain::Actor system = domain::Actor::System();
  ASSERT_TRUE(domain::SetForumPhase(db, 1, system, pid, forum, "solutions").ok());
  const int64_t issue = domain::ListIssues(db, pid, forum).at(0).id;
  const int64_t sam =
      db.Query("SELECT id FROM people WHERE email = $1", {std::string(domain::kDemoMemberEmail)})[0]
          .Int(0);
  const domain::Actor member{sam, "Sam", domain::Role::kMember, false};
  for (const char* title : {"Minibus", "Befriending"}) {
    const auto s = domain::ProposeSolution(
        db, 1, member, pid, forum, {title, "Details.", "", "10,000", {std::to_string(issue)}});
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(domain::SetShortlisted(db, 1, system, pid, s.id, true).ok());
  }
  ASSERT_TRUE(domain::SetForumPhase(db, 1, system, pid, forum, "prioritise").ok());
}

TEST_F(ForumPagesTest, AVoteFromSetUpToResultsAndRecount) {
  PrepareShortlist(client_.db(), pid_, forum_.id);
  client_.SignIn(kFacilitator, domain::kDemoMemberPassword);
  const std::string form = ForumPath() + "/votes/new";
  const http::Response page = client_.Get(form);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "Schulze"));
  const std::string opens = domain::FormatUkTimeInput(client_.now + 3600);
  const std::string closes = domain::FormatUkTimeInput(client_.now + int64_t{7} * 86400);
  const http::Response bad = client_.Post(form, {{"title", "Priorities"},
                                                 {"method", "irv"},
                                                 {"eligibility", "members"},
                                                 {"weighting", "person"},
                                                 {"opens_at", closes},
                                                 {"closes_at", opens}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Contains(bad.body, "The vote must close after it opens."));
  const http::Response created = client_.Post(form, {{"title", "Priorities"},
                                                     {"method", "irv"},
                                                     {"eligibility", "members"},
                                                     {"weighting", "person"},
                                                     {"opens_at", opens},
                                                     {"closes_at", closes}});
  ASSERT_EQ(created.status, 303);
  const std::string vote(created.Header("Location"));
  EXPECT_TRUE(Contains(client_.Get(ForumPath()).body, "Priorities"));

  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  EXPECT_EQ(client_.Post(vote + "/ballot", {{"o0", "1"}}).status, 409);  // not open yet
  client_.now += 7200;
  EXPECT_TRUE(Contains(client_.Get(vote).body, "Cast my ballot"));
  const http::Response tie = client_.Post(vote + "/ballot", {{"o0", "1"}, {"o1", "1"}});
  EXPECT_EQ(tie.status, 422);
  EXPECT_TRUE(Contains(tie.body, "Give each option a different number"));
  EXPECT_EQ(client_.Post(vote + "/ballot", {{"o9", "1"}}).status, 422);  // no such option
  const http::Response cast = client_.Post(vote + "/ballot", {{"o0", "2"}, {"o1", "1"}});
  ASSERT_EQ(cast.status, 200);
  const std::string marker = "id=\"receipt\">";
  const auto at = cast.body.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string receipt = cast.body.substr(at + marker.size(), 14);
  EXPECT_TRUE(Contains(client_.Get(vote + "/receipt?code=" + receipt).body,
                       "This ballot is included in the count"));
  EXPECT_TRUE(Contains(client_.Get(vote).body, "You have voted."));
  EXPECT_EQ(client_.Get(vote + "/results").status, 409);  // not live, not closed
  EXPECT_EQ(client_.Get(vote + "/ballots/blt").status, 409);

  client_.now += int64_t{7} * 86400;
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);  // a week later
  EXPECT_EQ(client_.Post(vote + "/ballot", {{"o0", "1"}}).status, 409);   // closed
  const http::Response results = client_.Get(vote + "/results");
  ASSERT_EQ(results.status, 200);
  EXPECT_TRUE(Contains(results.body, "<li>Befriending</li>"));
  EXPECT_TRUE(Contains(results.body, "role=\"img\""));
  EXPECT_TRUE(Contains(results.body, "Not shown: fewer than 5 voters"));
  EXPECT_TRUE(Contains(results.body, "Votes in each round"));
  const http::Response blt = client_.Get(vote + "/ballots/blt");
  ASSERT_EQ(blt.status, 200);
  EXPECT_TRUE(Contains(blt.body, "\"Befriending\""));
  EXPECT_EQ(client_.Get(vote + "/ballots/pb").status, 404);  // not a budget vote
}

// A budget vote by equal shares: the results page says, round by round, what the supporters
// of each funded option paid.
TEST_F(ForumPagesTest, EqualSharesResultsSayWhatSupportersPaid) {
  PrepareShortlist(client_.db(), pid_, forum_.id);
  client_.SignIn(kFacilitator, domain::kDemoMemberPassword);
  const http::Response created =
      client_.Post(ForumPath() + "/votes/new",
                   {{"title", "Budget"},
                    {"method", "pb-mes"},
                    {"budget", "15,000"},
                    {"eligibility", "members"},
                    {"weighting", "person"},
                    {"opens_at", domain::FormatUkTimeInput(client_.now + 3600)},
                    {"closes_at", domain::FormatUkTimeInput(client_.now + int64_t{7} * 86400)}});
  ASSERT_EQ(created.status, 303);
  const std::string vote(created.Header("Location"));
  client_.now += 7200;
  // Both support Befriending (o1); Sam also supports the Minibus (o0). Each has £7,500.
  ASSERT_EQ(client_.Post(vote + "/ballot", {{"o1", "yes"}}).status, 200);
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  ASSERT_EQ(client_.Post(vote + "/ballot", {{"o0", "yes"}, {"o1", "yes"}}).status, 200);
  client_.now += int64_t{7} * 86400;
  const http::Response results = client_.Get(vote + "/results");
  ASSERT_EQ(results.status, 200);
  EXPECT_TRUE(Contains(results.body, "<li>Befriending (£10,000)</li>"));
  EXPECT_FALSE(Contains(results.body, "<li>Minibus"));  // Sam's £2,500 left cannot pay it
  EXPECT_TRUE(Contains(results.body, "Each voter had £7,500 to spend."));
  EXPECT_TRUE(Contains(results.body, "2 voters paid £5,000 each."));
}

TEST_F(ForumPagesTest, SessionsTakeRegistrationsWithAWaitingListAndGiveCalendars) {
  client_.SignIn(kFacilitator, domain::kDemoMemberPassword);
  const std::string form = ForumPath() + "/sessions/new";
  ASSERT_EQ(client_.Get(form).status, 200);
  const auto when = [&](int64_t seconds) {
    return domain::FormatUkTimeInput(client_.now + seconds);
  };
  const http::Response bad =
      client_.Post(form, {{"title", "Forum day"}, {"format", "online"}, {"capacity", "many"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Contains(bad.body, "Enter the link people use to join online."));
  const http::Response created = client_.Post(form, {{"title", "Forum day"},
                                                     {"format", "in-person"},
                                                     {"venue", "Eastfield Hall"},
                                                     {"starts_at", when(86400)},
                                                     {"ends_at", when(90000)},
                                                     {"capacity", "1"}});
  ASSERT_EQ(created.status, 303);
  const std::string session(created.Header("Location"));
  EXPECT_TRUE(Contains(client_.Get(ForumPath()).body, "Forum day"));

  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  ASSERT_EQ(client_.Post(session + "/register", {{"access_needs", "Step-free access"}}).status,
            303);
  EXPECT_TRUE(Contains(client_.Get(session).body, "You have a place at this session."));
  EXPECT_FALSE(Contains(client_.Get(session).body, "Step-free access"));  // facilitators only

  // The public, without an account: a bad address is refused; then the waiting list.
  TestClient& visitor = client_;
  visitor.cookies().erase("coproduce_session");
  const http::Response wrong =
      visitor.Post(session + "/register", {{"full_name", "Ann Lee"}, {"email", "ann"}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_TRUE(Contains(wrong.body, "Enter an email address in the right format"));
  const http::Response waiting =
      visitor.Post(session + "/register", {{"full_name", "Ann Lee"}, {"email", "ann@example.org"}});
  EXPECT_EQ(waiting.status, 200);
  EXPECT_TRUE(Contains(waiting.body, "You are on the waiting list"));
  const std::string body = domain::ListOutbox(visitor.db(), 1).at(0).body;
  const auto at = body.find("/sessions/cancel/");
  ASSERT_NE(at, std::string::npos);
  const std::string cancel = body.substr(at, body.find('\n', at) - at);
  EXPECT_EQ(visitor.Get(cancel).status, 200);
  EXPECT_EQ(visitor.Get("/sessions/cancel/nonsense").status, 404);

  const http::Response ics = visitor.Get(session + "/calendar");
  EXPECT_EQ(ics.status, 200);
  EXPECT_EQ(ics.Header("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_TRUE(Contains(ics.body, "BEGIN:VEVENT\r\n"));

  // Sam gives up the place: Ann moves up. The facilitator sees the access needs.
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  ASSERT_EQ(client_.Post(session + "/cancel", {}).status, 303);
  client_.SignIn(kFacilitator, domain::kDemoMemberPassword);
  const http::Response list = client_.Get(session);
  EXPECT_TRUE(Contains(list.body, "ann@example.org"));
  EXPECT_TRUE(Contains(list.body, "Has a place"));
  EXPECT_EQ(client_.Post(session + "/attendance", {{"attended", "2"}}).status, 303);

  // A personal feed.
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  const http::Response feed = client_.Post("/p/riverside/my-sessions/feed", {});
  ASSERT_EQ(feed.status, 200);
  const auto url = feed.body.find("http://test/calendar/");
  ASSERT_NE(url, std::string::npos);
  const std::string path = feed.body.substr(url + 11, feed.body.find('<', url) - url - 11);
  EXPECT_EQ(client_.Get(path).status, 200);
  EXPECT_EQ(client_.Get("/calendar/unknown").status, 404);
}

}  // namespace
}  // namespace coproduce::web
