// Conversations through App::Handle: who may do what, answering one statement at a time,
// moderation, and the map and report (with the demo's conversation), which name nobody.
#include <gtest/gtest.h>

#include "domain/conversations.hpp"
#include "domain/demo.hpp"
#include "domain/forums.hpp"
#include "domain/partnerships.hpp"
#include "web/testing/test_client.hpp"

namespace coproduce::web {
namespace {

using testing::Contains;
using testing::TestClient;

constexpr const char* kFacilitator = "jordan.reid@example.org";
constexpr const char* kVoter = "eilidh.wilson7@example.org";  // answered the demo conversation

class ConversationPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pid_ = domain::FindPartnership(client_.db(), "riverside")->id;
    forum_ = domain::ListForums(client_.db(), pid_).at(0).id;
    demo_ = domain::ListConversations(client_.db(), pid_, forum_).at(0).id;
  }
  std::string Path(int64_t id) const { return "/p/riverside/conversations/" + std::to_string(id); }
  std::string NewPath() const {
    return "/p/riverside/forums/" + std::to_string(forum_) + "/conversations/new";
  }
  // The statement id the conversation page offers next, or "" when none.
  static std::string Offered(const std::string& page) {
    const std::string marker = "name=\"statement\" value=\"";
    const std::size_t at = page.find(marker);
    if (at == std::string::npos) return "";
    const std::size_t start = at + marker.size();
    return page.substr(start, page.find('"', start) - start);
  }
  // Starts a conversation as the facilitator (who stays signed in) and returns its id.
  int64_t Start(const std::string& seeds) {
    client_.SignIn(kFacilitator, domain::kDemoMemberPassword);
    const http::Response created =
        client_.Post(NewPath(), {{"question", "Where should the minibus go?"}, {"seeds", seeds}});
    EXPECT_EQ(created.status, 303);
    const std::string location(created.Header("Location"));
    return std::stoll(location.substr(location.rfind('/') + 1));
  }
  TestClient client_;
  int64_t pid_ = 0;
  int64_t forum_ = 0;
  int64_t demo_ = 0;
};

TEST_F(ConversationPagesTest, ThePublicReadsTheConversationItsMapAndItsReport) {
  const http::Response forum = client_.Get("/p/riverside/forums/" + std::to_string(forum_));
  EXPECT_TRUE(Contains(forum.body, "What would make day services easier to reach?"));
  EXPECT_FALSE(Contains(forum.body, "Start a conversation"));
  const http::Response page = client_.Get(Path(demo_));
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "sign in</a> to answer"));
  EXPECT_EQ(Offered(page.body), "");
  EXPECT_FALSE(Contains(page.body, "Moderate statements"));

  const http::Response map = client_.Get(Path(demo_) + "/map");
  EXPECT_EQ(map.status, 200);
  EXPECT_TRUE(Contains(map.body, "role=\"img\""));
  EXPECT_TRUE(Contains(map.body, "38 people are on the map"));
  EXPECT_TRUE(Contains(map.body, "<caption>The groups on the map (the map's data)</caption>"));
  EXPECT_FALSE(Contains(map.body, "app-map__you"));  // the public is not on the map

  const http::Response report = client_.Get(Path(demo_) + "/report");
  EXPECT_EQ(report.status, 200);
  EXPECT_TRUE(Contains(report.body, "What everyone agrees on"));
  EXPECT_TRUE(Contains(report.body, "Common ground across sectors"));
  EXPECT_TRUE(Contains(report.body, "38 people have given"));
  // Nobody is named: not the voters, not the author of the statement waiting for moderation.
  for (const std::string& body : {map.body, report.body}) {
    EXPECT_FALSE(Contains(body, "Eilidh Wilson"));
    EXPECT_FALSE(Contains(body, "Jordan Reid"));
    EXPECT_FALSE(Contains(body, "Bus timetables should fit day centre hours"));
  }
  EXPECT_EQ(client_.Get(Path(999)).status, 404);
  EXPECT_EQ(client_.Get("/p/riverside/conversations/x/map").status, 404);
}

