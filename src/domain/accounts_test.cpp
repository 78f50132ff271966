#include "domain/accounts.hpp"

#include <gtest/gtest.h>

#include "domain/audit.hpp"
#include "domain/partnerships.hpp"
#include "domain/people.hpp"
#include "domain/testing/test_database.hpp"

namespace coproduce::domain {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override { pid_ = CreatePartnership(db(), 100, "test", "Test Partnership", "").id; }
  db::Connection& db() { return test_.db(); }
  // Invites and signs up a person; returns their id.
  int64_t SignUp(const std::string& email, const std::string& role, const std::string& password) {
    const auto invited =
        CreateInvitation(db(), 100, admin_, pid_, "New Person", email, role, "http://x");
    EXPECT_TRUE(invited.outcome.ok());
    const Outcome accepted =
        AcceptInvitation(db(), 101, invited.token, "New Person", password, password);
    EXPECT_TRUE(accepted.ok());
    return accepted.id;
  }
  testing::TestDatabase test_;
  int64_t pid_ = 0;
  Actor admin_ = Actor::System();
};

TEST_F(AccountsTest, InvitationIsSingleUseAndQueuesTheLink) {
  const auto invited = CreateInvitation(db(), 100, admin_, pid_, "Ann Lee", "Ann@Example.org",
                                        "facilitator", "http://x");
  ASSERT_TRUE(invited.outcome.ok());
  const auto outbox = ListOutbox(db(), 1);
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].to_address, "ann@example.org");
  EXPECT_NE(outbox[0].body.find("http://x/invite/" + invited.token), std::string::npos);

  const auto found = FindInvitation(db(), 101, invited.token);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->role, Role::kFacilitator);
  const Outcome accepted =
      AcceptInvitation(db(), 102, invited.token, "Ann Lee", "a long password", "a long password");
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(FindRole(db(), accepted.id, pid_), Role::kFacilitator);
  EXPECT_FALSE(FindInvitation(db(), 103, invited.token));
  EXPECT_EQ(AcceptInvitation(db(), 103, invited.token, "Ann", "a long password", "a long password")
                .status,
            Outcome::Status::kNotFound);
}

TEST_F(AccountsTest, InvitationExpires) {
  const auto invited =
      CreateInvitation(db(), 100, admin_, pid_, "Ann", "ann@example.org", "member", "");
  EXPECT_TRUE(FindInvitation(db(), 100 + kInvitationLifetime - 1, invited.token));
  EXPECT_FALSE(FindInvitation(db(), 100 + kInvitationLifetime, invited.token));
}

TEST_F(AccountsTest, InvitationRefusesBadInputAndMembers) {
  const auto bad = CreateInvitation(db(), 100, admin_, pid_, "", "not an email", "owner", "");
  ASSERT_EQ(bad.outcome.status, Outcome::Status::kInvalid);
  EXPECT_EQ(bad.outcome.errors.size(), 3u);
  EXPECT_TRUE(ListOutbox(db(), 10).empty());
  const Actor member{5, "M", Role::kMember, false};
  EXPECT_EQ(
      CreateInvitation(db(), 100, member, pid_, "A", "a@example.org", "member", "").outcome.status,
      Outcome::Status::kDenied);
  SignUp("b@example.org", "member", "a long password");
  EXPECT_EQ(CreateInvitation(db(), 100, admin_, pid_, "B", "B@example.org", "member", "")
                .outcome.errors[0]
                .field,
            "email");
}

TEST_F(AccountsTest, SignUpChecksPasswords) {
  const auto invited =
      CreateInvitation(db(), 100, admin_, pid_, "Ann", "ann@example.org", "member", "");
  const Outcome out = AcceptInvitation(db(), 101, invited.token, "Ann", "short", "short");
  ASSERT_EQ(out.status, Outcome::Status::kInvalid);
  EXPECT_EQ(out.errors[0].field, "password");
  EXPECT_TRUE(FindInvitation(db(), 101, invited.token));  // still usable
}

TEST_F(AccountsTest, SignInAndSessions) {
  const int64_t id = SignUp("ann@example.org", "member", "a long password");
  EXPECT_EQ(SignIn(db(), 200, "ANN@example.org", "a long password", "1.2.3.4").status,
            SignInResult::Status::kOk);
  EXPECT_EQ(SignIn(db(), 200, "ann@example.org", "wrong password", "1.2.3.4").status,
            SignInResult::Status::kWrong);
  EXPECT_EQ(SignIn(db(), 200, "nobody@example.org", "a long password", "1.2.3.4").status,
            SignInResult::Status::kWrong);

  const std::string token = CreateSession(db(), 200, id);
  const auto session = FindSession(db(), 201, token);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->person_id, id);
  EXPECT_FALSE(FindSession(db(), 201, token + "x"));
  EXPECT_FALSE(FindSession(db(), 200 + kSessionLifetime, token));
  EndSession(db(), token);
  EXPECT_FALSE(FindSession(db(), 201, token));
}

