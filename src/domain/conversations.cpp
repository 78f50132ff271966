#include "domain/conversations.hpp"

#include <set>

#include "domain/audit.hpp"
#include "domain/forums.hpp"
#include "domain/permissions.hpp"
#include "domain/validation.hpp"

namespace coproduce::domain {
namespace {

constexpr std::size_t kMaxQuestionLength = 200;
constexpr std::size_t kMaxDescriptionLength = 2000;

constexpr const char* kSelectConversation =
    "SELECT c.id, c.forum_id, c.question, c.description, c.state, c.created_at FROM "
    "conversations c JOIN forums f ON f.id = c.forum_id ";

constexpr const char* kSelectStatement =
    "SELECT s.id, s.conversation_id, s.body, COALESCE(s.author_id, 0), s.status, s.is_meta, "
    "s.seed, s.created_at FROM statements s ";

Conversation ConversationFromRow(const db::Row& r) {
  return {r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4) == "open", r.Int(5)};
}

Statement StatementFromRow(const db::Row& r) {
  return {r.Int(0),
          r.Int(1),
          r.Text(2),
          r.Int(3),
          StatementStatusFromString(r.Text(4)).value_or(StatementStatus::kPending),
          r.Int(5) != 0,
          r.Int(6) != 0,
          r.Int(7)};
}

// A statement is one line: runs of spaces and line breaks become one space.
std::string StatementText(std::string_view body) {
  std::string out;
  bool space = false;
  for (const char c : TrimField(body)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The sentence for a statement that cannot be stored, or nullopt. `which` names it in the
// sentence ("The statement", "Seed statement 3").
std::optional<std::string> CheckStatement(const std::string& text, const std::string& which) {
  if (text.empty()) return "Write the statement: one short sentence that others can agree with.";
  if (text.size() > kMaxStatementLength) {
    return which + " has " + std::to_string(text.size()) + " characters. Shorten it to at most " +
           std::to_string(kMaxStatementLength) + ", so that it can be answered at a glance.";
  }
  return std::nullopt;
}

bool StatementExists(db::Connection& db, int64_t conversation_id, const std::string& text) {
  return !db.Query("SELECT 1 FROM statements WHERE conversation_id = $1 AND body = $2",
                   {conversation_id, text})
              .empty();
}

int64_t InsertStatement(db::Connection& db, int64_t now, int64_t conversation_id,
                        const std::string& text, int64_t author_id, StatementStatus status,
                        bool is_meta, bool seed) {
  return db
      .Query(
          "INSERT INTO statements (conversation_id, body, author_id, status, is_meta, seed, "
          "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          {conversation_id, text, author_id != 0 ? db::Value(author_id) : db::Value(nullptr),
           std::string(ToString(status)), int64_t{is_meta ? 1 : 0}, int64_t{seed ? 1 : 0}, now})[0]
      .Int(0);
}

}  // namespace

std::optional<StatementStatus> StatementStatusFromString(std::string_view s) {
  if (s == "pending") return StatementStatus::kPending;
  if (s == "accepted") return StatementStatus::kAccepted;
  if (s == "rejected") return StatementStatus::kRejected;
  return std::nullopt;
}

std::string_view ToString(StatementStatus s) {
  switch (s) {
    case StatementStatus::kPending:
      return "pending";
    case StatementStatus::kAccepted:
      return "accepted";
    case StatementStatus::kRejected:
      return "rejected";
  }
  return "pending";
}

std::optional<StatementVote> StatementVoteFromString(std::string_view s) {
  if (s == "agree") return StatementVote::kAgree;
  if (s == "disagree") return StatementVote::kDisagree;
  if (s == "pass") return StatementVote::kPass;
  return std::nullopt;
}

std::string_view ToString(StatementVote v) {
  switch (v) {
    case StatementVote::kAgree:
      return "agree";
    case StatementVote::kDisagree:
      return "disagree";
    case StatementVote::kPass:
      return "pass";
  }
  return "pass";
}

std::optional<Conversation> FindConversation(db::Connection& db, int64_t partnership_id,
                                             int64_t id) {
  const db::Rows rows =
      db.Query(std::string(kSelectConversation) + "WHERE f.partnership_id = $1 AND c.id = $2",
               {partnership_id, id});
  if (rows.empty()) return std::nullopt;
  return ConversationFromRow(rows[0]);
}

std::vector<Conversation> ListConversations(db::Connection& db, int64_t partnership_id,
                                            int64_t forum_id) {
  std::vector<Conversation> out;
  for (const db::Row& r :
       db.Query(std::string(kSelectConversation) +
                    "WHERE f.partnership_id = $1 AND c.forum_id = $2 ORDER BY c.id",
                {partnership_id, forum_id})) {
    out.push_back(ConversationFromRow(r));
  }
  return out;
}

std::optional<Statement> FindStatement(db::Connection& db, int64_t partnership_id, int64_t id) {
  const db::Rows rows =
      db.Query(std::string(kSelectStatement) +
                   "JOIN conversations c ON c.id = s.conversation_id JOIN forums f ON f.id = "
                   "c.forum_id WHERE f.partnership_id = $1 AND s.id = $2",
               {partnership_id, id});
  if (rows.empty()) return std::nullopt;
  return StatementFromRow(rows[0]);
}

std::vector<Statement> ListStatements(db::Connection& db, int64_t conversation_id,
                                      std::optional<StatementStatus> status) {
  std::vector<Statement> out;
  const db::Rows rows =
      status
          ? db.Query(std::string(kSelectStatement) +
                         "WHERE s.conversation_id = $1 AND s.status = $2 ORDER BY s.id",
                     {conversation_id, std::string(ToString(*status))})
          : db.Query(std::string(kSelectStatement) + "WHERE s.conversation_id = $1 ORDER BY s.id",
                     {conversation_id});
  for (const db::Row& r : rows) out.push_back(StatementFromRow(r));
  return out;
}

Outcome CreateConversation(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, int64_t forum_id,
                           const ConversationInput& input) {
  if (!Can(actor, Action::kManageForums)) return Outcome::Denied();
  db::Transaction tx(db);
  if (!FindForum(db, partnership_id, forum_id)) return Outcome::NotFound();
  const std::string question = StatementText(input.question);
  const std::string description = TrimField(input.description);
  FieldErrors errors;
  if (auto e = CheckRequired(question, "the question people will answer", kMaxQuestionLength)) {
    errors.push_back({"question", *e});
  }
  if (description.size() > kMaxDescriptionLength) {
    errors.push_back({"description", "Write a description of at most 2,000 characters."});
  }
  std::vector<std::string> seeds;
  std::set<std::string> seen;
  std::string_view rest = input.seeds;
  int line = 0;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string text = StatementText(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (text.empty()) continue;
    ++line;
    if (auto e = CheckStatement(text, "Seed statement " + std::to_string(line))) {
      errors.push_back({"seeds", *e});
      break;
    }
    if (seen.insert(text).second) seeds.push_back(text);
  }
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));
  const int64_t id =
      db.Query(
            "INSERT INTO conversations (forum_id, question, description, state, created_by, "
            "created_at) VALUES ($1, $2, $3, 'open', $4, $5) RETURNING id",
            {forum_id, question, description,
             actor.signed_in() ? db::Value(actor.person_id) : db::Value(nullptr), now})[0]
          .Int(0);
  for (const std::string& text : seeds) {
    InsertStatement(db, now, id, text, actor.person_id, StatementStatus::kAccepted, false, true);
  }
  RecordAudit(db, now, actor.person_id, partnership_id, "conversation", id, "create",
              Diff({}, {{"forum_id", std::to_string(forum_id)},
                        {"question", question},
                        {"description", description},
                        {"seed_statements", std::to_string(seeds.size())}}));
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome AddSeedStatement(db::Connection& db, int64_t now, const Actor& actor,
                         int64_t partnership_id, int64_t conversation_id, std::string_view body,
                         bool is_meta) {
  if (!Can(actor, Action::kManageForums)) return Outcome::Denied();
  db::Transaction tx(db);
  if (!FindConversation(db, partnership_id, conversation_id)) return Outcome::NotFound();
  const std::string text = StatementText(body);
  if (auto e = CheckStatement(text, "The statement")) return Outcome::Invalid({{"body", *e}});
  if (StatementExists(db, conversation_id, text)) {
    return Outcome::Invalid({{"body", "This conversation already has that statement."}});
  }
  const int64_t id = InsertStatement(db, now, conversation_id, text, actor.person_id,
                                     StatementStatus::kAccepted, is_meta, true);
  RecordAudit(db, now, actor.person_id, partnership_id, "statement", id, "seed",
              Diff({}, {{"conversation_id", std::to_string(conversation_id)},
                        {"body", text},
                        {"is_meta", is_meta ? "yes" : "no"}}));
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome SetConversationOpen(db::Connection& db, int64_t now, const Actor& actor,
                            int64_t partnership_id, int64_t conversation_id, bool open) {
  if (!Can(actor, Action::kManageForums)) return Outcome::Denied();
  db::Transaction tx(db);
  const auto conversation = FindConversation(db, partnership_id, conversation_id);
  if (!conversation) return Outcome::NotFound();
  if (conversation->open == open) return Outcome::Ok(conversation_id);
  db.Execute("UPDATE conversations SET state = $1 WHERE id = $2",
             {std::string(open ? "open" : "closed"), conversation_id});
  RecordAudit(db, now, actor.person_id, partnership_id, "conversation", conversation_id,
              open ? "open" : "close",
              {{"state", {open ? "closed" : "open", open ? "open" : "closed"}}});
  tx.Commit();
  return Outcome::Ok(conversation_id);
}

Outcome SubmitStatement(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                        int64_t conversation_id, std::string_view body) {
  if (!Can(actor, Action::kTakePart) || !actor.signed_in()) return Outcome::Denied();
  db::Transaction tx(db);
  const auto conversation = FindConversation(db, partnership_id, conversation_id);
  if (!conversation) return Outcome::NotFound();
  if (!conversation->open) {
    return Outcome::Conflict(
        "This conversation is closed, so it takes no new statements. Its map and report stay "
        "open to read.");
  }
  const std::string text = StatementText(body);
  if (auto e = CheckStatement(text, "Your statement")) return Outcome::Invalid({{"body", *e}});
  if (StatementExists(db, conversation_id, text)) {
    return Outcome::Invalid(
        {{"body",
          "Someone has already written that statement. Answer it when it comes up, or write "
          "a different one."}});
  }
  const int64_t id = InsertStatement(db, now, conversation_id, text, actor.person_id,
                                     StatementStatus::kPending, false, false);
  RecordAudit(db, now, actor.person_id, partnership_id, "statement", id, "submit",
              Diff({}, {{"conversation_id", std::to_string(conversation_id)}, {"body", text}}));
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome ModerateStatement(db::Connection& db, int64_t now, const Actor& actor,
                          int64_t partnership_id, int64_t statement_id, std::string_view decision) {
  if (!Can(actor, Action::kModerate)) return Outcome::Denied();
  db::Transaction tx(db);
  const auto statement = FindStatement(db, partnership_id, statement_id);
  if (!statement) return Outcome::NotFound();
  StatementStatus status;
  if (decision == "accept") {
    status = StatementStatus::kAccepted;
  } else if (decision == "reject") {
    status = StatementStatus::kRejected;
  } else {
    return Outcome::Invalid({{"decision", "Choose whether to accept or reject the statement."}});
  }
  if (statement->status == status) return Outcome::Ok(statement_id);
  db.Execute(
      "UPDATE statements SET status = $1, moderated_by = $2, moderated_at = $3 WHERE id = $4",
      {std::string(ToString(status)),
       actor.signed_in() ? db::Value(actor.person_id) : db::Value(nullptr), now, statement_id});
  RecordAudit(
      db, now, actor.person_id, partnership_id, "statement", statement_id, std::string(decision),
      {{"status", {std::string(ToString(statement->status)), std::string(ToString(status))}}});
  tx.Commit();
  return Outcome::Ok(statement_id);
}

Outcome VoteOnStatement(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                        int64_t statement_id, std::string_view vote) {
  if (!Can(actor, Action::kTakePart) || !actor.signed_in()) return Outcome::Denied();
  const auto answer = StatementVoteFromString(vote);
  if (!answer) {
    return Outcome::Invalid({{"vote", "Choose agree, disagree or pass for the statement."}});
  }
  db::Transaction tx(db);
  const auto statement = FindStatement(db, partnership_id, statement_id);
  if (!statement) return Outcome::NotFound();
  const auto conversation = FindConversation(db, partnership_id, statement->conversation_id);
  if (!conversation) return Outcome::NotFound();
  if (!conversation->open) {
    return Outcome::Conflict(
        "This conversation is closed, so it takes no more votes. Its map and report stay open "
        "to read.");
  }
  if (statement->status != StatementStatus::kAccepted) {
    return Outcome::Conflict(
        "This statement is not open for votes: a moderator has not accepted it, or has taken "
        "it out. Go back to the conversation for the next statement.");
  }
  const db::Rows current =
      db.Query("SELECT vote FROM statement_votes WHERE statement_id = $1 AND person_id = $2",
               {statement_id, actor.person_id});
  if (!current.empty() && current[0].Int(0) == static_cast<int64_t>(*answer)) {
    return Outcome::Ok(statement_id);
  }
  // Deleted and inserted rather than updated, so that the new vote gets a later id.
  db.Execute("DELETE FROM statement_votes WHERE statement_id = $1 AND person_id = $2",
             {statement_id, actor.person_id});
  db.Execute(
      "INSERT INTO statement_votes (conversation_id, statement_id, person_id, vote, voted_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      {statement->conversation_id, statement_id, actor.person_id, static_cast<int64_t>(*answer),
       now});
  tx.Commit();
  return Outcome::Ok(statement_id);
}

std::vector<StoredStatementVote> ListStatementVotes(db::Connection& db, int64_t conversation_id,
                                                    int64_t after_id) {
  std::vector<StoredStatementVote> out;
  for (const db::Row& r :
       db.Query("SELECT id, person_id, statement_id, vote, voted_at FROM statement_votes WHERE "
                "conversation_id = $1 AND id > $2 ORDER BY id",
                {conversation_id, after_id})) {
    out.push_back({r.Int(0), r.Int(1), r.Int(2), static_cast<StatementVote>(r.Int(3)), r.Int(4)});
  }
  return out;
}

std::vector<StoredStatementVote> ListVotesOn(db::Connection& db, int64_t conversation_id,
                                             const std::vector<int64_t>& statement_ids) {
  std::vector<StoredStatementVote> out;
  if (statement_ids.empty()) return out;
  std::string placeholders;
  std::vector<db::Value> params{conversation_id};
  for (int64_t id : statement_ids) {
    params.emplace_back(id);
    placeholders += (placeholders.empty() ? "$" : ", $") + std::to_string(params.size());
  }
  for (const db::Row& r :
       db.Query("SELECT id, person_id, statement_id, vote, voted_at FROM statement_votes WHERE "
                "conversation_id = $1 AND statement_id IN (" +
                    placeholders + ") ORDER BY id",
                params)) {
    out.push_back({r.Int(0), r.Int(1), r.Int(2), static_cast<StatementVote>(r.Int(3)), r.Int(4)});
  }
  return out;
}

std::map<int64_t, StatementVote> VotesOf(db::Connection& db, int64_t conversation_id,
                                         int64_t person_id) {
  std::map<int64_t, StatementVote> out;
  for (const db::Row& r :
       db.Query("SELECT statement_id, vote FROM statement_votes WHERE conversation_id = $1 AND "
                "person_id = $2",
                {conversation_id, person_id})) {
    out.emplace(r.Int(0), static_cast<StatementVote>(r.Int(1)));
  }
  return out;
}

std::map<int64_t, Sector> SectorsOf(db::Connection& db, int64_t partnership_id,
                                    const std::vector<int64_t>& person_ids) {
  std::map<int64_t, Sector> out;
  for (int64_t id : person_ids) out.emplace(id, Sector::kCommunity);
  std::set<int64_t> placed;
  for (const db::Row& r : db.Query(
           "SELECT r.person_id, o.sector FROM representations r JOIN organisations o ON o.id = "
           "r.organisation_id WHERE o.partnership_id = $1 AND o.archived_at IS NULL AND "
           "(r.ends_on IS NULL OR r.ends_on = '') ORDER BY r.person_id, o.name, o.id",
           {partnership_id})) {
    const int64_t person = r.Int(0);
    const auto it = out.find(person);
    if (it == out.end() || !placed.insert(person).second) continue;
    it->second = SectorFromString(r.Text(1)).value_or(Sector::kCommunity);
  }
  return out;
}

}  // namespace coproduce::domain
