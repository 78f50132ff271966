// Sessions: the meetings of a forum, in person, online or hybrid, with a capacity. Members
// and the public register (the public with a name and an email address); when a session is
// full, registrations wait in order and the first is given a place automatically when one
// frees up. Access needs and dietary requirements are for facilitators only. Facilitators
// record attendance. Each session has an iCalendar (RFC 5545) file, and each person a
// private calendar feed of the sessions they have a place at.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "store/connection.hpp"

namespace coproduce::domain {

struct ForumSession final {
  int64_t id = 0;
  int64_t forum_id = 0;
  std::string title;
  std::string format;  // "in-person", "online", "hybrid"
  std::string venue;
  std::string meeting_link;
  int64_t starts_at = 0;
  int64_t ends_at = 0;
  int capacity = 0;
  int confirmed = 0;  // places taken
  int waiting = 0;    // on the waiting list
};

struct SessionInput final {
  std::string title;
  std::string format;
  std::string venue;
  std::string meeting_link;
  std::string starts_at;  // UK time, "2027-03-01T18:00"
  std::string ends_at;
  std::string capacity;
};

std::string_view FormatLabel(std::string_view format);  // "In person", "Online", "Hybrid"

std::optional<ForumSession> FindForumSession(db::Connection& db, int64_t partnership_id,
                                             int64_t id);
// Earliest first.
std::vector<ForumSession> ListForumSessions(db::Connection& db, int64_t partnership_id,
                                            int64_t forum_id);
Outcome CreateForumSession(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, int64_t forum_id, const SessionInput& input);

struct Registration final {
  int64_t id = 0;
  int64_t session_id = 0;
  int64_t person_id = 0;  // 0 for the public
  std::string email;
  std::string full_name;
  std::string access_needs;
  std::string dietary;
  std::string status;  // "confirmed", "waiting", "cancelled"
  std::optional<bool> attended;
  int waiting_position = 0;  // 1 for the first on the waiting list
};

struct RegistrationInput final {
  std::string full_name;  // the public only; members are registered as themselves
  std::string email;      // the public only
  std::string access_needs;
  std::string dietary;
};

struct RegisterResult final {
  Outcome outcome;
  std::string status;        // "confirmed" or "waiting"
  std::string cancel_token;  // for the link in the confirmation message; "" if registered before
};

// Registers a member (actor signed in) or a member of the public. Registering again with
// the same email address changes nothing. Sends a confirmation message with a link to cancel.
RegisterResult Register(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                        int64_t session_id, const RegistrationInput& input,
                        const std::string& base_url);
// Cancels a member's own registration, or the one the cancel link's token names; the first
// on the waiting list then gets the place and is told by message.
Outcome CancelRegistration(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, int64_t session_id, const std::string& base_url);
Outcome CancelByToken(db::Connection& db, int64_t now, const std::string& token,
                      const std::string& base_url);
std::optional<Registration> FindRegistrationByToken(db::Connection& db, const std::string& token);

// The person's live registration for the session, if any.
std::optional<Registration> RegistrationOf(db::Connection& db, int64_t session_id,
                                           int64_t person_id);
// Everyone registered, places first then the waiting list in order; facilitators only.
std::optional<std::vector<Registration>> ListRegistrations(db::Connection& db, const Actor& actor,
                                                           int64_t partnership_id,
                                                           int64_t session_id);
// A facilitator records who came: `attended` holds the registration ids present; every
// other confirmed registration is recorded as absent.
Outcome RecordAttendance(db::Connection& db, int64_t now, const Actor& actor,
                         int64_t partnership_id, int64_t session_id,
                         const std::vector<int64_t>& attended);

// RFC 5545: one VEVENT per session (with its partnership's slug, for its link), times in
// UTC, lines folded at 75 octets, CRLF line ends.
std::string SessionsCalendar(const std::vector<std::pair<ForumSession, std::string>>& sessions,
                             const std::string& base_url, const std::string& name);
// The person's feed token, made on first use; the token itself is only returned, the
// database keeps its hash, so a lost address is replaced by making a new one.
std::string NewCalendarFeedToken(db::Connection& db, int64_t now, int64_t person_id);
// The confirmed sessions of the person whose feed token this is, with their partnership
// slugs; nothing for an unknown token.
std::optional<std::vector<std::pair<ForumSession, std::string>>> FeedSessions(
    db::Connection& db, const std::string& token);

}  // namespace coproduce::domain
