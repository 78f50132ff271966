#include "domain/accounts.hpp"

#include "domain/audit.hpp"
#include "domain/permissions.hpp"
#include "domain/security.hpp"
#include "domain/validation.hpp"

namespace coproduce::domain {
namespace {

// Verifying against this when the account does not exist keeps the time of a failed
// sign-in the same either way.
const std::string& DummyHash() {
  static const std::string hash = HashPassword("no account has this password");
  return hash;
}

int CountFailures(db::Connection& db, std::string_view column, const std::string& value,
                  int64_t since) {
  const std::string sql = "SELECT count(*) FROM sign_in_attempts WHERE " + std::string(column) +
                          " = $1 AND succeeded = 0 AND at > $2";
  return static_cast<int>(db.Query(sql, {value, since})[0].Int(0));
}

}  // namespace

InvitationCreated CreateInvitation(db::Connection& db, int64_t now, const Actor& actor,
                                   int64_t partnership_id, const std::string& full_name,
                                   const std::string& email, const std::string& role,
                                   const std::string& base_url) {
  if (!Can(actor, Action::kInvitePerson)) return {Outcome::Denied(), ""};
  FieldErrors errors;
  const std::string name = TrimField(full_name);
  const std::string address = NormaliseEmail(email);
  if (auto e = CheckRequired(name, "the person's full name", 200))
    errors.push_back({"full_name", *e});
  if (auto e = CheckEmail(address)) errors.push_back({"email", *e});
  const auto parsed_role = RoleFromString(role);
  if (!parsed_role) errors.push_back({"role", "Choose a role."});
  db::Transaction tx(db);
  if (errors.empty()) {
    const db::Rows member = db.Query(
        "SELECT 1 FROM memberships m JOIN people p ON p.id = m.person_id WHERE p.email = $1 AND "
        "m.partnership_id = $2",
        {address, partnership_id});
    if (!member.empty()) {
      errors.push_back({"email", "That person is already a member of this partnership."});
    }
  }
  if (!errors.empty()) return {Outcome::Invalid(std::move(errors)), ""};
  const std::string token = RandomToken();
  const db::Rows rows = db.Query(
      "INSERT INTO invitations (token_hash, partnership_id, email, full_name, role, invited_by, "
      "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {HashToken(token), partnership_id, address, name, role,
       actor.person_id ? db::Value(actor.person_id) : db::Value(nullptr), now,
       now + kInvitationLifetime});
  const int64_t id = rows[0].Int(0);
  const std::string partnership =
      db.Query("SELECT name FROM partnerships WHERE id = $1", {partnership_id})[0].Text(0);
  QueueMessage(db, now, address, "You are invited to join " + partnership + " on coproduce",
               "Hello " + name + ",\n\n" + actor.full_name + " has invited you to join " +
                   partnership +
                   " on coproduce.\n\nOpen this link to create your account. It "
                   "works once and expires in 14 days:\n" +
                   base_url + "/invite/" + token + "\n");
  RecordAudit(db, now, actor.person_id, partnership_id, "invitation", id, "create",
              Diff({}, {{"email", address}, {"full_name", name}, {"role", role}}));
  tx.Commit();
  return {Outcome::Ok(id), token};
}

std::optional<Invitation> FindInvitation(db::Connection& db, int64_t now,
                                         const std::string& token) {
  const db::Rows rows = db.Query(
      "SELECT i.id, i.partnership_id, p.slug, p.name, i.email, i.full_name, i.role "
      "FROM invitations i JOIN partnerships p ON p.id = i.partnership_id "
      "WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2",
      {HashToken(token), now});
  if (rows.empty()) return std::nullopt;
  const db::Row& r = rows[0];
  return Invitation{r.Int(0),
                    r.Int(1),
                    r.Text(2),
                    r.Text(3),
                    r.Text(4),
                    r.Text(5),
                    RoleFromString(r.Text(6)).value_or(Role::kMember)};
}