TEST_F(ConversationPagesTest, OnlyFacilitatorsStartConversations) {
  EXPECT_EQ(client_.Get(NewPath()).status, 303);  // to sign in
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  EXPECT_EQ(client_.Get(NewPath()).status, 403);
  EXPECT_EQ(client_.Post(NewPath(), {{"question", "Mine?"}}).status, 403);

  client_.SignIn(kFacilitator, domain::kDemoMemberPassword);
  EXPECT_EQ(client_.Get(NewPath()).status, 200);
  const http::Response bad =
      client_.Post(NewPath(), {{"question", " "}, {"seeds", std::string(201, 'x')}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Contains(bad.body, "Enter the question people will answer."));
  EXPECT_TRUE(Contains(bad.body, "Seed statement 1 has 201 characters."));
  EXPECT_TRUE(Contains(bad.body, "href=\"#seeds\""));
  EXPECT_EQ(client_.Get("/p/riverside/forums/999/conversations/new").status, 404);
  const int64_t id = Start("First\nSecond");
  const http::Response page = client_.Get(Path(id));
  EXPECT_TRUE(Contains(page.body, "Where should the minibus go?"));
  EXPECT_TRUE(Contains(page.body, "It has 2 statements."));
  EXPECT_TRUE(Contains(page.body, "Close the conversation"));
}

TEST_F(ConversationPagesTest, AMemberAnswersOneStatementAtATimeUntilNoneAreLeft) {
  const int64_t id = Start("First\nSecond\nThird");
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  std::set<std::string> seen;
  for (const char* answer : {"agree", "disagree", "pass"}) {
    const http::Response page = client_.Get(Path(id));
    ASSERT_EQ(page.status, 200);
    const std::string statement = Offered(page.body);
    ASSERT_FALSE(statement.empty());
    EXPECT_TRUE(seen.insert(statement).second) << "offered twice: " << statement;
    EXPECT_TRUE(Contains(page.body, "value=\"agree\""));
    EXPECT_TRUE(Contains(page.body, "aria-keyshortcuts=\"a\""));
    const http::Response voted =
        client_.Post(Path(id) + "/vote", {{"statement", statement}, {"vote", answer}});
    ASSERT_EQ(voted.status, 303);
    EXPECT_EQ(voted.Header("Location"), Path(id) + "?saved=1#statement");
  }
  const http::Response done = client_.Get(Path(id) + "?saved=1");
  EXPECT_EQ(Offered(done.body), "");
  EXPECT_TRUE(Contains(done.body, "Your answer was saved."));
  EXPECT_TRUE(Contains(done.body, "You have answered every statement."));
  const auto mine = domain::VotesOf(client_.db(), id,
                                    client_.db()
                                        .Query("SELECT id FROM people WHERE "
                                               "email = $1",
                                               {domain::kDemoMemberEmail})[0]
                                        .Int(0));
  EXPECT_EQ(mine.size(), 3u);

  // Bad input: a clear sentence, nothing stored.
  const std::string first = *seen.begin();
  const http::Response maybe =
      client_.Post(Path(id) + "/vote", {{"statement", first}, {"vote", "maybe"}});
  EXPECT_EQ(maybe.status, 422);
  EXPECT_TRUE(Contains(maybe.body, "Choose agree, disagree or pass for the statement."));
  EXPECT_EQ(client_.Post(Path(id) + "/vote", {{"statement", "x"}, {"vote", "agree"}}).status, 400);
  EXPECT_EQ(client_.Post(Path(demo_) + "/vote", {{"statement", first}, {"vote", "agree"}}).status,
            404);  // a statement of another conversation
  EXPECT_EQ(
      client_.Post(Path(id) + "/vote", {{"statement", first}, {"vote", "agree"}}, false).status,
      403);  // no CSRF token
}

TEST_F(ConversationPagesTest, SubmittedStatementsAreSeenOnlyOnceAModeratorAcceptsThem) {
  const int64_t id = Start("First");
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  const std::string first = Offered(client_.Get(Path(id)).body);
  ASSERT_EQ(client_.Post(Path(id) + "/vote", {{"statement", first}, {"vote", "agree"}}).status,
            303);
  const http::Response empty = client_.Post(Path(id) + "/statements", {{"body", " "}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(Contains(empty.body, "Write the statement"));
  const http::Response sent =
      client_.Post(Path(id) + "/statements", {{"body", "The minibus should stop at the GP"}});
  ASSERT_EQ(sent.status, 303);
  const http::Response thanks = client_.Get(std::string(sent.Header("Location")));
  EXPECT_TRUE(Contains(thanks.body, "will be checked by a moderator before others see it"));
  EXPECT_EQ(Offered(thanks.body), "");  // not offered before it is accepted
  EXPECT_EQ(client_.Get(Path(id) + "/moderation").status, 403);

  client_.SignIn(kFacilitator, domain::kDemoMemberPassword);
  const http::Response queue = client_.Get(Path(id) + "/moderation");
  ASSERT_EQ(queue.status, 200);
  EXPECT_TRUE(Contains(queue.body, "The minibus should stop at the GP"));
  const int64_t pending =
      domain::ListStatements(client_.db(), id, domain::StatementStatus::kPending).at(0).id;
  const std::string moderate = "/p/riverside/statements/" + std::to_string(pending) + "/moderation";
  EXPECT_EQ(client_.Post(moderate, {{"decision", "maybe"}}).status, 422);
  ASSERT_EQ(client_.Post(moderate, {{"decision", "accept"}}).status, 303);
  const http::Response seed = client_.Post(Path(id) + "/seed", {{"body", "First"}});
  EXPECT_EQ(seed.status, 422);
  EXPECT_TRUE(Contains(seed.body, "already has that statement"));

  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  EXPECT_EQ(Offered(client_.Get(Path(id)).body), std::to_string(pending));
}

TEST_F(ConversationPagesTest, AVoterSeesThemselvesOnTheMapAndLiveFragmentsAnswer) {
  client_.SignIn(kVoter, domain::kDemoMemberPassword);
  const http::Response map = client_.Get(Path(demo_) + "/map");
  EXPECT_TRUE(Contains(map.body, "app-map__you"));
  EXPECT_TRUE(Contains(map.body, "ringed and marked You"));
  EXPECT_TRUE(Contains(map.body, "data-events=\"" + Path(demo_) + "/events\""));
  const http::Response fragment = client_.Get(Path(demo_) + "/map/live");
  EXPECT_EQ(fragment.status, 200);
  EXPECT_TRUE(Contains(fragment.body, "app-map__you"));
  EXPECT_FALSE(Contains(fragment.body, "<html"));
  EXPECT_EQ(client_.Get(Path(demo_) + "/report/live").status, 200);
  const http::Response events = client_.Get(Path(demo_) + "/events");
  EXPECT_EQ(events.event_topic, ConversationTopic(demo_));
}

TEST_F(ConversationPagesTest, TheReportFollowsEachNewAnswer) {
  const std::string live = Path(demo_) + "/report/live";
  EXPECT_TRUE(Contains(client_.Get(live).body, "38 people have given"));
  EXPECT_TRUE(Contains(client_.Get(live).body, "38 people have given"));  // kept, not redone
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  const std::string statement = Offered(client_.Get(Path(demo_)).body);
  ASSERT_EQ(
      client_.Post(Path(demo_) + "/vote", {{"statement", statement}, {"vote", "agree"}}).status,
      303);
  EXPECT_TRUE(Contains(client_.Get(live).body, "39 people have given"));
  EXPECT_TRUE(Contains(client_.Get(Path(demo_) + "/report").body, "39 people have given"));
}

TEST_F(ConversationPagesTest, AClosedConversationTakesNoAnswers) {
  const int64_t id = Start("First");
  ASSERT_EQ(client_.Post(Path(id) + "/state", {{"state", "closed"}}).status, 303);
  EXPECT_EQ(client_.Post(Path(id) + "/state", {{"state", "gone"}}).status, 422);
  const std::string first = std::to_string(
      domain::ListStatements(client_.db(), id, domain::StatementStatus::kAccepted).at(0).id);
  client_.SignIn(domain::kDemoMemberEmail, domain::kDemoMemberPassword);
  const http::Response page = client_.Get(Path(id));
  EXPECT_TRUE(Contains(page.body, "It is closed"));
  EXPECT_EQ(Offered(page.body), "");
  const http::Response late =
      client_.Post(Path(id) + "/vote", {{"statement", first}, {"vote", "agree"}});
  EXPECT_EQ(late.status, 409);
  EXPECT_TRUE(Contains(late.body, "This conversation is closed"));
  EXPECT_EQ(client_.Post(Path(id) + "/state", {{"state", "open"}}).status, 403);
}

}  // namespace
}  // namespace coproduce::web
