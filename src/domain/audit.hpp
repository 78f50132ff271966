// The audit log: every write records who, when, which entity and what changed, in the same
// transaction as the write itself.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/connection.hpp"

namespace coproduce::domain {

// field -> (before, after); a created entity has empty "before" values.
using Changes = std::map<std::string, std::pair<std::string, std::string>>;

struct AuditEntry final {
  int64_t id = 0;
  int64_t at = 0;
  int64_t person_id = 0;  // 0: the system (command line, demo seeding)
  std::string person_name;
  int64_t partnership_id = 0;
  std::string entity;  // "organisation", "person", ...
  int64_t entity_id = 0;
  std::string action;  // "create", "update", "archive", ...
  std::string changes_json;
};

void RecordAudit(db::Connection& db, int64_t now, int64_t person_id, int64_t partnership_id,
                 std::string_view entity, int64_t entity_id, std::string_view action,
                 const Changes& changes);
// The fields whose values differ, as Changes.
Changes Diff(const std::map<std::string, std::string>& before,
             const std::map<std::string, std::string>& after);
// Newest first.
std::vector<AuditEntry> ListAudit(db::Connection& db, int64_t partnership_id, int limit);

}  // namespace coproduce::domain