Outcome AcceptInvitation(db::Connection& db, int64_t now, const std::string& token,
                         const std::string& full_name, const std::string& password,
                         const std::string& confirm) {
  const auto invitation = FindInvitation(db, now, token);
  if (!invitation) return Outcome::NotFound();
  const db::Rows existing =
      db.Query("SELECT id, password_hash, archived_at IS NOT NULL FROM people WHERE email = $1",
               {invitation->email});
  FieldErrors errors;
  const std::string name = TrimField(full_name);
  if (auto e = CheckRequired(name, "your full name", 200)) errors.push_back({"full_name", *e});
  std::string hash;
  if (existing.empty()) {
    if (auto e = CheckNewPassword(password, confirm)) errors.push_back({"password", *e});
    if (errors.empty()) hash = HashPassword(password);
  } else if (existing[0].Int(2) != 0) {
    errors.push_back(
        {"email", "This account has been closed. Ask the partnership's admin to help."});
  } else if (!VerifyPassword(password, existing[0].Text(1))) {
    errors.push_back(
        {"password", "You already have an account with this email address. Enter its password."});
  }
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));

  db::Transaction tx(db);
  // Checked again inside the transaction: two tabs may submit the same link at once.
  if (db.Execute("UPDATE invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
                 {now, invitation->id}) == 0) {
    return Outcome::NotFound();
  }
  int64_t person_id = 0;
  if (existing.empty()) {
    person_id = db.Query(
                      "INSERT INTO people (email, full_name, password_hash, created_at) VALUES "
                      "($1, $2, $3, $4) RETURNING id",
                      {invitation->email, name, hash, now})[0]
                    .Int(0);
    RecordAudit(db, now, person_id, invitation->partnership_id, "person", person_id, "create",
                Diff({}, {{"email", invitation->email}, {"full_name", name}}));
  } else {
    person_id = existing[0].Int(0);
  }
  db.Execute(
      "INSERT INTO memberships (person_id, partnership_id, role, created_at) VALUES ($1, $2, $3, "
      "$4)",
      {person_id, invitation->partnership_id, std::string(ToString(invitation->role)), now});
  RecordAudit(db, now, person_id, invitation->partnership_id, "membership", person_id, "create",
              Diff({}, {{"role", std::string(ToString(invitation->role))}}));
  tx.Commit();
  return Outcome::Ok(person_id);
}

SignInResult SignIn(db::Connection& db, int64_t now, const std::string& email,
                    const std::string& password, const std::string& address) {
  const std::string normalised = NormaliseEmail(email);
  const int64_t since = now - kAttemptWindow;
  if (CountFailures(db, "email", normalised, since) >= kMaxFailuresPerAccount ||
      CountFailures(db, "address", address, since) >= kMaxFailuresPerAddress) {
    return {SignInResult::Status::kTooManyAttempts, 0};
  }
  const db::Rows rows = db.Query(
      "SELECT id, COALESCE(password_hash, '') FROM people WHERE email = $1 AND archived_at IS NULL",
      {normalised});
  const bool known = !rows.empty() && !rows[0].Text(1).empty();
  const bool ok = VerifyPassword(password, known ? rows[0].Text(1) : DummyHash()) && known;
  db.Execute("INSERT INTO sign_in_attempts (email, address, succeeded, at) VALUES ($1, $2, $3, $4)",
             {normalised, address, int64_t{ok ? 1 : 0}, now});
  if (!ok) return {SignInResult::Status::kWrong, 0};
  return {SignInResult::Status::kOk, rows[0].Int(0)};
}

std::string CreateSession(db::Connection& db, int64_t now, int64_t person_id) {
  std::string token = RandomToken();
  db.Execute("DELETE FROM sessions WHERE expires_at <= $1", {now});
  db.Execute(
      "INSERT INTO sessions (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, "
      "$4)",
      {HashToken(token), person_id, now, now + kSessionLifetime});
  return token;
}

