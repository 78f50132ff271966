// Partnerships (the top-level spaces of an installation) and their localities.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"

namespace coproduce::domain {

struct Partnership final {
  int64_t id = 0;
  std::string slug;
  std::string name;
  std::string description;
};

struct Locality final {
  int64_t id = 0;
  std::string name;
};

std::optional<Partnership> FindPartnership(db::Connection& db, std::string_view slug);
std::vector<Partnership> ListPartnerships(db::Connection& db);
// For the command line and the demo: no actor, recorded as the system. The slug must be
// lower-case letters, digits and hyphens.
Outcome CreatePartnership(db::Connection& db, int64_t now, const std::string& slug,
                          const std::string& name, const std::string& description);

std::vector<Locality> ListLocalities(db::Connection& db, int64_t partnership_id);
Outcome AddLocality(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                    const std::string& name);

// The role a person holds in a partnership, if they are a member of it.
std::optional<Role> FindRole(db::Connection& db, int64_t person_id, int64_t partnership_id);

}  // namespace coproduce::domain
