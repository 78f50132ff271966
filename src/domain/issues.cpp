#include "domain/issues.hpp"

#include "domain/accounts.hpp"
#include "domain/audit.hpp"
#include "domain/forums.hpp"
#include "domain/permissions.hpp"
#include "domain/validation.hpp"

namespace coproduce::domain {
namespace {

constexpr std::size_t kMaxDescription = 4000;
constexpr std::size_t kMaxComment = 2000;

constexpr const char* kSelectIssue =
    "SELECT i.id, i.forum_id, i.title, i.description, COALESCE(i.theme_id, 0), "
    "COALESCE(t.name, ''), COALESCE(i.locality_id, 0), COALESCE(l.name, ''), i.author_id, "
    "p.full_name, i.created_at, (SELECT count(*) FROM issue_supports s WHERE s.issue_id = i.id), "
    "COALESCE(i.merged_into, 0), i.hidden_reason FROM issues i JOIN forums f ON f.id = "
    "i.forum_id JOIN people p ON p.id = i.author_id LEFT JOIN themes t ON t.id = i.theme_id LEFT "
    "JOIN localities l ON l.id = i.locality_id ";

Issue IssueFromRow(const db::Row& r) {
  return {r.Int(0),  r.Int(1),     r.Text(2), r.Text(3), r.Int(4),  r.Text(5),
          r.Int(6),  r.Text(7),    r.Int(8),  r.Text(9), r.Int(10), static_cast<int>(r.Int(11)),
          r.Int(12), r.OptText(13)};
}

// An optional choice from a list: 0 when none was chosen.
std::optional<int64_t> ParseOptionalId(const std::string& s) {
  if (s.empty()) return 0;
  return ParseId(s);
}

db::Value OptionalId(int64_t id) { return id ? db::Value(id) : db::Value(nullptr); }

// Supports and comments are taken while issues and solutions are being discussed.
bool DiscussionOpen(Phase phase) { return phase == Phase::kIssues || phase == Phase::kSolutions; }

std::optional<Outcome> CheckDiscussionOpen(db::Connection& db, int64_t partnership_id,
                                           const Issue& issue) {
  const auto forum = FindForum(db, partnership_id, issue.forum_id);
  if (!forum) return Outcome::NotFound();
  if (issue.merged_into != 0) {
    return Outcome::Conflict("This issue was merged into another one. Support or comment there.");
  }
  if (issue.hidden_reason) return Outcome::Conflict("This issue was hidden by a facilitator.");
  if (!DiscussionOpen(forum->phase)) {
    return Outcome::Conflict(
        "Supports and comments are closed: the forum is no longer discussing its key issues.");
  }
  return std::nullopt;
}

std::string CheckReason(const std::string& reason) {
  if (TrimField(reason).empty()) return "Give a reason. The author will see it.";
  if (reason.size() > 500) return "Write a reason of at most 500 characters.";
  return "";
}

}  // namespace

std::optional<Issue> FindIssue(db::Connection& db, int64_t partnership_id, int64_t id) {
  const db::Rows rows =
      db.Query(std::string(kSelectIssue) + "WHERE f.partnership_id = $1 AND i.id = $2",
               {partnership_id, id});
  if (rows.empty()) return std::nullopt;
  return IssueFromRow(rows[0]);
}

std::vector<Issue> ListIssues(db::Connection& db, int64_t partnership_id, int64_t forum_id) {
  std::vector<Issue> out;
  for (const db::Row& r :
       db.Query(std::string(kSelectIssue) +
                    "WHERE f.partnership_id = $1 AND i.forum_id = $2 AND i.merged_into IS NULL "
                    "ORDER BY 12 DESC, i.id",
                {partnership_id, forum_id})) {
    out.push_back(IssueFromRow(r));
  }
  return out;
}

bool CanSeeContent(const Actor& actor, int64_t author_id,
                   const std::optional<std::string>& hidden_reason) {
  if (!hidden_reason) return true;
  return (actor.signed_in() && actor.person_id == author_id) || Can(actor, Action::kModerate);
}

bool HasSupported(db::Connection& db, int64_t issue_id, int64_t person_id) {
  return !db.Query("SELECT 1 FROM issue_supports WHERE issue_id = $1 AND person_id = $2",
                   {issue_id, person_id})
              .empty();
}

std::vector<Comment> ListComments(db::Connection& db, int64_t issue_id) {
  std::vector<Comment> out;
  for (const db::Row& r :
       db.Query("SELECT c.id, c.issue_id, c.author_id, p.full_name, c.body, c.created_at, "
                "c.hidden_reason FROM issue_comments c JOIN people p ON p.id = c.author_id WHERE "
                "c.issue_id = $1 ORDER BY c.id",
                {issue_id})) {
    out.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Text(4), r.Int(5), r.OptText(6)});
  }
  return out;
}

