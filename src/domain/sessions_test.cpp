#include "domain/sessions.hpp"

#include <gtest/gtest.h>

#include "domain/accounts.hpp"
#include "domain/forums.hpp"
#include "domain/partnerships.hpp"
#include "domain/testing/test_database.hpp"
#include "domain/votes.hpp"

namespace coproduce::domain {
namespace {

constexpr int64_t kNow = 1'900'000'000;  // 2030-03-17

class SessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pid_ = CreatePartnership(db(), 1, "test", "Test Partnership", "").id;
    facilitator_.person_id = AddPerson("fay@example.org", "Fay");
    member_.person_id = AddPerson("max@example.org", "Max");
    forum_ = CreateForum(db(), 1, facilitator_, pid_, {"Forum", ""}).id;
    session_ = CreateForumSession(db(), kNow, facilitator_, pid_, forum_, Input("2")).id;
    ASSERT_NE(session_, 0);
  }
  int64_t AddPerson(const std::string& email, const std::string& name) {
    return db()
        .Query("INSERT INTO people (email, full_name, created_at) VALUES ($1, $2, 1) RETURNING id",
               {email, name})[0]
        .Int(0);
  }
  SessionInput Input(std::string capacity) {
    return {"Forum day, Eastfield",
            "hybrid",
            "Eastfield Hall, 1 Main Street",
            "https://meet.example.org/forum",
            "2030-04-10T10:00",
            "2030-04-10T15:30",
            std::move(capacity)};
  }
  RegisterResult Public(const std::string& name, const std::string& email) {
    return Register(db(), kNow, Actor{}, pid_, session_, {name, email, "", ""}, "http://x");
  }
  db::Connection& db() { return test_.db(); }
  testing::TestDatabase test_;
  int64_t pid_ = 0;
  int64_t forum_ = 0;
  int64_t session_ = 0;
  Actor facilitator_{0, "Fay", Role::kFacilitator, false};
  Actor member_{0, "Max", Role::kMember, false};
};

TEST_F(SessionsTest, FacilitatorsCreateSessionsWithWhatEachFormatNeeds) {
  EXPECT_EQ(CreateForumSession(db(), kNow, member_, pid_, forum_, Input("5")).status,
            Outcome::Status::kDenied);
  SessionInput bad = Input("0");
  bad.venue = "";
  bad.meeting_link = "zoom";
  bad.ends_at = "2030-04-10T09:00";
  const Outcome out = CreateForumSession(db(), kNow, facilitator_, pid_, forum_, bad);
  ASSERT_EQ(out.status, Outcome::Status::kInvalid);
  EXPECT_EQ(out.errors.size(), 4u);  // venue, link, ends before it starts, capacity
  SessionInput online = Input("30");
  online.format = "online";
  online.venue = "";
  EXPECT_TRUE(CreateForumSession(db(), kNow, facilitator_, pid_, forum_, online).ok());
  const auto sessions = ListForumSessions(db(), pid_, forum_);
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].capacity, 2);
  EXPECT_EQ(sessions[0].starts_at, *ParseUkTime("2030-04-10T10:00"));
}

TEST_F(SessionsTest, AFullSessionHasAWaitingListThatMovesUpWhenSomeoneCancels) {
  const RegisterResult max = Register(db(), kNow, member_, pid_, session_,
                                      {"", "", "Step-free access", "Vegan"}, "http://x");
  ASSERT_TRUE(max.outcome.ok());
  EXPECT_EQ(max.status, "confirmed");
  EXPECT_EQ(Public("Ann Lee", "ann@example.org").status, "confirmed");
  const RegisterResult bo = Public("Bo Chen", "BO@example.org");
  EXPECT_EQ(bo.status, "waiting");
  EXPECT_EQ(Public("Cy Dunn", "cy@example.org").status, "waiting");
  // Registering again changes nothing.
  const RegisterResult again = Public("Bo Chen", "bo@example.org");
  EXPECT_EQ(again.status, "waiting");
  EXPECT_TRUE(again.cancel_token.empty());
  EXPECT_EQ(FindForumSession(db(), pid_, session_)->waiting, 2);
  EXPECT_EQ(FindRegistrationByToken(db(), bo.cancel_token)->waiting_position, 1);

  const int outbox = static_cast<int>(ListOutbox(db(), 100).size());
  ASSERT_TRUE(CancelRegistration(db(), kNow, member_, pid_, session_, "http://x").ok());
  EXPECT_EQ(FindRegistrationByToken(db(), bo.cancel_token)->status, "confirmed");
  const auto messages = ListOutbox(db(), 100);
  ASSERT_EQ(static_cast<int>(messages.size()), outbox + 1);
  EXPECT_EQ(messages[0].to_address, "bo@example.org");
  EXPECT_NE(messages[0].subject.find("You have a place"), std::string::npos);
  // Bo cancels by the emailed link; Cy moves up.
  ASSERT_TRUE(CancelByToken(db(), kNow, bo.cancel_token, "http://x").ok());
  EXPECT_TRUE(CancelByToken(db(), kNow, bo.cancel_token, "http://x").ok());  // again: no change
  EXPECT_EQ(FindForumSession(db(), pid_, session_)->confirmed, 2);
  EXPECT_EQ(FindForumSession(db(), pid_, session_)->waiting, 0);
  EXPECT_EQ(CancelByToken(db(), kNow, "not-a-token", "http://x").status,
            Outcome::Status::kNotFound);
  EXPECT_FALSE(RegistrationOf(db(), session_, member_.person_id));
}

