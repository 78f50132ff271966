#include "domain/partnerships.hpp"

#include <algorithm>

#include "domain/audit.hpp"
#include "domain/permissions.hpp"
#include "domain/validation.hpp"

namespace coproduce::domain {

std::optional<Partnership> FindPartnership(db::Connection& db, std::string_view slug) {
  const db::Rows rows = db.Query(
      "SELECT id, slug, name, description FROM partnerships WHERE slug = $1", {std::string(slug)});
  if (rows.empty()) return std::nullopt;
  return Partnership{rows[0].Int(0), rows[0].Text(1), rows[0].Text(2), rows[0].Text(3)};
}

std::vector<Partnership> ListPartnerships(db::Connection& db) {
  std::vector<Partnership> out;
  for (const db::Row& r :
       db.Query("SELECT id, slug, name, description FROM partnerships ORDER BY name")) {
    out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3)});
  }
  return out;
}

Outcome CreatePartnership(db::Connection& db, int64_t now, const std::string& slug,
                          const std::string& name, const std::string& description) {
  FieldErrors errors;
  const bool slug_ok =
      !slug.empty() && slug.size() <= 60 && std::all_of(slug.begin(), slug.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
  if (!slug_ok) {
    errors.push_back({"slug", "Enter a short name of lower-case letters, digits and hyphens."});
  }
  if (auto e = CheckRequired(name, "the partnership's name", 200)) errors.push_back({"name", *e});
  if (slug_ok && FindPartnership(db, slug)) {
    errors.push_back({"slug", "A partnership with that short name already exists."});
  }
  if (!errors.empty()) return Outcome::Invalid(errors);
  const db::Rows rows = db.Query(
      "INSERT INTO partnerships (slug, name, description, created_at) VALUES ($1, $2, $3, $4) "
      "RETURNING id",
      {slug, TrimField(name), description, now});
  const int64_t id = rows[0].Int(0);
  RecordAudit(db, now, 0, id, "partnership", id, "create",
              Diff({}, {{"slug", slug}, {"name", TrimField(name)}}));
  return Outcome::Ok(id);
}

std::vector<Locality> ListLocalities(db::Connection& db, int64_t partnership_id) {
  std::vector<Locality> out;
  for (const db::Row& r :
       db.Query("SELECT id, name FROM localities WHERE partnership_id = $1 ORDER BY name",
                {partnership_id})) {
    out.push_back({r.Int(0), r.Text(1)});
  }
  return out;
}

Outcome AddLocality(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                    const std::string& name) {
  if (!Can(actor, Action::kManageLocalities)) return Outcome::Denied();
  const std::string clean = TrimField(name);
  if (auto e = CheckRequired(clean, "the locality's name", 120)) {
    return Outcome::Invalid({{"name", *e}});
  }
  db::Transaction tx(db);
  if (!db.Query("SELECT 1 FROM localities WHERE partnership_id = $1 AND lower(name) = lower($2)",
                {partnership_id, clean})
           .empty()) {
    return Outcome::Invalid({{"name", "That locality is already in the list."}});
  }
  const db::Rows rows =
      db.Query("INSERT INTO localities (partnership_id, name) VALUES ($1, $2) RETURNING id",
               {partnership_id, clean});
  const int64_t id = rows[0].Int(0);
  RecordAudit(db, now, actor.person_id, partnership_id, "locality", id, "create",
              Diff({}, {{"name", clean}}));
  tx.Commit();
  return Outcome::Ok(id);
}

std::optional<Role> FindRole(db::Connection& db, int64_t person_id, int64_t partnership_id) {
  const db::Rows rows = db.Query(
      "SELECT m.role FROM memberships m JOIN people p ON p.id = m.person_id "
      "WHERE m.person_id = $1 AND m.partnership_id = $2 AND p.archived_at IS NULL",
      {person_id, partnership_id});
  if (rows.empty()) return std::nullopt;
  return RoleFromString(rows[0].Text(0));
}

}  // namespace coproduce::domain
