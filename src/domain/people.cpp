#include "domain/people.hpp"

#include <charconv>

#include "domain/audit.hpp"
#include "domain/organisations.hpp"
#include "domain/permissions.hpp"
#include "domain/validation.hpp"

namespace coproduce::domain {
namespace {

constexpr const char* kSelectPeople =
    "SELECT p.id, p.email, p.full_name, m.role, p.archived_at IS NOT NULL FROM people p "
    "JOIN memberships m ON m.person_id = p.id WHERE m.partnership_id = $1 ";

Person PersonFromRow(const db::Row& r) {
  return {r.Int(0), r.Text(1), r.Text(2), RoleFromString(r.Text(3)).value_or(Role::kMember),
          r.Int(4) != 0};
}

constexpr const char* kSelectRepresentations =
    "SELECT r.id, r.person_id, p.full_name, r.organisation_id, o.name, o.sector, r.role, "
    "r.starts_on, COALESCE(r.ends_on, '') FROM representations r "
    "JOIN people p ON p.id = r.person_id JOIN organisations o ON o.id = r.organisation_id "
    "WHERE o.partnership_id = $1 ";

Representation RepresentationFromRow(const db::Row& r) {
  return {r.Int(0),  r.Int(1),  r.Text(2),
          r.Int(3),  r.Text(4), SectorFromString(r.Text(5)).value_or(Sector::kThird),
          r.Text(6), r.Text(7), r.Text(8)};
}

int CountAdmins(db::Connection& db, int64_t partnership_id) {
  return static_cast<int>(db.Query("SELECT count(*) FROM memberships m JOIN people p ON "
                                   "p.id = m.person_id WHERE m.partnership_id = $1 AND "
                                   "m.role = 'admin' AND p.archived_at IS NULL",
                                   {partnership_id})[0]
                              .Int(0));
}

}  // namespace

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  auto parse = [](std::string_view part, int& out) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && end == part.data() + part.size();
  };
  if (!parse(s.substr(0, 4), y) || !parse(s.substr(5, 2), m) || !parse(s.substr(8, 2), d)) {
    return false;
  }
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::optional<Person> FindPerson(db::Connection& db, int64_t partnership_id, int64_t id) {
  const db::Rows rows =
      db.Query(std::string(kSelectPeople) + "AND p.id = $2", {partnership_id, id});
  if (rows.empty()) return std::nullopt;
  return PersonFromRow(rows[0]);
}

std::vector<Person> ListPeople(db::Connection& db, int64_t partnership_id, bool include_archived) {
  const std::string sql = std::string(kSelectPeople) +
                          (include_archived ? "" : "AND p.archived_at IS NULL ") +
                          "ORDER BY lower(p.full_name), p.id";
  std::vector<Person> out;
  for (const db::Row& r : db.Query(sql, {partnership_id})) out.push_back(PersonFromRow(r));
  return out;
}

