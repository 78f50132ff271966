#include "domain/permissions.hpp"

namespace coproduce::domain {
namespace {

// The least role that may take the action; nullopt means anyone, signed in or not.
std::optional<Role> LeastRole(Action action) {
  switch (action) {
    case Action::kViewPartnership:
    case Action::kViewOrganisations:
    case Action::kViewForums:
      return std::nullopt;
    case Action::kViewPeople:
    case Action::kViewDirectory:
    case Action::kTakePart:
      return Role::kMember;
    case Action::kManageOrganisations:
    case Action::kManageForums:
    case Action::kModerate:
      return Role::kFacilitator;
    case Action::kInvitePerson:
    case Action::kManagePeople:
    case Action::kViewAudit:
    case Action::kManageLocalities:
      return Role::kAdmin;
  }
  return Role::kAdmin;
}

}  // namespace

bool Can(const Actor& actor, Action action) {
  const std::optional<Role> least = LeastRole(action);
  if (!least || actor.system) return true;
  if (!actor.signed_in() || !actor.role) return false;
  return static_cast<int>(*actor.role) >= static_cast<int>(*least);
}

}  // namespace coproduce::domain
