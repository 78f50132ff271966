// Solutions: proposed responses to one or more key issues of a forum, each with the
// organisation that proposes it (or none) and an optional cost. A facilitator shortlists the
// ones that go to the vote. Proposed in the solutions phase.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"

namespace coproduce::domain {

struct Solution final {
  int64_t id = 0;
  int64_t forum_id = 0;
  std::string title;
  std::string description;
  int64_t organisation_id = 0;  // 0: proposed by a person for themselves
  std::string organisation;
  std::optional<int64_t> cost_pence;
  int64_t author_id = 0;
  std::string author_name;
  bool shortlisted = false;
  std::vector<std::pair<int64_t, std::string>> issues;  // id and title of each issue it answers
};

struct SolutionInput final {
  std::string title;
  std::string description;
  std::string organisation_id;         // "" for none
  std::string cost;                    // "" for none; "12,500" or "£950.50"
  std::vector<std::string> issue_ids;  // at least one
};

// "£12,500.50" for 1250050 pence; whole pounds without pence ("£950").
std::string FormatPounds(int64_t pence);
// Pence from what a person typed: optional "£", digits with optional thousands commas,
// optional 1 or 2 decimals. Nothing for anything else or more than £1,000,000,000.
std::optional<int64_t> ParsePounds(std::string_view s);

std::optional<Solution> FindSolution(db::Connection& db, int64_t partnership_id, int64_t id);
// In the order proposed.
std::vector<Solution> ListSolutions(db::Connection& db, int64_t partnership_id, int64_t forum_id);

Outcome ProposeSolution(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                        int64_t forum_id, const SolutionInput& input);
// A facilitator puts a solution on the shortlist for the vote, or takes it off, while the
// forum is in its solutions or prioritise phase.
Outcome SetShortlisted(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                       int64_t solution_id, bool shortlisted);

}  // namespace coproduce::domain
