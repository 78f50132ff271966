#include "domain/audit.hpp"

#include <nlohmann/json.hpp>

namespace coproduce::domain {

void RecordAudit(db::Connection& db, int64_t now, int64_t person_id, int64_t partnership_id,
                 std::string_view entity, int64_t entity_id, std::string_view action,
                 const Changes& changes) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [field, values] : changes) json[field] = {values.first, values.second};
  db.Execute(
      "INSERT INTO audit_log (at, person_id, partnership_id, entity, entity_id, action, changes) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {now, person_id ? db::Value(person_id) : db::Value(nullptr),
       partnership_id ? db::Value(partnership_id) : db::Value(nullptr), std::string(entity),
       entity_id, std::string(action), json.dump()});
}

Changes Diff(const std::map<std::string, std::string>& before,
             const std::map<std::string, std::string>& after) {
  Changes changes;
  for (const auto& [field, value] : after) {
    const auto it = before.find(field);
    const std::string old = it == before.end() ? "" : it->second;
    if (old != value) changes[field] = {old, value};
  }
  return changes;
}

std::vector<AuditEntry> ListAudit(db::Connection& db, int64_t partnership_id, int limit) {
  const db::Rows rows = db.Query(
      "SELECT a.id, a.at, COALESCE(a.person_id, 0), COALESCE(p.full_name, ''), a.entity, "
      "a.entity_id, a.action, a.changes FROM audit_log a LEFT JOIN people p ON p.id = a.person_id "
      "WHERE a.partnership_id = $1 ORDER BY a.id DESC LIMIT $2",
      {partnership_id, int64_t{limit}});
  std::vector<AuditEntry> out;
  for (const db::Row& r : rows) {
    out.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3), partnership_id, r.Text(4), r.Int(5),
                   r.Text(6), r.Text(7)});
  }
  return out;
}

}  // namespace coproduce::domain
