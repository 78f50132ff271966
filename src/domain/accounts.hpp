// Accounts: invitations (single-use links that expire), sign-up from them, sign-in with
// rate limiting, server-side sessions, password reset by token, and the outbox that holds
// messages until mail delivery exists. Tokens are stored only as hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"

namespace coproduce::domain {

inline constexpr int64_t kInvitationLifetime = int64_t{14} * 24 * 3600;
inline constexpr int64_t kSessionLifetime = int64_t{7} * 24 * 3600;
inline constexpr int64_t kResetLifetime = 3600;
inline constexpr int64_t kAttemptWindow = int64_t{15} * 60;
inline constexpr int kMaxFailuresPerAccount = 5;
inline constexpr int kMaxFailuresPerAddress = 20;

struct Invitation final {
  int64_t id = 0;
  int64_t partnership_id = 0;
  std::string partnership_slug;
  std::string partnership_name;
  std::string email;
  std::string full_name;
  Role role = Role::kMember;
};

struct InvitationCreated final {
  Outcome outcome;
  std::string token;  // set when the outcome is ok; shown once to the admin
};

// Creates an invitation and queues a message with the link (base_url + "/invite/" + token).
InvitationCreated CreateInvitation(db::Connection& db, int64_t now, const Actor& actor,
                                   int64_t partnership_id, const std::string& full_name,
                                   const std::string& email, const std::string& role,
                                   const std::string& base_url);
// An invitation that is neither used nor expired.
std::optional<Invitation> FindInvitation(db::Connection& db, int64_t now, const std::string& token);
// Creates the account (or, for an existing account, checks its password) and the membership,
// and marks the invitation used. Outcome id is the person's.
Outcome AcceptInvitation(db::Connection& db, int64_t now, const std::string& token,
                         const std::string& full_name, const std::string& password,
                         const std::string& confirm);

struct SignInResult final {
  enum class Status { kOk, kWrong, kTooManyAttempts };
  Status status = Status::kWrong;
  int64_t person_id = 0;
};
// Checks the password and records the attempt. Too many recent failures for the account or
// the address refuse further tries, even with the right password, until the window passes.
SignInResult SignIn(db::Connection& db, int64_t now, const std::string& email,
                    const std::string& password, const std::string& address);

struct SessionPerson final {
  int64_t person_id = 0;
  std::string full_name;
  std::string email;
};
// Starts a session; returns the token for the cookie.
std::string CreateSession(db::Connection& db, int64_t now, int64_t person_id);
// The person behind a live session token of an active account.
std::optional<SessionPerson> FindSession(db::Connection& db, int64_t now, const std::string& token);
void EndSession(db::Connection& db, const std::string& token);

// Queues a reset link when the address has an account; says nothing either way, so that the
// page cannot be used to learn who has an account. Returns the token for tests and logs.
std::optional<std::string> RequestPasswordReset(db::Connection& db, int64_t now,
                                                const std::string& email,
                                                const std::string& base_url);
// True when the token is live.
bool IsResetTokenLive(db::Connection& db, int64_t now, const std::string& token);
// Sets the new password, uses the token, and ends every session of that person.
Outcome ResetPassword(db::Connection& db, int64_t now, const std::string& token,
                      const std::string& password, const std::string& confirm);

struct OutboxMessage final {
  int64_t id = 0;
  std::string to_address;
  std::string subject;
  std::string body;
  int64_t created_at = 0;
};
void QueueMessage(db::Connection& db, int64_t now, const std::string& to,
                  const std::string& subject, const std::string& body);
// Newest first.
std::vector<OutboxMessage> ListOutbox(db::Connection& db, int limit);

// The partnerships a person belongs to, for redirecting after sign-in: (slug, name).
std::vector<std::pair<std::string, std::string>> PartnershipsOf(db::Connection& db,
                                                                int64_t person_id);

}  // namespace coproduce::domain
