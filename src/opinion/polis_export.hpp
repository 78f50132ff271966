// Reads a conversation exported by Pol.is (the CSV files of compdemocracy/openData, described
// in ../shared/data/polis/README.md) and feeds it to a Conversation, all at once or replayed
// in the 2-second batches of Polis's poller.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "opinion/conversation.hpp"
#include "tally/election.hpp"

namespace coproduce::opinion {

struct PolisComment final {
  Id id = 0;
  int64_t timestamp = 0;
  int moderated = 0;  // 1 accepted, 0 unmoderated, -1 moderated out
  bool meta = false;
  std::optional<double> group_informed_consensus;  // newer exports publish it
  std::string body;
};

struct PolisVote final {
  int64_t timestamp = 0;
  Id comment = 0;
  Id participant = 0;
  Vote vote = Vote::kPass;  // converted from the export's sign (1 = agree there)
};

struct PolisParticipant final {
  Id id = 0;
  std::optional<int> group;                // Polis's published group; none when not clustered
  std::vector<std::pair<Id, Vote>> votes;  // in column order
};

struct PolisExport final {
  std::vector<PolisComment> comments;          // empty without comments.csv
  std::vector<PolisVote> votes;                // votes.csv in file order; empty without it
  std::vector<PolisParticipant> participants;  // participants-votes.csv; empty without it
};

// Each reader parses one file's text; `file_name` is only used in errors. Malformed input is
// a ParseError naming the line; they never throw or crash.
std::variant<std::vector<PolisComment>, tally::ParseError> ReadPolisComments(
    std::string_view text, std::string_view file_name);
std::variant<std::vector<PolisVote>, tally::ParseError> ReadPolisVotes(std::string_view text,
                                                                       std::string_view file_name);
std::variant<std::vector<PolisParticipant>, tally::ParseError> ReadPolisParticipants(
    std::string_view text, std::string_view file_name);

// Reads the folder: votes.csv or participants-votes.csv (at least one), comments.csv if there.
std::variant<PolisExport, tally::ParseError> ReadPolisExport(const std::filesystem::path& folder);

// Moderation from comments.csv, then every vote: from votes.csv in time order (a later vote
// on a cell replaces the earlier one), or else participants-votes.csv row by row.
void LoadAll(const PolisExport& data, Conversation& conversation);

// Replays votes.csv in time order in batches of `batch_ms` (Polis polls every 2 s), calling
// Update() after each batch that had votes. Returns the number of updates. Needs votes.
int Replay(const PolisExport& data, Conversation& conversation, int64_t batch_ms = 2000);

}  // namespace coproduce::opinion