TEST_F(AccountsTest, TooManyFailuresLockTheAccountForAWhile) {
  SignUp("ann@example.org", "member", "a long password");
  for (int i = 0; i < kMaxFailuresPerAccount; ++i) {
    EXPECT_EQ(SignIn(db(), 200, "ann@example.org", "wrong", "10.0.0." + std::to_string(i)).status,
              SignInResult::Status::kWrong);
  }
  EXPECT_EQ(SignIn(db(), 201, "ann@example.org", "a long password", "10.0.0.99").status,
            SignInResult::Status::kTooManyAttempts);
  EXPECT_EQ(
      SignIn(db(), 200 + kAttemptWindow + 1, "ann@example.org", "a long password", "10.0.0.99")
          .status,
      SignInResult::Status::kOk);
}

TEST_F(AccountsTest, TooManyFailuresFromOneAddress) {
  SignUp("ann@example.org", "member", "a long password");
  for (int i = 0; i < kMaxFailuresPerAddress; ++i) {
    SignIn(db(), 200, "guess" + std::to_string(i) + "@example.org", "wrong", "9.9.9.9");
  }
  EXPECT_EQ(SignIn(db(), 201, "ann@example.org", "a long password", "9.9.9.9").status,
            SignInResult::Status::kTooManyAttempts);
  EXPECT_EQ(SignIn(db(), 201, "ann@example.org", "a long password", "8.8.8.8").status,
            SignInResult::Status::kOk);
}

TEST_F(AccountsTest, PasswordResetEndsSessionsAndIsSingleUse) {
  const int64_t id = SignUp("ann@example.org", "member", "a long password");
  const std::string session = CreateSession(db(), 200, id);
  EXPECT_FALSE(RequestPasswordReset(db(), 200, "nobody@example.org", "http://x"));
  const auto token = RequestPasswordReset(db(), 200, "ann@example.org", "http://x");
  ASSERT_TRUE(token);
  EXPECT_NE(ListOutbox(db(), 1)[0].body.find("/password/reset/" + *token), std::string::npos);
  EXPECT_EQ(ResetPassword(db(), 201, *token, "new password!", "different!!").status,
            Outcome::Status::kInvalid);
  ASSERT_TRUE(ResetPassword(db(), 201, *token, "new password!", "new password!").ok());
  EXPECT_EQ(ListAudit(db(), pid_, 1)[0].action, "reset password");
  EXPECT_FALSE(FindSession(db(), 202, session));
  EXPECT_EQ(SignIn(db(), 202, "ann@example.org", "new password!", "1.1.1.1").status,
            SignInResult::Status::kOk);
  EXPECT_EQ(ResetPassword(db(), 203, *token, "another pass", "another pass").status,
            Outcome::Status::kNotFound);
}

TEST_F(AccountsTest, ResetTokenExpires) {
  SignUp("ann@example.org", "member", "a long password");
  const auto token = RequestPasswordReset(db(), 200, "ann@example.org", "");
  EXPECT_TRUE(IsResetTokenLive(db(), 200 + kResetLifetime - 1, *token));
  EXPECT_EQ(
      ResetPassword(db(), 200 + kResetLifetime, *token, "new password!", "new password!").status,
      Outcome::Status::kNotFound);
}

TEST_F(AccountsTest, ArchivedPeopleCannotSignIn) {
  const int64_t admin = SignUp("admin@example.org", "admin", "a long password");
  const int64_t ann = SignUp("ann@example.org", "member", "a long password");
  const std::string session = CreateSession(db(), 200, ann);
  const Actor actor{admin, "Admin", Role::kAdmin, false};
  ASSERT_TRUE(ArchivePerson(db(), 300, actor, pid_, ann).ok());
  EXPECT_FALSE(FindSession(db(), 301, session));
  EXPECT_EQ(SignIn(db(), 301, "ann@example.org", "a long password", "1.1.1.1").status,
            SignInResult::Status::kWrong);
}

}  // namespace
}  // namespace coproduce::domain