Outcome RaiseIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                   int64_t forum_id, const IssueInput& input) {
  if (!Can(actor, Action::kTakePart) || !actor.signed_in()) return Outcome::Denied();
  db::Transaction tx(db);
  const auto forum = FindForum(db, partnership_id, forum_id);
  if (!forum) return Outcome::NotFound();
  if (forum->phase != Phase::kIssues) {
    return Outcome::Conflict(
        "Issues can be raised only while the forum is naming its key issues. This forum is in "
        "its \"" +
        std::string(PhaseLabel(forum->phase)) + "\" phase.");
  }
  const std::string title = TrimField(input.title);
  const std::string description = TrimField(input.description);
  FieldErrors errors;
  if (auto e = CheckRequired(title, "a short title for the issue", 150)) {
    errors.push_back({"title", *e});
  }
  if (description.empty()) {
    errors.push_back({"description", "Describe the issue and who it affects."});
  } else if (description.size() > kMaxDescription) {
    errors.push_back({"description", "Write a description of at most 4,000 characters."});
  }
  const auto theme = ParseOptionalId(TrimField(input.theme_id));
  if (!theme ||
      (*theme != 0 && db.Query("SELECT 1 FROM themes WHERE id = $1 AND partnership_id = $2",
                               {*theme, partnership_id})
                          .empty())) {
    errors.push_back({"theme", "Choose a theme from the list."});
  }
  const auto locality = ParseOptionalId(TrimField(input.locality_id));
  if (!locality ||
      (*locality != 0 && db.Query("SELECT 1 FROM localities WHERE id = $1 AND partnership_id = $2",
                                  {*locality, partnership_id})
                             .empty())) {
    errors.push_back({"locality", "Choose a locality from the list."});
  }
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));
  const int64_t id =
      db.Query(
            "INSERT INTO issues (forum_id, title, description, theme_id, locality_id, author_id, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            {forum_id, title, description, OptionalId(*theme), OptionalId(*locality),
             actor.person_id, now})[0]
          .Int(0);
  db.Execute("INSERT INTO issue_supports (issue_id, person_id, created_at) VALUES ($1, $2, $3)",
             {id, actor.person_id, now});
  RecordAudit(db, now, actor.person_id, partnership_id, "issue", id, "create",
              Diff({}, {{"title", title},
                        {"description", description},
                        {"theme_id", *theme ? std::to_string(*theme) : ""},
                        {"locality_id", *locality ? std::to_string(*locality) : ""}}));
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome SupportIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                     int64_t issue_id) {
  if (!Can(actor, Action::kTakePart) || !actor.signed_in()) return Outcome::Denied();
  db::Transaction tx(db);
  const auto issue = FindIssue(db, partnership_id, issue_id);
  if (!issue) return Outcome::NotFound();
  if (auto closed = CheckDiscussionOpen(db, partnership_id, *issue)) return *closed;
  const int64_t added = db.Execute(
      "INSERT INTO issue_supports (issue_id, person_id, created_at) VALUES ($1, $2, $3) ON "
      "CONFLICT DO NOTHING",
      {issue_id, actor.person_id, now});
  if (added > 0) {
    RecordAudit(db, now, actor.person_id, partnership_id, "issue", issue_id, "support", {});
  }
  tx.Commit();
  return Outcome::Ok(issue_id);
}

