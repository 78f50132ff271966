#include "domain/solutions.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "domain/audit.hpp"
#include "domain/forums.hpp"
#include "domain/issues.hpp"
#include "domain/people.hpp"
#include "domain/permissions.hpp"
#include "domain/validation.hpp"

namespace coproduce::domain {
namespace {

constexpr int64_t kMaxPence = 100'000'000'000;  // £1,000,000,000

constexpr const char* kSelectSolution =
    "SELECT s.id, s.forum_id, s.title, s.description, COALESCE(s.organisation_id, 0), "
    "COALESCE(o.name, ''), s.cost_pence, s.author_id, p.full_name, s.shortlisted FROM solutions s "
    "JOIN forums f ON f.id = s.forum_id JOIN people p ON p.id = s.author_id LEFT JOIN "
    "organisations o ON o.id = s.organisation_id ";

Solution SolutionFromRow(const db::Row& r) {
  return Solution{r.Int(0),    r.Int(1), r.Text(2), r.Text(3),     r.Int(4), r.Text(5),
                  r.OptInt(6), r.Int(7), r.Text(8), r.Int(9) != 0, {}};
}

// Fills in the issues each solution answers, with one query for all of them. `where` picks
// the solution_issues rows (alias si) of `solutions`, which are in ascending id order.
void AttachIssues(db::Connection& db, std::vector<Solution>& solutions, const std::string& where,
                  const std::vector<db::Value>& params) {
  if (solutions.empty()) return;
  std::size_t at = 0;
  for (const db::Row& r :
       db.Query("SELECT si.solution_id, i.id, i.title FROM solution_issues si JOIN issues i ON "
                "i.id = si.issue_id WHERE " +
                    where + " ORDER BY si.solution_id, i.id",
                params)) {
    while (at < solutions.size() && solutions[at].id < r.Int(0)) ++at;
    if (at == solutions.size()) break;
    if (solutions[at].id == r.Int(0)) solutions[at].issues.emplace_back(r.Int(1), r.Text(2));
  }
}

}  // namespace

std::string FormatPounds(int64_t pence) {
  std::string pounds = std::to_string(pence / 100);
  for (int i = static_cast<int>(pounds.size()) - 3; i > 0; i -= 3) {
    pounds.insert(static_cast<std::size_t>(i), ",");
  }
  const int64_t rest = pence % 100;
  if (rest == 0) return "£" + pounds;
  return "£" + pounds + "." + (rest < 10 ? "0" : "") + std::to_string(rest);
}

std::optional<int64_t> ParsePounds(std::string_view s) {
  std::string text = TrimField(s);
  std::string_view v = text;
  if (v.starts_with("£")) v.remove_prefix(std::string_view("£").size());
  const std::size_t dot = v.find('.');
  std::string_view whole = v.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : v.substr(dot + 1);
  if (whole.empty() ||
      (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 2))) {
    return std::nullopt;
  }
  // Commas only between groups of three digits.
  std::string digits;
  const bool commas = whole.find(',') != std::string_view::npos;
  int group = 0;
  for (std::size_t i = whole.size(); i-- > 0;) {
    const char c = whole[i];
    if (c == ',') {
      if (group != 3 || i == 0) return std::nullopt;
      group = 0;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    digits.insert(digits.begin(), c);
    ++group;
  }
  if (commas && group > 3) return std::nullopt;
  if (digits.size() > 10 || !std::all_of(fraction.begin(), fraction.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return std::nullopt;
  }
  int64_t pence = std::stoll(digits) * 100;
  if (!fraction.empty())
    pence += std::stoll(std::string(fraction)) * (fraction.size() == 1 ? 10 : 1);
  if (pence > kMaxPence) return std::nullopt;
  return pence;
}

std::optional<Solution> FindSolution(db::Connection& db, int64_t partnership_id, int64_t id) {
  const db::Rows rows =
      db.Query(std::string(kSelectSolution) + "WHERE f.partnership_id = $1 AND s.id = $2",
               {partnership_id, id});
  if (rows.empty()) return std::nullopt;
  std::vector<Solution> one{SolutionFromRow(rows[0])};
  AttachIssues(db, one, "si.solution_id = $1", {id});
  return std::move(one.front());
}

std::vector<Solution> ListSolutions(db::Connection& db, int64_t partnership_id, int64_t forum_id) {
  std::vector<Solution> out;
  for (const db::Row& r :
       db.Query(std::string(kSelectSolution) +
                    "WHERE f.partnership_id = $1 AND s.forum_id = $2 ORDER BY s.id",
                {partnership_id, forum_id})) {
    out.push_back(SolutionFromRow(r));
  }
  AttachIssues(db, out, "si.solution_id IN (SELECT id FROM solutions WHERE forum_id = $1)",
               {forum_id});
  return out;
}

Outcome ProposeSolution(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                        int64_t forum_id, const SolutionInput& input) {
  if (!Can(actor, Action::kTakePart) || !actor.signed_in()) return Outcome::Denied();
  db::Transaction tx(db);
  const auto forum = FindForum(db, partnership_id, forum_id);
  if (!forum) return Outcome::NotFound();
  if (forum->phase != Phase::kSolutions) {
    return Outcome::Conflict(
        "Solutions can be proposed only while the forum is in its solutions phase. This forum "
        "is in its \"" +
        std::string(PhaseLabel(forum->phase)) + "\" phase.");
  }
  const std::string title = TrimField(input.title);
  const std::string description = TrimField(input.description);
  FieldErrors errors;
  if (auto e = CheckRequired(title, "a short title for the solution", 150)) {
    errors.push_back({"title", *e});
  }
  if (description.empty()) {
    errors.push_back({"description", "Describe the solution: what would be done, and by whom."});
  } else if (description.size() > 4000) {
    errors.push_back({"description", "Write a description of at most 4,000 characters."});
  }
  int64_t organisation = 0;
  if (const std::string o = TrimField(input.organisation_id); !o.empty()) {
    const auto id = ParseId(o);
    bool represents = false;
    for (const Representation& r : ListRepresentationsOf(db, partnership_id, actor.person_id)) {
      represents = represents || (id && r.organisation_id == *id && r.ends_on.empty());
    }
    if (!represents) {
      errors.push_back({"organisation", "Choose an organisation you represent, or none."});
    } else {
      organisation = *id;
    }
  }
  std::optional<int64_t> cost;
  if (!TrimField(input.cost).empty()) {
    cost = ParsePounds(input.cost);
    if (!cost) {
      errors.push_back(
          {"cost", "Enter the cost in pounds, like 12,500 or 950.50, or leave it empty."});
    }
  }
  std::set<int64_t> issues;
  bool bad_issue = false;
  for (const std::string& raw : input.issue_ids) {
    const auto id = ParseId(TrimField(raw));
    const auto issue = id ? FindIssue(db, partnership_id, *id) : std::nullopt;
    if (!issue || issue->forum_id != forum_id || issue->merged_into != 0 || issue->hidden_reason) {
      bad_issue = true;
      continue;
    }
    issues.insert(*id);
  }
  if (bad_issue || issues.empty()) {
    errors.push_back(
        {"issues", "Choose at least one of the forum's key issues that this answers."});
  }
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));
  const int64_t id =
      db.Query(
            "INSERT INTO solutions (forum_id, title, description, organisation_id, cost_pence, "
            "author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            {forum_id, title, description,
             organisation ? db::Value(organisation) : db::Value(nullptr),
             cost ? db::Value(*cost) : db::Value(nullptr), actor.person_id, now})[0]
          .Int(0);
  std::string issue_list;
  for (int64_t issue : issues) {
    db.Execute("INSERT INTO solution_issues (solution_id, issue_id) VALUES ($1, $2)", {id, issue});
    issue_list += (issue_list.empty() ? "" : ",") + std::to_string(issue);
  }
  RecordAudit(db, now, actor.person_id, partnership_id, "solution", id, "create",
              Diff({}, {{"title", title},
                        {"description", description},
                        {"organisation_id", organisation ? std::to_string(organisation) : ""},
                        {"cost_pence", cost ? std::to_string(*cost) : ""},
                        {"issues", issue_list}}));
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome SetShortlisted(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                       int64_t solution_id, bool shortlisted) {
  if (!Can(actor, Action::kModerate)) return Outcome::Denied();
  db::Transaction tx(db);
  const auto solution = FindSolution(db, partnership_id, solution_id);
  if (!solution) return Outcome::NotFound();
  const auto forum = FindForum(db, partnership_id, solution->forum_id);
  if (!forum) return Outcome::NotFound();
  if (forum->phase != Phase::kSolutions && forum->phase != Phase::kPrioritise) {
    return Outcome::Conflict(
        "The shortlist can be changed only in the solutions and prioritise phases.");
  }
  if (solution->shortlisted == shortlisted) return Outcome::Ok(solution_id);
  db.Execute("UPDATE solutions SET shortlisted = $1 WHERE id = $2",
             {int64_t{shortlisted ? 1 : 0}, solution_id});
  RecordAudit(db, now, actor.person_id, partnership_id, "solution", solution_id,
              shortlisted ? "shortlist" : "unshortlist",
              {{"shortlisted", {shortlisted ? "no" : "yes", shortlisted ? "yes" : "no"}}});
  tx.Commit();
  return Outcome::Ok(solution_id);
}

}  // namespace coproduce::domain
