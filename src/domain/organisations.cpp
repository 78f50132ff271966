#include "domain/organisations.hpp"

#include "domain/audit.hpp"
#include "domain/partnerships.hpp"
#include "domain/permissions.hpp"
#include "domain/validation.hpp"

namespace coproduce::domain {
namespace {

constexpr const char* kSelect =
    "SELECT o.id, o.partnership_id, o.name, o.sector, COALESCE(o.locality_id, 0), "
    "COALESCE(l.name, ''), COALESCE(o.charity_number, ''), COALESCE(o.website, ''), "
    "o.archived_at IS NOT NULL FROM organisations o LEFT JOIN localities l ON l.id = "
    "o.locality_id ";

Organisation FromRow(const db::Row& r) {
  return {r.Int(0),     r.Int(1),  r.Text(2), SectorFromString(r.Text(3)).value_or(Sector::kThird),
          r.Int(4),     r.Text(5), r.Text(6), r.Text(7),
          r.Int(8) != 0};
}

// The stored form of the input: trimmed, normalised, "" for absent optional fields.
std::map<std::string, std::string> Clean(const OrganisationInput& in) {
  const std::string charity = TrimField(in.charity_number);
  return {{"name", TrimField(in.name)},
          {"sector", TrimField(in.sector)},
          {"locality_id", TrimField(in.locality_id)},
          {"charity_number", charity.empty() ? "" : NormaliseCharityNumber(charity)},
          {"website", TrimField(in.website)}};
}

std::map<std::string, std::string> Stored(const Organisation& o) {
  return {{"name", o.name},
          {"sector", std::string(ToString(o.sector))},
          {"locality_id", o.locality_id ? std::to_string(o.locality_id) : ""},
          {"charity_number", o.charity_number},
          {"website", o.website}};
}

db::Value OptionalText(const std::string& s) {
  return s.empty() ? db::Value(nullptr) : db::Value(s);
}

}  // namespace

FieldErrors CheckOrganisation(db::Connection& db, int64_t partnership_id,
                              const OrganisationInput& input, int64_t editing_id) {
  FieldErrors errors;
  const auto clean = Clean(input);
  if (auto e = CheckRequired(clean.at("name"), "the organisation's name", 200)) {
    errors.push_back({"name", *e});
  } else {
    const db::Rows same = db.Query(
        "SELECT id FROM organisations WHERE partnership_id = $1 AND lower(name) = lower($2) AND id "
        "<> $3",
        {partnership_id, clean.at("name"), editing_id});
    if (!same.empty()) {
      errors.push_back({"name", "An organisation with that name is already in this partnership."});
    }
  }
  if (!SectorFromString(clean.at("sector"))) {
    errors.push_back({"sector", "Choose the organisation's sector."});
  }
  if (!clean.at("locality_id").empty()) {
    const auto locality = ParseId(clean.at("locality_id"));
    const auto localities = ListLocalities(db, partnership_id);
    bool found = false;
    for (const Locality& l : localities) found = found || (locality && l.id == *locality);
    if (!found) errors.push_back({"locality", "Choose a locality from the list."});
  }
  if (!clean.at("charity_number").empty()) {
    if (auto e = CheckCharityNumber(clean.at("charity_number"))) {
      errors.push_back({"charity_number", *e});
    }
  }
  if (!clean.at("website").empty()) {
    if (auto e = CheckWebsite(clean.at("website"))) errors.push_back({"website", *e});
  }
  return errors;
}

std::optional<Organisation> FindOrganisation(db::Connection& db, int64_t partnership_id,
                                             int64_t id) {
  const db::Rows rows = db.Query(std::string(kSelect) + "WHERE o.partnership_id = $1 AND o.id = $2",
                                 {partnership_id, id});
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

std::vector<Organisation> ListOrganisations(db::Connection& db, int64_t partnership_id,
                                            bool include_archived) {
  const std::string sql = std::string(kSelect) + "WHERE o.partnership_id = $1 " +
                          (include_archived ? "" : "AND o.archived_at IS NULL ") +
                          "ORDER BY lower(o.name), o.id";
  std::vector<Organisation> out;
  for (const db::Row& r : db.Query(sql, {partnership_id})) out.push_back(FromRow(r));
  return out;
}

std::map<Sector, int> CountOrganisationsBySector(db::Connection& db, int64_t partnership_id) {
  std::map<Sector, int> counts;
  for (Sector s : kSectors) counts[s] = 0;
  for (const db::Row& r :
       db.Query("SELECT sector, count(*) FROM organisations WHERE partnership_id = "
                "$1 AND archived_at IS NULL GROUP BY sector",
                {partnership_id})) {
    if (auto sector = SectorFromString(r.Text(0))) counts[*sector] = static_cast<int>(r.Int(1));
  }
  return counts;
}

Outcome CreateOrganisation(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, const OrganisationInput& input) {
  if (!Can(actor, Action::kManageOrganisations)) return Outcome::Denied();
  db::Transaction tx(db);
  FieldErrors errors = CheckOrganisation(db, partnership_id, input, 0);
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));
  const auto c = Clean(input);
  const db::Rows rows = db.Query(
      "INSERT INTO organisations (partnership_id, name, sector, locality_id, charity_number, "
      "website, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {partnership_id, c.at("name"), c.at("sector"),
       c.at("locality_id").empty() ? db::Value(nullptr) : db::Value(*ParseId(c.at("locality_id"))),
       OptionalText(c.at("charity_number")), OptionalText(c.at("website")), now});
  const int64_t id = rows[0].Int(0);
  RecordAudit(db, now, actor.person_id, partnership_id, "organisation", id, "create", Diff({}, c));
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome UpdateOrganisation(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, int64_t id, const OrganisationInput& input) {
  if (!Can(actor, Action::kManageOrganisations)) return Outcome::Denied();
  db::Transaction tx(db);
  const auto before = FindOrganisation(db, partnership_id, id);
  // An archived organisation is read-only: a form left open in another tab must not change it.
  if (!before || before->archived) return Outcome::NotFound();
  FieldErrors errors = CheckOrganisation(db, partnership_id, input, id);
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));
  const auto c = Clean(input);
  db.Execute(
      "UPDATE organisations SET name = $1, sector = $2, locality_id = $3, charity_number = $4, "
      "website = $5 WHERE id = $6 AND partnership_id = $7",
      {c.at("name"), c.at("sector"),
       c.at("locality_id").empty() ? db::Value(nullptr) : db::Value(*ParseId(c.at("locality_id"))),
       OptionalText(c.at("charity_number")), OptionalText(c.at("website")), id, partnership_id});
  const Changes changes = Diff(Stored(*before), c);
  if (!changes.empty()) {
    RecordAudit(db, now, actor.person_id, partnership_id, "organisation", id, "update", changes);
  }
  tx.Commit();
  return Outcome::Ok(id);
}

Outcome ArchiveOrganisation(db::Connection& db, int64_t now, const Actor& actor,
                            int64_t partnership_id, int64_t id) {
  if (!Can(actor, Action::kManageOrganisations)) return Outcome::Denied();
  db::Transaction tx(db);
  const int64_t changed = db.Execute(
      "UPDATE organisations SET archived_at = $1 WHERE id = $2 AND partnership_id = $3 AND "
      "archived_at IS NULL",
      {now, id, partnership_id});
  if (changed == 0) return Outcome::NotFound();
  RecordAudit(db, now, actor.person_id, partnership_id, "organisation", id, "archive",
              {{"archived", {"no", "yes"}}});
  tx.Commit();
  return Outcome::Ok(id);
}

}  // namespace coproduce::domain
