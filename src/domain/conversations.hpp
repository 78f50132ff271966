// Conversations: opinion maps in the style of Pol.is inside a forum. A facilitator asks a
// question and seeds it with statements; participants answer one statement at a time with
// agree, disagree or pass, and may submit statements of their own, which a moderator
// accepts or rejects before anyone else sees them. The engine (src/opinion) turns the votes
// into groups; this module keeps the rules and the stored votes.
//
// Votes are not secret ballots: each is stored with its person, so that it can be changed
// and the map can place each participant. Pages never show who voted what.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"

namespace coproduce::domain {

enum class StatementStatus { kPending, kAccepted, kRejected };
std::optional<StatementStatus> StatementStatusFromString(std::string_view s);  // "pending" ...
std::string_view ToString(StatementStatus s);

// As stored and as the pages post it: agree = 1, disagree = -1, pass = 0.
enum class StatementVote { kDisagree = -1, kPass = 0, kAgree = 1 };
// "agree", "disagree" or "pass"; nullopt for anything else.
std::optional<StatementVote> StatementVoteFromString(std::string_view s);
std::string_view ToString(StatementVote v);

// Statements are short, as in Pol.is, so that each can be answered at a glance.
inline constexpr std::size_t kMaxStatementLength = 200;

struct Conversation final {
  int64_t id = 0;
  int64_t forum_id = 0;
  std::string question;
  std::string description;
  bool open = true;
  int64_t created_at = 0;
};

struct ConversationInput final {
  std::string question;
  std::string description;
  std::string seeds;  // seed statements, one per line; blank lines are ignored
};

struct Statement final {
  int64_t id = 0;
  int64_t conversation_id = 0;
  std::string body;
  int64_t author_id = 0;  // 0 when unknown
  StatementStatus status = StatementStatus::kPending;
  bool is_meta = false;
  bool seed = false;
  int64_t created_at = 0;
};

// A stored vote, for the engine: `id` increases in the order votes arrived.
struct StoredStatementVote final {
  int64_t id = 0;
  int64_t person_id = 0;
  int64_t statement_id = 0;
  StatementVote vote = StatementVote::kPass;
  int64_t voted_at = 0;
};

std::optional<Conversation> FindConversation(db::Connection& db, int64_t partnership_id,
                                             int64_t id);
// Oldest first.
std::vector<Conversation> ListConversations(db::Connection& db, int64_t partnership_id,
                                            int64_t forum_id);
std::optional<Statement> FindStatement(db::Connection& db, int64_t partnership_id, int64_t id);
// Oldest first; all statuses when `status` is empty.
std::vector<Statement> ListStatements(db::Connection& db, int64_t conversation_id,
                                      std::optional<StatementStatus> status = std::nullopt);

// A facilitator starts a conversation in a forum, open at once, with its seed statements
// accepted. Each seed line is checked like a statement; the first bad one is reported.
Outcome CreateConversation(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, int64_t forum_id,
                           const ConversationInput& input);
// A facilitator adds a seed statement (accepted at once) to an open or closed conversation.
Outcome AddSeedStatement(db::Connection& db, int64_t now, const Actor& actor,
                         int64_t partnership_id, int64_t conversation_id, std::string_view body,
                         bool is_meta);
// A facilitator opens or closes a conversation; a closed one takes no votes or statements.
Outcome SetConversationOpen(db::Connection& db, int64_t now, const Actor& actor,
                            int64_t partnership_id, int64_t conversation_id, bool open);

// A participant submits a statement to an open conversation; it waits for a moderator.
// The same text twice in one conversation is refused with a sentence.
Outcome SubmitStatement(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                        int64_t conversation_id, std::string_view body);
// A moderator accepts or rejects a statement (`decision` as posted: "accept" or "reject").
// An accepted statement may be rejected later (it leaves the map), and the other way round.
Outcome ModerateStatement(db::Connection& db, int64_t now, const Actor& actor,
                          int64_t partnership_id, int64_t statement_id, std::string_view decision);

// A participant answers an accepted statement of an open conversation (`vote` as posted:
// "agree", "disagree" or "pass"). A second answer replaces the first. Not audited: the log
// would say who voted what.
Outcome VoteOnStatement(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                        int64_t statement_id, std::string_view vote);

// The conversation's votes after the one with id `after_id` (0 for all), in the order they
// arrived: what the engine replays.
std::vector<StoredStatementVote> ListStatementVotes(db::Connection& db, int64_t conversation_id,
                                                    int64_t after_id = 0);
// The current votes on some statements of the conversation (none when `statement_ids` is
// empty), for tallies that need only those.
std::vector<StoredStatementVote> ListVotesOn(db::Connection& db, int64_t conversation_id,
                                             const std::vector<int64_t>& statement_ids);
// The person's current votes in the conversation, by statement.
std::map<int64_t, StatementVote> VotesOf(db::Connection& db, int64_t conversation_id,
                                         int64_t person_id);

// The sector each person speaks from, for breakdowns by sector: the sector of the first
// organisation they currently represent (by name), or community for a person who
// represents none (citizens, people with lived experience), as ballots do.
std::map<int64_t, Sector> SectorsOf(db::Connection& db, int64_t partnership_id,
                                    const std::vector<int64_t>& person_ids);

}  // namespace coproduce::domain