TEST_F(SessionsTest, ThePublicGiveANameAndAnEmailAndRegistrationClosesAtTheStart) {
  const RegisterResult bad = Public("", "not an address");
  ASSERT_EQ(bad.outcome.status, Outcome::Status::kInvalid);
  EXPECT_EQ(bad.outcome.errors.size(), 2u);
  const auto start = *ParseUkTime("2030-04-10T10:00");
  EXPECT_EQ(
      Register(db(), start, Actor{}, pid_, session_, {"Ann", "ann@example.org", "", ""}, "http://x")
          .outcome.status,
      Outcome::Status::kConflict);
  EXPECT_EQ(Register(db(), kNow, Actor{}, pid_, 999, {"Ann", "ann@example.org", "", ""}, "http://x")
                .outcome.status,
            Outcome::Status::kNotFound);
}

TEST_F(SessionsTest, AccessNeedsAndAttendanceAreForFacilitators) {
  ASSERT_TRUE(
      Register(db(), kNow, member_, pid_, session_, {"", "", "Hearing loop", ""}, "http://x")
          .outcome.ok());
  const int64_t ann = Public("Ann Lee", "ann@example.org").outcome.id;
  EXPECT_FALSE(ListRegistrations(db(), member_, pid_, session_));
  const auto list = ListRegistrations(db(), facilitator_, pid_, session_);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].access_needs, "Hearing loop");
  EXPECT_EQ(RecordAttendance(db(), kNow, member_, pid_, session_, {ann}).status,
            Outcome::Status::kDenied);
  ASSERT_TRUE(RecordAttendance(db(), kNow, facilitator_, pid_, session_, {ann}).ok());
  const auto after = *ListRegistrations(db(), facilitator_, pid_, session_);
  EXPECT_EQ(after[0].attended, false);
  EXPECT_EQ(after[1].attended, true);
}

TEST_F(SessionsTest, CalendarsFollowRfc5545) {
  auto session = ListForumSessions(db(), pid_, forum_).at(0);
  session.title = "Forum day; food, talks and a very long title that goes past the limit of a line";
  const std::string ics =
      SessionsCalendar({{session, "test"}}, "https://coproduce.example", "Forum");
  EXPECT_TRUE(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  EXPECT_TRUE(ics.ends_with("END:VCALENDAR\r\n"));
  EXPECT_NE(ics.find("DTSTART:20300410T090000Z\r\n"), std::string::npos);  // 10:00 BST
  EXPECT_NE(ics.find("SUMMARY:Forum day\\; food\\, talks"), std::string::npos);
  EXPECT_NE(ics.find("UID:session-" + std::to_string(session_) + "@coproduce.example"),
            std::string::npos);
  // No line longer than 75 octets; folded lines continue with a space.
  std::size_t start = 0;
  bool folded = false;
  while (start < ics.size()) {
    const std::size_t end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u);
    folded = folded || ics[start] == ' ';
    start = end + 2;
  }
  EXPECT_TRUE(folded);
}

TEST_F(SessionsTest, APersonalFeedListsTheSessionsWithAPlace) {
  ASSERT_TRUE(Register(db(), kNow, member_, pid_, session_, {}, "http://x").outcome.ok());
  const std::string token = NewCalendarFeedToken(db(), kNow, member_.person_id);
  const auto feed = FeedSessions(db(), token);
  ASSERT_TRUE(feed);
  ASSERT_EQ(feed->size(), 1u);
  EXPECT_EQ((*feed)[0].second, "test");
  const std::string replaced = NewCalendarFeedToken(db(), kNow, member_.person_id);
  EXPECT_FALSE(FeedSessions(db(), token));  // a new address replaces the old one
  EXPECT_TRUE(FeedSessions(db(), replaced));
}

}  // namespace
}  // namespace coproduce::domain
