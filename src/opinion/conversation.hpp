// The opinion map: a conversation's votes on short statements (agree, disagree, pass) in,
// a map of opinion groups out. Follows ../shared/specs/opinion-map.md (the Pol.is math,
// steps 1-14), then adds the same statistics for declared groups such as sectors.
//
// No HTTP, no SQL, no files (see polis_export.hpp for the reader). Deterministic: the
// random start of the first PCA and the mini-batch samples come from Options::seed.
// A Conversation is not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace coproduce::opinion {

using Id = int64_t;

// The sign used inside the math (spec "Encoding"): agree is -1. Polis's CSV exports and
// coproduce's pages use the opposite sign for agree/disagree; convert at the edges.
enum class Vote : int8_t { kAgree = -1, kPass = 0, kDisagree = 1 };

struct Options final {
  int n_comps = 2;
  int pca_iters = 100;
  int base_k = 100;
  int base_iters = 100;
  int max_k = 5;
  int group_iters = 20;  // spec step 6: the effective limit is kmeans's default
  int group_k_buffer = 4;
  int max_participants = 100000;
  int max_comments = 10000;
  int min_in_conv = 15;  // "greedy-n"
  uint64_t seed = 1;
  // PCA is power iteration on X'X. Up to gram_max_columns comments, X'X comes from pair
  // sums kept up to date vote by vote, so its cost does not grow with the participants;
  // beyond, each iteration passes over the votes.
  int gram_max_columns = 2000;
  // Polis switches to mini-batch PCA past `large_conversation` participants (spec step 3),
  // an approximation it needs for speed. We compute the exact components at every size
  // unless this asks for Polis's behaviour.
  bool polis_mini_batch = false;
  int large_conversation = 10000;
};

// One comment's standing in one group (spec step 9), and whether it represents the group.
struct Representative final {
  Id comment = 0;
  bool agree = true;  // repful-for: agree or disagree
  int64_t n_success = 0;
  int64_t n_trials = 0;
  double p_success = 0;
  double p_test = 0;
  double repness = 0;
  double repness_test = 0;
  bool best_agree = false;
};

struct Group final {
  int id = 0;
  std::vector<int> members;  // participant rows
  std::vector<Representative> representative;
  // The group's own opinion groups (spec step 8): steps 6-7 on its base clusters, with
  // representative comments against the rest of the group. Empty inside a subgroup.
  std::vector<Group> subgroups;
};

struct CommentResult final {
  Id id = 0;
  int64_t agrees = 0;
  int64_t disagrees = 0;
  int64_t passes = 0;
  double extremity = 0;
  double priority = 0;
  double group_informed_consensus = 0;
};

struct Consensus final {
  struct Entry final {
    Id comment = 0;
    double p = 0;       // pa (or pd)
    double p_test = 0;  // pat (or pdt)
  };
  std::vector<Entry> agree;
  std::vector<Entry> disagree;
};

// The outcome of an update. Participants are listed in matrix row order (order of first vote).
struct Map final {
  std::vector<Id> participants;
  std::vector<std::array<double, 2>> positions;
  std::vector<bool> in_conversation;
  std::vector<int> group;  // group id per participant, -1 when not placed in a group
  std::vector<Group> groups;
  std::vector<CommentResult> comments;  // matrix column order
  Consensus consensus;
  int k = 0;          // the smoothed number of groups in use
  int64_t votes = 0;  // cells voted in the raw matrix
};

// Declared groups (sectors...) given by the caller: the same statistics as for opinion groups.
struct DeclaredGroupsReport final {
  struct Entry final {
    int id = 0;
    int64_t size = 0;  // participants in the group who voted
    std::vector<Representative> representative;
  };
  std::vector<Entry> groups;
  // group-informed consensus over the declared groups, per comment (Map::comments order)
  std::vector<double> group_informed_consensus;
  // Comments that every declared group agrees with (pa > 0.5 and pat > 1.2816 in each
  // group), or disagrees with, best first by group-informed consensus.
  std::vector<Id> agreed_by_all;
  std::vector<Id> disagreed_by_all;
};

class Conversation final {
 public:
  explicit Conversation(Options options = {});
  ~Conversation();
  Conversation(Conversation&&) noexcept;
  Conversation& operator=(Conversation&&) noexcept;

  // Records a vote; a later vote on the same cell replaces the earlier one. Rows and columns
  // appear in order of first vote. Past the caps, votes from new participants or on new
  // comments are dropped and false is returned.
  bool AddVote(Id participant, Id comment, Vote vote);
  // Makes a comment known before anyone votes on it, so that NextComments offers it. It
  // joins the vote matrix only with its first vote, as in Polis.
  void AddComment(Id comment);
  // Moderated out (or meta) comments count as passes for everyone (spec "Encoding").
  // May be called before the comment has any vote.
  void SetModeratedOut(Id comment, bool moderated_out);
  void SetMeta(Id comment, bool meta);

  // Steps 1-13, warm-started from the previous update (spec step 14).
  const Map& Update();
  // The same from a cold start: the state of earlier updates is forgotten.
  const Map& Recompute();
  const Map& map() const;

  // The statistics of spec steps 9-12 for groups the caller declares. `group_of` gives a
  // group id (>= 0) per participant row, -1 for none.
  DeclaredGroupsReport DeclaredGroups(const std::vector<int>& group_of) const;

  // The participant row of an id, or nullopt when that participant has not voted.
  std::optional<int> RowOf(Id participant) const;
  // The comments a participant may be shown next, best first by priority: not yet voted
  // by them, not moderated out. Uses the priorities of the last update.
  std::vector<Id> NextComments(Id participant, std::size_t limit) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Adjusted Rand index of two labellings of the same items (-1 labels are left out).
double AdjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace coproduce::opinion
