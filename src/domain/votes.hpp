// Prioritisation votes: a facilitator puts a forum's shortlisted solutions to a vote with any
// method of the counting engine; members cast secret ballots, may change them until the
// close, and keep a receipt code; facilitators enter paper ballots; anyone can count the
// result and download the anonymised ballots once the vote has closed.
//
// Secrecy: who voted and what was voted are separate tables with no common column. A
// ballot's slot is KeyedHash(ballot_secret, vote and voter), the ballot secret being kept
// outside the database (see migrations/0004_votes.sql). Repeating the same ballot changes
// nothing and gives the same receipt; a different ballot replaces the earlier one.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"
#include "tally/election.hpp"

namespace coproduce::domain {

// How a ballot is filled in, which follows from the method.
enum class BallotKind {
  kChooseOne,  // one option
  kApproval,   // any number of options
  kRanked,     // options numbered 1, 2, 3...; unnumbered ones come last
  kDots,       // a number of dots spread over the options
  kScores,     // a score from 0 to max_score for each option
  kGrades,     // a grade from "Reject" to "Excellent" for each option
};

struct VoteMethod final {
  std::string_view name;   // the engine's name: "schulze", "pb-mes", ...
  std::string_view label;  // "Schulze (rank the options)"
  BallotKind kind;
  std::string_view explanation;  // how the count works, in plain English
  bool budgeting = false;        // the options have costs and a budget
  bool ties_allowed = false;     // ranked: may two options share a number?
};
std::span<const VoteMethod> VoteMethods();
const VoteMethod* FindVoteMethod(std::string_view name);
// The grade names of majority judgment, worst first (index = grade).
std::span<const std::string_view> GradeNames();

struct VoteOption final {
  int position = 0;  // 0-based; the engine's candidate or project index
  int64_t solution_id = 0;
  std::string title;
  std::optional<int64_t> cost_pence;
};

struct Vote final {
  int64_t id = 0;
  int64_t forum_id = 0;
  std::string title;
  std::string method;
  int seats = 1;
  int64_t dots = 0;
  int64_t max_score = 0;
  std::optional<int64_t> budget_pence;
  std::string eligibility;           // "members", "organisations" or "sessions"
  std::vector<int64_t> session_ids;  // for "sessions": those registered for any of these
  std::string weighting;             // "person", "organisation" or "sector"
  int64_t opens_at = 0;
  int64_t closes_at = 0;
  bool live_results = false;
  uint64_t lot_seed = 0;
  std::vector<VoteOption> options;

  bool IsOpen(int64_t now) const { return now >= opens_at && now < closes_at; }
  bool IsClosed(int64_t now) const { return now >= closes_at; }
  const VoteMethod& Method() const;
};

// What a facilitator typed into the vote form. Times are UK local time, "2027-03-01T18:00"
// (what <input type="datetime-local"> sends).
struct VoteInput final {
  std::string title;
  std::string method;
  std::string seats;      // "" for 1
  std::string dots;       // dot voting
  std::string max_score;  // score voting
  std::string budget;     // budgeting methods, pounds
  std::string eligibility;
  std::string weighting;
  std::string opens_at;
  std::string closes_at;
  bool live_results = false;
  std::vector<std::string> session_ids;  // eligibility "sessions"
};

// UK local time (GMT, or BST from the last Sunday of March to the last Sunday of October,
// changing at 01:00 UTC) to and from Unix seconds.
std::optional<int64_t> ParseUkTime(std::string_view datetime_local);
std::string FormatUkTime(int64_t unix_seconds);       // "2027-03-01 18:00"
std::string FormatUkTimeInput(int64_t unix_seconds);  // "2027-03-01T18:00"

std::optional<Vote> FindVote(db::Connection& db, int64_t partnership_id, int64_t id);
std::vector<Vote> ListVotes(db::Connection& db, int64_t partnership_id, int64_t forum_id);

// A facilitator sets up a vote on the forum's shortlisted solutions (at least two) while it
// is in its prioritise phase. `lot_seed` decides ties the rules leave to chance.
Outcome CreateVote(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                   int64_t forum_id, const VoteInput& input, uint64_t lot_seed);

// The organisations a person may vote for or on behalf of: their current representations.
struct VoterStanding final {
  int64_t organisation_id = 0;
  std::string organisation;
  Sector sector = Sector::kCommunity;
  int64_t locality_id = 0;
};
std::vector<VoterStanding> StandingsOf(db::Connection& db, int64_t partnership_id,
                                       int64_t person_id);

struct CastResult final {
  Outcome outcome;
  std::string receipt;    // for kOk: the code the voter keeps
  bool replaced = false;  // an earlier, different ballot of this voter was replaced
};

// A member casts (or changes) their ballot. `fields` is the ballot form: for each option
// position p the field "o<p>" (choose-one: "choice" = p; approval: "o<p>" = "yes"; ranked:
// "o<p>" = its number or ""; dots, scores, grades: a number). `organisation_id` says on
// whose behalf when the voter represents several organisations (0 otherwise).
CastResult CastBallot(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                      int64_t vote_id, const std::multimap<std::string, std::string>& fields,
                      int64_t organisation_id, std::string_view ballot_secret);

// A facilitator enters a paper ballot for a hybrid forum, with the voter's sector (and
// locality id, 0 for none). Each paper is a new ballot.
CastResult EnterPaperBallot(db::Connection& db, int64_t now, const Actor& actor,
                            int64_t partnership_id, int64_t vote_id,
                            const std::multimap<std::string, std::string>& fields,
                            std::string_view sector, int64_t locality_id);

// Whether the person (or, for one-per-organisation votes, an organisation they represent)
// has a ballot in, and their current ballot's content as form fields to pre-fill the form.
bool HasVoted(db::Connection& db, const Vote& vote, int64_t person_id, int64_t organisation_id);
std::multimap<std::string, std::string> CurrentBallot(db::Connection& db, const Vote& vote,
                                                      int64_t person_id, int64_t organisation_id,
                                                      std::string_view ballot_secret);

enum class ReceiptStatus { kIncluded, kReplaced, kUnknown };
ReceiptStatus LookUpReceipt(db::Connection& db, int64_t vote_id, std::string_view receipt);

// The stored ballots of a vote as the engine's input, in a fixed order that does not depend
// on who voted when. Ballot::sector is the sector name, Ballot::organisation the key used
// for per-organisation weighting; locality ids are returned beside them.
struct StoredBallots final {
  tally::Election election;       // ranked and single-winner methods
  tally::BudgetInstance budget;   // budgeting methods
  std::vector<int64_t> locality;  // by ballot
  int64_t voters = 0;
  int64_t paper = 0;
};
StoredBallots LoadBallots(db::Connection& db, const Vote& vote);

// Counts the vote with its method and weighting.
tally::Result CountVote(const Vote& vote, const StoredBallots& ballots);

// What the results chart and the breakdowns show for each option: the same measure for
// every group so that groups can be compared, unweighted. First preferences (ranked),
// choices, ticks, dots, or the average score or grade of those who gave one.
struct Support final {
  std::string measure;         // "First preferences", "Ticks", "Average score", ...
  bool average = false;        // values are averages, not counts
  std::vector<double> values;  // by option
  int64_t voters = 0;          // ballots in the group
};
// Over the ballots for which `include(i)` is true (all when it is empty).
Support SupportFor(const Vote& vote, const StoredBallots& ballots,
                   const std::function<bool(std::size_t)>& include = {});
// Breakdowns show no group of fewer voters than this (UK GDPR: small groups identify people).
inline constexpr int64_t kSmallestGroup = 5;

}  // namespace coproduce::domain