Outcome CommentOnIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                       int64_t issue_id, const std::string& body) {
  if (!Can(actor, Action::kTakePart) || !actor.signed_in()) return Outcome::Denied();
  db::Transaction tx(db);
  const auto issue = FindIssue(db, partnership_id, issue_id);
  if (!issue) return Outcome::NotFound();
  if (auto closed = CheckDiscussionOpen(db, partnership_id, *issue)) return *closed;
  const std::string text = TrimField(body);
  if (text.empty()) return Outcome::Invalid({{"body", "Write your comment."}});
  if (text.size() > kMaxComment) {
    return Outcome::Invalid({{"body", "Write a comment of at most 2,000 characters."}});
  }
  const int64_t id = db.Query(
                           "INSERT INTO issue_comments (issue_id, author_id, body, created_at) "
                           "VALUES ($1, $2, $3, $4) RETURNING id",
                           {issue_id, actor.person_id, text, now})[0]
                         .Int(0);
  RecordAudit(db, now, actor.person_id, partnership_id, "comment", id, "create",
              Diff({}, {{"issue_id", std::to_string(issue_id)}, {"body", text}}));
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome MergeIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                   int64_t issue_id, int64_t into_id, const std::string& base_url) {
  if (!Can(actor, Action::kModerate)) return Outcome::Denied();
  db::Transaction tx(db);
  const auto from = FindIssue(db, partnership_id, issue_id);
  if (!from) return Outcome::NotFound();
  if (from->merged_into != 0) {
    return Outcome::Conflict("This issue was already merged into another one.");
  }
  const auto into = FindIssue(db, partnership_id, into_id);
  if (!into || into->id == from->id || into->forum_id != from->forum_id || into->merged_into != 0) {
    return Outcome::Invalid(
        {{"into", "Choose another issue of the same forum to merge this one into."}});
  }
  db.Execute(
      "INSERT INTO issue_supports (issue_id, person_id, created_at) SELECT $1, person_id, "
      "created_at FROM issue_supports WHERE issue_id = $2 ON CONFLICT DO NOTHING",
      {into->id, from->id});
  db.Execute("UPDATE issues SET merged_into = $1 WHERE id = $2", {into->id, from->id});
  RecordAudit(db, now, actor.person_id, partnership_id, "issue", from->id, "merge",
              {{"merged_into", {"", std::to_string(into->id)}}});
  const db::Rows slug = db.Query("SELECT slug FROM partnerships WHERE id = $1", {partnership_id});
  const std::string link =
      base_url + "/p/" + slug[0].Text(0) + "/issues/" + std::to_string(into->id);
  for (const db::Row& r :
       db.Query("SELECT DISTINCT email, full_name FROM people WHERE id IN ($1, $2)",
                {from->author_id, into->author_id})) {
    QueueMessage(db, now, r.Text(0), "Two issues were merged",
                 "Hello " + r.Text(1) + ",\n\nA facilitator found that the issue \"" + from->title +
                     "\" says the same as \"" + into->title +
                     "\", so they merged the first into the second. Everyone who supported "
                     "either now supports \"" +
                     into->title + "\".\n\nSee the issue and its comments:\n" + link + "\n");
  }
  tx.Commit();
  return Outcome::Ok(into->id);
}

Outcome HideIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                  int64_t issue_id, const std::string& reason) {
  if (!Can(actor, Action::kModerate)) return Outcome::Denied();
  if (const std::string e = CheckReason(reason); !e.empty()) {
    return Outcome::Invalid({{"reason", e}});
  }
  db::Transaction tx(db);
  const auto issue = FindIssue(db, partnership_id, issue_id);
  if (!issue) return Outcome::NotFound();
  const std::string text = TrimField(reason);
  db.Execute("UPDATE issues SET hidden_reason = $1, hidden_at = $2 WHERE id = $3",
             {text, now, issue_id});
  RecordAudit(db, now, actor.person_id, partnership_id, "issue", issue_id, "hide",
              {{"hidden_reason", {issue->hidden_reason.value_or(""), text}}});
  tx.Commit();
  return Outcome::Ok(issue_id);
}

Outcome HideComment(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                    int64_t comment_id, const std::string& reason) {
  if (!Can(actor, Action::kModerate)) return Outcome::Denied();
  if (const std::string e = CheckReason(reason); !e.empty()) {
    return Outcome::Invalid({{"reason", e}});
  }
  db::Transaction tx(db);
  const db::Rows rows = db.Query(
      "SELECT c.issue_id FROM issue_comments c JOIN issues i ON i.id = c.issue_id JOIN forums f ON "
      "f.id = i.forum_id WHERE c.id = $1 AND f.partnership_id = $2",
      {comment_id, partnership_id});
  if (rows.empty()) return Outcome::NotFound();
  const std::string text = TrimField(reason);
  db.Execute("UPDATE issue_comments SET hidden_reason = $1, hidden_at = $2 WHERE id = $3",
             {text, now, comment_id});
  RecordAudit(db, now, actor.person_id, partnership_id, "comment", comment_id, "hide",
              {{"hidden_reason", {"", text}}});
  tx.Commit();
  return Outcome::Ok(rows[0].Int(0));
}

}  // namespace coproduce::domain
