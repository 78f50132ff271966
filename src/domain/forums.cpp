#include "domain/forums.hpp"

#include "domain/audit.hpp"
#include "domain/permissions.hpp"
#include "domain/validation.hpp"

namespace coproduce::domain {
namespace {

struct PhaseText final {
  Phase phase;
  std::string_view name;
  std::string_view label;
  std::string_view description;
};

constexpr PhaseText kPhaseTexts[] = {
    {Phase::kGather, "gather", "Gathering people",
     "The forum is inviting people and organisations, and sessions are open for sign-up."},
    {Phase::kIssues, "issues", "Key issues",
     "Members are naming the key local issues. Raise one, or support one that matters to you "
     "too."},
    {Phase::kSolutions, "solutions", "Solutions",
     "Members are proposing solutions to the key issues. The facilitator then chooses which "
     "go to the vote."},
    {Phase::kPrioritise, "prioritise", "Prioritising",
     "Members are voting to put the solutions in order of priority."},
    {Phase::kReport, "report", "Report",
     "The vote is over. The results and the report say what the forum decided."},
    {Phase::kFollowUp, "follow-up", "Follow-up",
     "Partners are answering the forum's priorities with the actions they will take."},
};

const PhaseText& TextOf(Phase p) {
  for (const PhaseText& t : kPhaseTexts) {
    if (t.phase == p) return t;
  }
  return kPhaseTexts[0];
}

constexpr const char* kSelectForum =
    "SELECT id, partnership_id, title, summary, phase, phase_changed_at, created_at FROM forums ";

Forum ForumFromRow(const db::Row& r) {
  return {
      r.Int(0), r.Int(1), r.Text(2), r.Text(3), PhaseFromString(r.Text(4)).value_or(Phase::kGather),
      r.Int(5), r.Int(6)};
}

}  // namespace

std::optional<Phase> PhaseFromString(std::string_view s) {
  for (const PhaseText& t : kPhaseTexts) {
    if (t.name == s) return t.phase;
  }
  return std::nullopt;
}

std::string_view ToString(Phase p) { return TextOf(p).name; }
std::string_view PhaseLabel(Phase p) { return TextOf(p).label; }
std::string_view PhaseDescription(Phase p) { return TextOf(p).description; }

std::optional<Phase> NextPhase(Phase p) {
  if (p == Phase::kFollowUp) return std::nullopt;
  return static_cast<Phase>(static_cast<int>(p) + 1);
}

std::optional<Forum> FindForum(db::Connection& db, int64_t partnership_id, int64_t id) {
  const db::Rows rows = db.Query(
      std::string(kSelectForum) + "WHERE partnership_id = $1 AND id = $2", {partnership_id, id});
  if (rows.empty()) return std::nullopt;
  return ForumFromRow(rows[0]);
}

std::vector<Forum> ListForums(db::Connection& db, int64_t partnership_id) {
  std::vector<Forum> out;
  for (const db::Row& r :
       db.Query(std::string(kSelectForum) +
                    "WHERE partnership_id = $1 ORDER BY created_at DESC, id DESC",
                {partnership_id})) {
    out.push_back(ForumFromRow(r));
  }
  return out;
}

Outcome CreateForum(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                    const ForumInput& input) {
  if (!Can(actor, Action::kManageForums)) return Outcome::Denied();
  const std::string title = TrimField(input.title);
  const std::string summary = TrimField(input.summary);
  FieldErrors errors;
  if (auto e = CheckRequired(title, "a title for the forum", 200)) errors.push_back({"title", *e});
  if (summary.size() > 4000) {
    errors.push_back({"summary", "Write a summary of at most 4,000 characters."});
  }
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));
  db::Transaction tx(db);
  const int64_t id =
      db.Query(
            "INSERT INTO forums (partnership_id, title, summary, phase, phase_changed_at, "
            "created_by, created_at) VALUES ($1, $2, $3, 'gather', $4, $5, $4) RETURNING id",
            {partnership_id, title, summary, now,
             actor.person_id ? db::Value(actor.person_id) : db::Value(nullptr)})[0]
          .Int(0);
  RecordAudit(db, now, actor.person_id, partnership_id, "forum", id, "create",
              Diff({}, {{"title", title}, {"summary", summary}, {"phase", "gather"}}));
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome SetForumPhase(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                      int64_t forum_id, std::string_view phase) {
  if (!Can(actor, Action::kManageForums)) return Outcome::Denied();
  const auto target = PhaseFromString(phase);
  if (!target) return Outcome::Invalid({{"phase", "Choose a phase from the list."}});
  db::Transaction tx(db);
  const auto forum = FindForum(db, partnership_id, forum_id);
  if (!forum) return Outcome::NotFound();
  if (forum->phase == *target) return Outcome::Ok(forum_id);  // a repeated form: nothing to do
  db.Execute("UPDATE forums SET phase = $1, phase_changed_at = $2 WHERE id = $3",
             {std::string(ToString(*target)), now, forum_id});
  RecordAudit(db, now, actor.person_id, partnership_id, "forum", forum_id, "phase",
              {{"phase", {std::string(ToString(forum->phase)), std::string(ToString(*target))}}});
  tx.Commit();
  return Outcome::Ok(forum_id);
}

std::vector<Theme> ListThemes(db::Connection& db, int64_t partnership_id) {
  std::vector<Theme> out;
  for (const db::Row& r :
       db.Query("SELECT id, name FROM themes WHERE partnership_id = $1 ORDER BY lower(name), id",
                {partnership_id})) {
    out.push_back({r.Int(0), r.Text(1)});
  }
  return out;
}

Outcome AddTheme(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                 const std::string& name) {
  if (!Can(actor, Action::kManageForums)) return Outcome::Denied();
  const std::string clean = TrimField(name);
  if (auto e = CheckRequired(clean, "the theme's name", 100)) {
    return Outcome::Invalid({{"name", *e}});
  }
  db::Transaction tx(db);
  if (!db.Query("SELECT 1 FROM themes WHERE partnership_id = $1 AND lower(name) = lower($2)",
                {partnership_id, clean})
           .empty()) {
    return Outcome::Invalid({{"name", "That theme is already on the list."}});
  }
  const int64_t id = db.Query(
                           "INSERT INTO themes (partnership_id, name, created_at) VALUES ($1, $2, "
                           "$3) RETURNING id",
                           {partnership_id, clean, now})[0]
                         .Int(0);
  RecordAudit(db, now, actor.person_id, partnership_id, "theme", id, "create",
              Diff({}, {{"name", clean}}));
  tx.Commit();
  return Outcome::Ok(id);
}

}  // namespace coproduce::domain
