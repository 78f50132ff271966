// The opinion map of each conversation, kept in memory by the web app: one engine
// (opinion::Conversation) per conversation, built on first use by replaying the stored votes
// in the order they arrived, then kept up to date by reading on from the last vote it saw
// (which also picks up votes written by other processes). Every call into the engine is in
// opinion_maps.cpp.
//
// Ids: an engine participant is a person id, an engine comment a statement id; our agree
// (1) is opinion::Vote::kAgree.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "opinion/conversation.hpp"
#include "store/connection.hpp"

namespace coproduce::web {

// What a page reads of one conversation's map, copied out so that no lock is held while
// the page renders.
struct MapReading final {
  opinion::Map map;
  std::string version;                        // changes whenever the map may have changed
  std::optional<int> viewer_row;              // the viewer's row in map.participants, if they voted
  std::vector<int64_t> next;                  // statements for the viewer to answer, best first
  std::vector<domain::Sector> sector_of_row;  // by participant row (with_sectors only)
  // With sectors: the engine's statistics for each sector that has at least
  // domain::kSmallestGroup participants (DeclaredGroupsReport ids are indexes into
  // domain::kSectors); smaller sectors are left out, not merged.
  std::optional<opinion::DeclaredGroupsReport> sectors;
};

// The event-stream topic of a conversation's live map and report. Its events carry only the
// map's version: each page then fetches its own fragment, because the map marks the viewer.
std::string ConversationTopic(int64_t conversation_id);

class OpinionMaps final {
 public:
  OpinionMaps();
  ~OpinionMaps();
  OpinionMaps(const OpinionMaps&) = delete;
  OpinionMaps& operator=(const OpinionMaps&) = delete;

  // Brings the conversation's engine up to date with the database (new votes in the order
  // they arrived, moderation changes) and updates the map when anything changed. Returns
  // the version. Thread-safe; the engine runs on the calling thread, which must be a worker
  // thread (a page handler, the live updater), never an I/O thread.
  std::string Sync(db::Connection& db, int64_t conversation_id);

  // Syncs, then the statements the person has not answered yet, best first (at most
  // `limit`); cheaper than Read, which copies the whole map.
  std::vector<int64_t> Next(db::Connection& db, int64_t conversation_id, int64_t person_id,
                            std::size_t limit);

  // Syncs, then reads the map and, for a signed-in viewer (person id, 0 for none), their
  // position and the statements they have not answered yet (at most `next_limit`).
  MapReading Read(db::Connection& db, int64_t partnership_id, int64_t conversation_id,
                  int64_t viewer, std::size_t next_limit, bool with_sectors);

 private:
  struct Entry;
  Entry& EntryFor(int64_t conversation_id);
  // Needs the entry's mutex held.
  static std::string SyncLocked(Entry& entry, db::Connection& db, int64_t conversation_id);

  std::mutex mutex_;  // guards entries_ (the map, not the engines)
  std::map<int64_t, std::unique_ptr<Entry>> entries_;
};

}  // namespace coproduce::web