std::optional<SessionPerson> FindSession(db::Connection& db, int64_t now,
                                         const std::string& token) {
  const db::Rows rows = db.Query(
      "SELECT p.id, p.full_name, p.email FROM sessions s JOIN people p ON p.id = s.person_id "
      "WHERE s.token_hash = $1 AND s.expires_at > $2 AND p.archived_at IS NULL",
      {HashToken(token), now});
  if (rows.empty()) return std::nullopt;
  return SessionPerson{rows[0].Int(0), rows[0].Text(1), rows[0].Text(2)};
}

void EndSession(db::Connection& db, const std::string& token) {
  db.Execute("DELETE FROM sessions WHERE token_hash = $1", {HashToken(token)});
}

std::optional<std::string> RequestPasswordReset(db::Connection& db, int64_t now,
                                                const std::string& email,
                                                const std::string& base_url) {
  const db::Rows rows =
      db.Query("SELECT id, full_name FROM people WHERE email = $1 AND archived_at IS NULL",
               {NormaliseEmail(email)});
  if (rows.empty()) return std::nullopt;
  const std::string token = RandomToken();
  db::Transaction tx(db);
  db.Execute(
      "INSERT INTO password_resets (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, "
      "$3, $4)",
      {HashToken(token), rows[0].Int(0), now, now + kResetLifetime});
  QueueMessage(db, now, NormaliseEmail(email), "Reset your coproduce password",
               "Hello " + rows[0].Text(1) +
                   ",\n\nSomeone asked to reset the password of your coproduce account. If it was "
                   "you, open this link within an hour to choose a new password:\n" +
                   base_url + "/password/reset/" + token +
                   "\n\nIf it was not you, you can ignore this message.\n");
  tx.Commit();
  return token;
}

bool IsResetTokenLive(db::Connection& db, int64_t now, const std::string& token) {
  return !db.Query(
                "SELECT 1 FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND "
                "expires_at > $2",
                {HashToken(token), now})
              .empty();
}

Outcome ResetPassword(db::Connection& db, int64_t now, const std::string& token,
                      const std::string& password, const std::string& confirm) {
  if (!IsResetTokenLive(db, now, token)) return Outcome::NotFound();
  if (auto e = CheckNewPassword(password, confirm)) return Outcome::Invalid({{"password", *e}});
  const std::string hash = HashPassword(password);
  db::Transaction tx(db);
  const db::Rows rows = db.Query(
      "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND "
      "expires_at > $1 RETURNING person_id",
      {now, HashToken(token)});
  if (rows.empty()) return Outcome::NotFound();
  const int64_t person_id = rows[0].Int(0);
  db.Execute("UPDATE people SET password_hash = $1 WHERE id = $2", {hash, person_id});
  db.Execute("DELETE FROM sessions WHERE person_id = $1", {person_id});
  // Recorded in each partnership the person belongs to, so that its admins can see it.
  for (const db::Row& r :
       db.Query("SELECT partnership_id FROM memberships WHERE person_id = $1", {person_id})) {
    RecordAudit(db, now, person_id, r.Int(0), "person", person_id, "reset password",
                {{"password", {"(hidden)", "(changed)"}}});
  }
  tx.Commit();
  return Outcome::Ok(person_id);
}

void QueueMessage(db::Connection& db, int64_t now, const std::string& to,
                  const std::string& subject, const std::string& body) {
  db.Execute("INSERT INTO outbox (to_address, subject, body, created_at) VALUES ($1, $2, $3, $4)",
             {to, subject, body, now});
}

std::vector<OutboxMessage> ListOutbox(db::Connection& db, int limit) {
  std::vector<OutboxMessage> out;
  for (const db::Row& r : db.Query("SELECT id, to_address, subject, body, created_at FROM outbox "
                                   "ORDER BY id DESC LIMIT $1",
                                   {int64_t{limit}})) {
    out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4)});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> PartnershipsOf(db::Connection& db,
                                                                int64_t person_id) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const db::Row& r :
       db.Query("SELECT p.slug, p.name FROM memberships m JOIN partnerships p "
                "ON p.id = m.partnership_id WHERE m.person_id = $1 ORDER BY p.name",
                {person_id})) {
    out.emplace_back(r.Text(0), r.Text(1));
  }
  return out;
}

}  // namespace coproduce::domain
