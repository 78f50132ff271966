// People in a partnership, their roles, and representations: which person speaks for which
// organisation, in what role, from when to when.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"

namespace coproduce::domain {

struct Person final {
  int64_t id = 0;
  std::string email;
  std::string full_name;
  Role role = Role::kMember;  // in the partnership it was listed for
  bool archived = false;
};

struct Representation final {
  int64_t id = 0;
  int64_t person_id = 0;
  std::string person_name;
  int64_t organisation_id = 0;
  std::string organisation_name;
  Sector sector = Sector::kThird;
  std::string role;       // "Chief Officer"
  std::string starts_on;  // YYYY-MM-DD
  std::string ends_on;    // "" while current
};

std::optional<Person> FindPerson(db::Connection& db, int64_t partnership_id, int64_t id);
// Members of a partnership (active ones, and archived ones when asked), by name.
std::vector<Person> ListPeople(db::Connection& db, int64_t partnership_id, bool include_archived);
// Changes a person's name and role in the partnership. An admin cannot remove the last admin.
Outcome UpdatePerson(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                     int64_t id, const std::string& full_name, const std::string& role);
// Archives the person: they can no longer sign in; their past contributions stay.
Outcome ArchivePerson(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                      int64_t id);

// Adds a representation; dates are YYYY-MM-DD, ends_on may be empty.
Outcome AddRepresentation(db::Connection& db, int64_t now, const Actor& actor,
                          int64_t partnership_id, int64_t person_id,
                          const std::string& organisation_id, const std::string& role,
                          const std::string& starts_on, const std::string& ends_on);
// Every representation in the partnership, current ones first, by organisation.
std::vector<Representation> ListDirectory(db::Connection& db, int64_t partnership_id);
std::vector<Representation> ListRepresentationsOf(db::Connection& db, int64_t partnership_id,
                                                  int64_t person_id);

// True for a real calendar date written YYYY-MM-DD.
bool IsIsoDate(std::string_view s);

}  // namespace coproduce::domain
