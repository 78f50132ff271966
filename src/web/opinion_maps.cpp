#include "web/opinion_maps.hpp"

#include <algorithm>

#include "domain/conversations.hpp"
#include "domain/votes.hpp"

namespace coproduce::web {
namespace {

// Longer than any transaction that writes a vote takes to commit.
constexpr int64_t kSettleSeconds = 60;

opinion::Vote ToEngine(domain::StatementVote vote) {
  switch (vote) {
    case domain::StatementVote::kAgree:
      return opinion::Vote::kAgree;
    case domain::StatementVote::kDisagree:
      return opinion::Vote::kDisagree;
    case domain::StatementVote::kPass:
      return opinion::Vote::kPass;
  }
  return opinion::Vote::kPass;
}

}  // namespace

std::string ConversationTopic(int64_t conversation_id) {
  return "conversation/" + std::to_string(conversation_id);
}

struct OpinionMaps::Entry final {
  struct Moderation final {
    bool known = false;  // given to the engine with AddComment
    bool out = false;
    bool meta = false;
  };
  std::mutex mutex;  // guards everything below
  opinion::Conversation engine;
  bool updated = false;
  // Votes are read on from `settled`: every vote with an id up to it has been applied. On
  // PostgreSQL ids are handed out before commit, so a vote may become visible after one with
  // a higher id; the ids applied in the last kSettleSeconds are kept and skipped when read
  // again, and only older ones move `settled` on.
  int64_t settled = 0;
  std::map<int64_t, int64_t> recent;  // vote id -> voted_at, applied but not yet settled
  int64_t newest_voted_at = 0;
  int64_t last_vote_id = 0;
  int64_t generation = 0;
  std::map<int64_t, Moderation> statements;
};

OpinionMaps::OpinionMaps() = default;
OpinionMaps::~OpinionMaps() = default;

OpinionMaps::Entry& OpinionMaps::EntryFor(int64_t conversation_id) {
  std::lock_guard lock(mutex_);
  std::unique_ptr<Entry>& entry = entries_[conversation_id];
  if (!entry) entry = std::make_unique<Entry>();
  return *entry;
}

std::string OpinionMaps::SyncLocked(Entry& entry, db::Connection& db, int64_t conversation_id) {
  bool changed = !entry.updated;
  for (const domain::Statement& s : domain::ListStatements(db, conversation_id)) {
    const bool accepted = s.status == domain::StatementStatus::kAccepted;
    Entry::Moderation& m = entry.statements[s.id];
    if (accepted && !m.known) {
      entry.engine.AddComment(s.id);
      m.known = true;
      changed = true;
    }
    if (m.out != !accepted) {
      entry.engine.SetModeratedOut(s.id, !accepted);
      m.out = !accepted;
      changed = true;
    }
    if (m.meta != s.is_meta) {
      entry.engine.SetMeta(s.id, s.is_meta);
      m.meta = s.is_meta;
      changed = true;
    }
  }
  for (const domain::StoredStatementVote& v :
       domain::ListStatementVotes(db, conversation_id, entry.settled)) {
    if (!entry.recent.emplace(v.id, v.voted_at).second) continue;
    entry.engine.AddVote(v.person_id, v.statement_id, ToEngine(v.vote));
    entry.last_vote_id = std::max(entry.last_vote_id, v.id);
    entry.newest_voted_at = std::max(entry.newest_voted_at, v.voted_at);
    changed = true;
  }
  for (auto it = entry.recent.begin(); it != entry.recent.end();) {
    if (it->second >= entry.newest_voted_at - kSettleSeconds) break;
    entry.settled = it->first;
    it = entry.recent.erase(it);
  }
  if (changed) {
    entry.engine.Update();
    entry.updated = true;
    ++entry.generation;
  }
  return std::to_string(entry.last_vote_id) + "." + std::to_string(entry.generation);
}

std::string OpinionMaps::Sync(db::Connection& db, int64_t conversation_id) {
  Entry& entry = EntryFor(conversation_id);
  std::lock_guard lock(entry.mutex);
  return SyncLocked(entry, db, conversation_id);
}

std::vector<int64_t> OpinionMaps::Next(db::Connection& db, int64_t conversation_id,
                                       int64_t person_id, std::size_t limit) {
  Entry& entry = EntryFor(conversation_id);
  std::lock_guard lock(entry.mutex);
  SyncLocked(entry, db, conversation_id);
  return entry.engine.NextComments(person_id, limit);
}

MapReading OpinionMaps::Read(db::Connection& db, int64_t partnership_id, int64_t conversation_id,
                             int64_t viewer, std::size_t next_limit, bool with_sectors) {
  Entry& entry = EntryFor(conversation_id);
  std::lock_guard lock(entry.mutex);
  MapReading reading;
  reading.version = SyncLocked(entry, db, conversation_id);
  reading.map = entry.engine.map();
  if (viewer != 0) {
    reading.viewer_row = entry.engine.RowOf(viewer);
    reading.next = entry.engine.NextComments(viewer, next_limit);
  }
  if (with_sectors) {
    const std::map<int64_t, domain::Sector> sectors =
        domain::SectorsOf(db, partnership_id, reading.map.participants);
    std::map<domain::Sector, int64_t> sizes;
    for (int64_t person : reading.map.participants) {
      const domain::Sector s = sectors.at(person);
      reading.sector_of_row.push_back(s);
      ++sizes[s];
    }
    std::vector<int> group_of;
    for (domain::Sector s : reading.sector_of_row) {
      group_of.push_back(sizes[s] >= domain::kSmallestGroup ? static_cast<int>(s) : -1);
    }
    reading.sectors = entry.engine.DeclaredGroups(group_of);
  }
  return reading;
}

}  // namespace coproduce::web
