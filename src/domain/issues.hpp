// Key issues raised in a forum: supports ("this matters to us too", once per person),
// comments, and a facilitator's moderation (merging duplicates, hiding abusive content with
// a reason the author can see). Issues are raised in the issues phase; supports and
// comments are taken in the issues and solutions phases.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"

namespace coproduce::domain {

struct Issue final {
  int64_t id = 0;
  int64_t forum_id = 0;
  std::string title;
  std::string description;
  int64_t theme_id = 0;  // 0: none
  std::string theme;
  int64_t locality_id = 0;  // 0: none
  std::string locality;
  int64_t author_id = 0;
  std::string author_name;
  int64_t created_at = 0;
  int supports = 0;                          // people, the author included
  int64_t merged_into = 0;                   // 0 unless merged into another issue
  std::optional<std::string> hidden_reason;  // set when a facilitator hid it
};

// What a person typed into the issue form.
struct IssueInput final {
  std::string title;
  std::string description;
  std::string theme_id;     // "" for none
  std::string locality_id;  // "" for none
};

struct Comment final {
  int64_t id = 0;
  int64_t issue_id = 0;
  int64_t author_id = 0;
  std::string author_name;
  std::string body;
  int64_t created_at = 0;
  std::optional<std::string> hidden_reason;
};

std::optional<Issue> FindIssue(db::Connection& db, int64_t partnership_id, int64_t id);
// The forum's issues that were not merged away, most supported first, hidden ones included
// (pages show them only to those CanSeeContent allows).
std::vector<Issue> ListIssues(db::Connection& db, int64_t partnership_id, int64_t forum_id);
// Hidden content is shown to its author (with the reason) and to facilitators only.
bool CanSeeContent(const Actor& actor, int64_t author_id,
                   const std::optional<std::string>& hidden_reason);
bool HasSupported(db::Connection& db, int64_t issue_id, int64_t person_id);
// Oldest first, hidden ones included.
std::vector<Comment> ListComments(db::Connection& db, int64_t issue_id);

// A member raises an issue; its author counts as its first supporter.
Outcome RaiseIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                   int64_t forum_id, const IssueInput& input);
// A member supports an issue. Supporting again changes nothing and is not an error.
Outcome SupportIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                     int64_t issue_id);
Outcome CommentOnIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                       int64_t issue_id, const std::string& body);
// A facilitator merges a duplicate into another issue of the same forum: its supporters
// (author included) support the other issue, and both authors are told by message.
Outcome MergeIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                   int64_t issue_id, int64_t into_id, const std::string& base_url);
// A facilitator hides an issue or a comment, giving a reason that its author will see.
Outcome HideIssue(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                  int64_t issue_id, const std::string& reason);
Outcome HideComment(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                    int64_t comment_id, const std::string& reason);

}  // namespace coproduce::domain