Outcome UpdatePerson(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                     int64_t id, const std::string& full_name, const std::string& role) {
  if (!Can(actor, Action::kManagePeople)) return Outcome::Denied();
  db::Transaction tx(db);
  const auto before = FindPerson(db, partnership_id, id);
  if (!before) return Outcome::NotFound();
  FieldErrors errors;
  const std::string name = TrimField(full_name);
  if (auto e = CheckRequired(name, "the person's full name", 200))
    errors.push_back({"full_name", *e});
  const auto new_role = RoleFromString(role);
  if (!new_role) errors.push_back({"role", "Choose a role."});
  if (new_role && before->role == Role::kAdmin && *new_role != Role::kAdmin &&
      CountAdmins(db, partnership_id) <= 1) {
    errors.push_back({"role", "Appoint another admin first: a partnership needs at least one."});
  }
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));
  db.Execute("UPDATE people SET full_name = $1 WHERE id = $2", {name, id});
  db.Execute("UPDATE memberships SET role = $1 WHERE person_id = $2 AND partnership_id = $3",
             {std::string(ToString(*new_role)), id, partnership_id});
  const Changes changes =
      Diff({{"full_name", before->full_name}, {"role", std::string(ToString(before->role))}},
           {{"full_name", name}, {"role", std::string(ToString(*new_role))}});
  if (!changes.empty()) {
    RecordAudit(db, now, actor.person_id, partnership_id, "person", id, "update", changes);
  }
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome ArchivePerson(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                      int64_t id) {
  if (!Can(actor, Action::kManagePeople)) return Outcome::Denied();
  db::Transaction tx(db);
  const auto before = FindPerson(db, partnership_id, id);
  if (!before || before->archived) return Outcome::NotFound();
  if (before->role == Role::kAdmin && CountAdmins(db, partnership_id) <= 1) {
    return Outcome::Invalid(
        {{"person", "Appoint another admin first: a partnership needs at least one."}});
  }
  db.Execute("UPDATE people SET archived_at = $1 WHERE id = $2", {now, id});
  db.Execute("DELETE FROM sessions WHERE person_id = $1", {id});
  RecordAudit(db, now, actor.person_id, partnership_id, "person", id, "archive",
              {{"archived", {"no", "yes"}}});
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome AddRepresentation(db::Connection& db, int64_t now, const Actor& actor,
                          int64_t partnership_id, int64_t person_id,
                          const std::string& organisation_id, const std::string& role,
                          const std::string& starts_on, const std::string& ends_on) {
  if (!Can(actor, Action::kManagePeople)) return Outcome::Denied();
  db::Transaction tx(db);
  if (!FindPerson(db, partnership_id, person_id)) return Outcome::NotFound();
  FieldErrors errors;
  int64_t org_id = 0;
  const auto [end, ec] = std::from_chars(organisation_id.data(),
                                         organisation_id.data() + organisation_id.size(), org_id);
  const bool parsed = ec == std::errc() && end == organisation_id.data() + organisation_id.size();
  const auto organisation = parsed ? FindOrganisation(db, partnership_id, org_id) : std::nullopt;
  if (!organisation || organisation->archived) {
    errors.push_back({"organisation_id", "Choose an organisation from the list."});
  }
  const std::string clean_role = TrimField(role);
  if (auto e = CheckRequired(clean_role, "the person's role in the organisation", 120)) {
    errors.push_back({"role", *e});
  }
  const std::string starts = TrimField(starts_on), ends = TrimField(ends_on);
  if (!IsIsoDate(starts)) {
    errors.push_back({"starts_on", "Enter the start date as year-month-day, like 2026-04-01."});
  }
  if (!ends.empty() && !IsIsoDate(ends)) {
    errors.push_back(
        {"ends_on", "Enter the end date as year-month-day, like 2027-03-31, or leave it empty."});
  } else if (!ends.empty() && IsIsoDate(starts) && ends < starts) {
    errors.push_back({"ends_on", "The end date must be on or after the start date."});
  }
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));
  const db::Rows rows = db.Query(
      "INSERT INTO representations (person_id, organisation_id, role, starts_on, ends_on, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      {person_id, org_id, clean_role, starts, ends.empty() ? db::Value(nullptr) : db::Value(ends),
       now});
  const int64_t id = rows[0].Int(0);
  RecordAudit(db, now, actor.person_id, partnership_id, "representation", id, "create",
              Diff({}, {{"person_id", std::to_string(person_id)},
                        {"organisation", organisation->name},
                        {"role", clean_role},
                        {"starts_on", starts},
                        {"ends_on", ends}}));
  tx.Commit();
  return Outcome::Ok(id);
}

std::vector<Representation> ListDirectory(db::Connection& db, int64_t partnership_id) {
  std::vector<Representation> out;
  for (const db::Row& r :
       db.Query(std::string(kSelectRepresentations) +
                    "AND p.archived_at IS NULL ORDER BY r.ends_on IS NOT NULL, lower(o.name), "
                    "lower(p.full_name), r.id",
                {partnership_id})) {
    out.push_back(RepresentationFromRow(r));
  }
  return out;
}

std::vector<Representation> ListRepresentationsOf(db::Connection& db, int64_t partnership_id,
                                                  int64_t person_id) {
  std::vector<Representation> out;
  for (const db::Row& r : db.Query(std::string(kSelectRepresentations) +
                                       "AND r.person_id = $2 ORDER BY r.starts_on DESC, r.id",
                                   {partnership_id, person_id})) {
    out.push_back(RepresentationFromRow(r));
  }
  return out;
}

}  // namespace coproduce::domain
