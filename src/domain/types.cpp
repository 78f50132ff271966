#include "domain/types.hpp"

namespace coproduce::domain {

std::optional<Sector> SectorFromString(std::string_view s) {
  for (Sector sector : kSectors) {
    if (ToString(sector) == s) return sector;
  }
  return std::nullopt;
}

std::string_view ToString(Sector s) {
  switch (s) {
    case Sector::kThird:
      return "third";
    case Sector::kStatutory:
      return "statutory";
    case Sector::kCommunity:
      return "community";
    case Sector::kPrivate:
      return "private";
  }
  return "third";
}

std::string_view SectorLabel(Sector s) {
  switch (s) {
    case Sector::kThird:
      return "Third sector";
    case Sector::kStatutory:
      return "Statutory";
    case Sector::kCommunity:
      return "Community";
    case Sector::kPrivate:
      return "Private";
  }
  return "Third sector";
}

std::optional<Role> RoleFromString(std::string_view s) {
  for (Role role : kRoles) {
    if (ToString(role) == s) return role;
  }
  return std::nullopt;
}

std::string_view ToString(Role r) {
  switch (r) {
    case Role::kMember:
      return "member";
    case Role::kFacilitator:
      return "facilitator";
    case Role::kAdmin:
      return "admin";
  }
  return "member";
}

std::string_view RoleLabel(Role r) {
  switch (r) {
    case Role::kMember:
      return "Member";
    case Role::kFacilitator:
      return "Facilitator";
    case Role::kAdmin:
      return "Admin";
  }
  return "Member";
}

}  // namespace coproduce::domain
