// Who may do what in a partnership. Every page and every write asks Can() first; the rules
// live here, not in handlers, so they are tested once for every role.
#pragma once

#include <string_view>

#include "domain/types.hpp"

namespace coproduce::domain {

enum class Action {
  kViewPartnership,      // public home page
  kViewOrganisations,    // public list of member organisations
  kManageOrganisations,  // create, edit, archive organisations
  kViewPeople,           // list of people and their roles
  kViewDirectory,        // who represents whom
  kInvitePerson,
  kManagePeople,  // change roles, representations, archive people
  kViewAudit,
  kManageLocalities,
  kViewForums,    // forums, their issues and what they published
  kManageForums,  // start forums, move them between phases, keep the list of themes
  kTakePart,      // raise, support and comment on issues
  kModerate,      // merge duplicate issues, hide abusive content
};

// True when the actor may take the action in the partnership the role belongs to.
// A person who is not a member of the partnership has no role.
bool Can(const Actor& actor, Action action);

}  // namespace coproduce::domain
