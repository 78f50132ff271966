// Forums: one co-production process in a partnership, moving through phases that a
// facilitator opens in order, skips or reopens. Also the partnership's list of themes that
// key issues are filed under.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"

namespace coproduce::domain {

enum class Phase { kGather, kIssues, kSolutions, kPrioritise, kReport, kFollowUp };
inline constexpr Phase kPhases[] = {Phase::kGather,     Phase::kIssues, Phase::kSolutions,
                                    Phase::kPrioritise, Phase::kReport, Phase::kFollowUp};
std::optional<Phase> PhaseFromString(std::string_view s);  // "gather", ..., "follow-up"
std::string_view ToString(Phase p);
std::string_view PhaseLabel(Phase p);  // "Gathering people", ...
// What happens in the phase, in a sentence for everyone who opens the forum.
std::string_view PhaseDescription(Phase p);
// The phase after `p`, none after follow-up.
std::optional<Phase> NextPhase(Phase p);

struct Forum final {
  int64_t id = 0;
  int64_t partnership_id = 0;
  std::string title;
  std::string summary;
  Phase phase = Phase::kGather;
  int64_t phase_changed_at = 0;
  int64_t created_at = 0;
};

struct ForumInput final {
  std::string title;
  std::string summary;
};

std::optional<Forum> FindForum(db::Connection& db, int64_t partnership_id, int64_t id);
// Newest first.
std::vector<Forum> ListForums(db::Connection& db, int64_t partnership_id);

// A facilitator starts a forum; it opens in the gather phase.
Outcome CreateForum(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                    const ForumInput& input);
// A facilitator moves the forum to any phase: the next one, a later one (skipping) or an
// earlier one (reopening). `phase` is as posted ("issues"); unknown values are invalid.
Outcome SetForumPhase(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                      int64_t forum_id, std::string_view phase);

struct Theme final {
  int64_t id = 0;
  std::string name;
};
// By name.
std::vector<Theme> ListThemes(db::Connection& db, int64_t partnership_id);
// A facilitator adds a theme to the partnership's list.
Outcome AddTheme(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                 const std::string& name);

}  // namespace coproduce::domain
