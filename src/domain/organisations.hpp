// Member organisations of a partnership: create, edit, archive (never deleted, so that
// past representations, votes and signatures keep their meaning).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"

namespace coproduce::domain {

struct Organisation final {
  int64_t id = 0;
  int64_t partnership_id = 0;
  std::string name;
  Sector sector = Sector::kThird;
  int64_t locality_id = 0;  // 0: none
  std::string locality_name;
  std::string charity_number;  // "" when it has none
  std::string website;
  bool archived = false;
};

// What a person typed into the organisation form, before checking.
struct OrganisationInput final {
  std::string name;
  std::string sector;  // "third", ...
  std::string locality_id;
  std::string charity_number;
  std::string website;
};

// Checks the input against the partnership's localities and existing names (excluding
// the organisation being edited). Field names match the form's.
FieldErrors CheckOrganisation(db::Connection& db, int64_t partnership_id,
                              const OrganisationInput& input, int64_t editing_id);

std::optional<Organisation> FindOrganisation(db::Connection& db, int64_t partnership_id,
                                             int64_t id);
// Active organisations by name; archived ones too when asked.
std::vector<Organisation> ListOrganisations(db::Connection& db, int64_t partnership_id,
                                            bool include_archived);

// How many active organisations each sector has (every sector present, zero included).
std::map<Sector, int> CountOrganisationsBySector(db::Connection& db, int64_t partnership_id);

Outcome CreateOrganisation(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, const OrganisationInput& input);
Outcome UpdateOrganisation(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, int64_t id, const OrganisationInput& input);
Outcome ArchiveOrganisation(db::Connection& db, int64_t now, const Actor& actor,
                            int64_t partnership_id, int64_t id);

}  // namespace coproduce::domain
