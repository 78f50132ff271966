#include "domain/sessions.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "domain/accounts.hpp"
#include "domain/audit.hpp"
#include "domain/forums.hpp"
#include "domain/permissions.hpp"
#include "domain/security.hpp"
#include "domain/validation.hpp"
#include "domain/votes.hpp"

namespace coproduce::domain {
namespace {

constexpr const char* kSelectSession =
    "SELECT s.id, s.forum_id, s.title, s.format, s.venue, s.meeting_link, s.starts_at, "
    "s.ends_at, s.capacity, (SELECT count(*) FROM session_registrations r WHERE r.session_id = "
    "s.id AND r.status = 'confirmed'), (SELECT count(*) FROM session_registrations r WHERE "
    "r.session_id = s.id AND r.status = 'waiting') FROM forum_sessions s JOIN forums f ON f.id "
    "= s.forum_id ";

ForumSession SessionFromRow(const db::Row& r) {
  return {r.Int(0),
          r.Int(1),
          r.Text(2),
          r.Text(3),
          r.Text(4),
          r.Text(5),
          r.Int(6),
          r.Int(7),
          static_cast<int>(r.Int(8)),
          static_cast<int>(r.Int(9)),
          static_cast<int>(r.Int(10))};
}

constexpr const char* kSelectRegistration =
    "SELECT id, session_id, COALESCE(person_id, 0), email, full_name, access_needs, dietary, "
    "status, attended FROM session_registrations ";

Registration RegistrationFromRow(const db::Row& r) {
  Registration out{r.Int(0),  r.Int(1),  r.Int(2),  r.Text(3),    r.Text(4),
                   r.Text(5), r.Text(6), r.Text(7), std::nullopt, 0};
  if (!r.IsNull(8)) out.attended = r.Int(8) != 0;
  return out;
}

int WaitingPosition(db::Connection& db, const Registration& r) {
  if (r.status != "waiting") return 0;
  return static_cast<int>(
      db.Query("SELECT count(*) FROM session_registrations WHERE session_id = $1 AND status = "
               "'waiting' AND id <= $2",
               {r.session_id, r.id})[0]
          .Int(0));
}

std::string SessionLink(db::Connection& db, const std::string& base_url, int64_t session_id) {
  const db::Rows rows = db.Query(
      "SELECT p.slug FROM forum_sessions s JOIN forums f ON f.id = s.forum_id JOIN partnerships "
      "p ON p.id = f.partnership_id WHERE s.id = $1",
      {session_id});
  return base_url + "/p/" + (rows.empty() ? "" : rows[0].Text(0)) + "/sessions/" +
         std::to_string(session_id);
}

// Gives the freed place to the first on the waiting list, and tells them.
void PromoteFromWaitingList(db::Connection& db, int64_t now, const ForumSession& session,
                            const std::string& base_url) {
  const db::Rows next = db.Query(std::string(kSelectRegistration) +
                                     "WHERE session_id = $1 AND status = 'waiting' ORDER BY id "
                                     "LIMIT 1",
                                 {session.id});
  if (next.empty()) return;
  const Registration r = RegistrationFromRow(next[0]);
  db.Execute("UPDATE session_registrations SET status = 'confirmed' WHERE id = $1", {r.id});
  QueueMessage(db, now, r.email, "You have a place at " + session.title,
               "Hello " + r.full_name + ",\n\nA place has come free at \"" + session.title +
                   "\" on " + FormatUkTime(session.starts_at) +
                   " (UK time), and it is yours.\n\nIf you can no longer come, please cancel so "
                   "that someone else can have the place:\n" +
                   SessionLink(db, base_url, session.id) + "\n");
}

Outcome Cancel(db::Connection& db, int64_t now, const Registration& r, const std::string& base_url,
               int64_t partnership_id, int64_t person_id) {
  if (r.status == "cancelled") return Outcome::Ok(r.id);
  const auto session = FindForumSession(db, partnership_id, r.session_id);
  if (!session) return Outcome::NotFound();
  db.Execute("UPDATE session_registrations SET status = 'cancelled' WHERE id = $1", {r.id});
  if (r.status == "confirmed") PromoteFromWaitingList(db, now, *session, base_url);
  RecordAudit(db, now, person_id, partnership_id, "registration", r.id, "cancel",
              {{"status", {r.status, "cancelled"}}});
  return Outcome::Ok(r.id);
}

// Text for an iCalendar property value: backslash, semicolon, comma and newline escaped.
std::string IcsText(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

// A content line folded at 75 octets (never inside a UTF-8 sequence), ending in CRLF.
void AddLine(std::string& out, const std::string& line) {
  std::size_t start = 0;
  bool first = true;
  while (start < line.size()) {
    std::size_t take = std::min<std::size_t>(first ? 75 : 74, line.size() - start);
    while (start + take < line.size() &&
           (static_cast<unsigned char>(line[start + take]) & 0xC0) == 0x80) {
      --take;
    }
    if (!first) out += ' ';
    out.append(line, start, take).append("\r\n");
    start += take;
    first = false;
  }
  if (line.empty()) out += "\r\n";
}

std::string IcsTime(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[20];
  std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &tm);
  return out;
}

}  // namespace

std::string_view FormatLabel(std::string_view format) {
  if (format == "online") return "Online";
  if (format == "hybrid") return "Hybrid: in person and online";
  return "In person";
}

std::optional<ForumSession> FindForumSession(db::Connection& db, int64_t partnership_id,
                                             int64_t id) {
  const db::Rows rows =
      db.Query(std::string(kSelectSession) + "WHERE f.partnership_id = $1 AND s.id = $2",
               {partnership_id, id});
  if (rows.empty()) return std::nullopt;
  return SessionFromRow(rows[0]);
}

std::vector<ForumSession> ListForumSessions(db::Connection& db, int64_t partnership_id,
                                            int64_t forum_id) {
  std::vector<ForumSession> out;
  for (const db::Row& r : db.Query(std::string(kSelectSession) +
                                       "WHERE f.partnership_id = $1 AND s.forum_id = $2 ORDER BY "
                                       "s.starts_at, s.id",
                                   {partnership_id, forum_id})) {
    out.push_back(SessionFromRow(r));
  }
  return out;
}

Outcome CreateForumSession(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, int64_t forum_id, const SessionInput& input) {
  if (!Can(actor, Action::kManageForums)) return Outcome::Denied();
  db::Transaction tx(db);
  if (!FindForum(db, partnership_id, forum_id)) return Outcome::NotFound();
  FieldErrors errors;
  const std::string title = TrimField(input.title);
  if (auto e = CheckRequired(title, "a title for the session", 150))
    errors.push_back({"title", *e});
  const std::string format = TrimField(input.format);
  if (format != "in-person" && format != "online" && format != "hybrid") {
    errors.push_back({"format", "Choose whether the session is in person, online or hybrid."});
  }
  const std::string venue = TrimField(input.venue);
  const std::string link = TrimField(input.meeting_link);
  if ((format == "in-person" || format == "hybrid") && venue.empty()) {
    errors.push_back({"venue", "Enter where the session takes place."});
  }
  if (venue.size() > 300) errors.push_back({"venue", "Enter a venue of at most 300 characters."});
  if (format == "online" || format == "hybrid") {
    if (link.empty()) {
      errors.push_back({"meeting_link", "Enter the link people use to join online."});
    } else if (auto e = CheckWebsite(link)) {
      errors.push_back({"meeting_link", "Enter the meeting link starting with https://"});
    }
  }
  const auto starts = ParseUkTime(TrimField(input.starts_at));
  const auto ends = ParseUkTime(TrimField(input.ends_at));
  if (!starts)
    errors.push_back({"starts_at", "Enter when the session starts, as a date and time."});
  if (!ends) {
    errors.push_back({"ends_at", "Enter when the session ends, as a date and time."});
  } else if (starts && *ends <= *starts) {
    errors.push_back({"ends_at", "The session must end after it starts."});
  }
  int64_t capacity = 0;
  {
    const std::string c = TrimField(input.capacity);
    const auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), capacity);
    if (c.empty() || ec != std::errc() || end != c.data() + c.size() || capacity < 1 ||
        capacity > 10'000) {
      errors.push_back({"capacity", "Enter how many people can come, from 1 to 10,000."});
    }
  }
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));
  const int64_t id =
      db.Query(
            "INSERT INTO forum_sessions (forum_id, title, format, venue, meeting_link, starts_at, "
            "ends_at, capacity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING "
            "id",
            {forum_id, title, format, venue, link, *starts, *ends, capacity, now})[0]
          .Int(0);
  RecordAudit(db, now, actor.person_id, partnership_id, "session", id, "create",
              Diff({}, {{"title", title},
                        {"format", format},
                        {"venue", venue},
                        {"meeting_link", link},
                        {"starts_at", FormatUkTime(*starts)},
                        {"ends_at", FormatUkTime(*ends)},
                        {"capacity", std::to_string(capacity)}}));
  tx.Commit();
  return Outcome::Ok(id);
}

RegisterResult Register(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                        int64_t session_id, const RegistrationInput& input,
                        const std::string& base_url) {
  db::Transaction tx(db);
  const auto session = FindForumSession(db, partnership_id, session_id);
  if (!session) return {Outcome::NotFound(), "", ""};
  if (session->starts_at <= now) {
    return {Outcome::Conflict("This session has started, so registration is closed."), "", ""};
  }
  std::string name = TrimField(input.full_name);
  std::string email = NormaliseEmail(input.email);
  FieldErrors errors;
  if (actor.signed_in()) {
    const db::Rows me =
        db.Query("SELECT email, full_name FROM people WHERE id = $1", {actor.person_id});
    if (me.empty()) return {Outcome::Denied(), "", ""};
    email = me[0].Text(0);
    name = me[0].Text(1);
  } else {
    if (auto e = CheckRequired(name, "your name", 200)) errors.push_back({"full_name", *e});
    if (auto e = CheckEmail(email)) errors.push_back({"email", *e});
  }
  const std::string access = TrimField(input.access_needs);
  const std::string dietary = TrimField(input.dietary);
  if (access.size() > 2000) {
    errors.push_back({"access_needs", "Write your access needs in at most 2,000 characters."});
  }
  if (dietary.size() > 500) {
    errors.push_back({"dietary", "Write your dietary requirements in at most 500 characters."});
  }
  if (!errors.empty()) return {Outcome::Invalid(std::move(errors)), "", ""};

  const db::Rows existing =
      db.Query(std::string(kSelectRegistration) + "WHERE session_id = $1 AND email = $2",
               {session_id, email});
  const std::string token = RandomToken();
  const std::string status = session->confirmed < session->capacity ? "confirmed" : "waiting";
  int64_t id = 0;
  if (!existing.empty()) {
    const Registration r = RegistrationFromRow(existing[0]);
    if (r.status != "cancelled") return {Outcome::Ok(r.id), r.status, ""};  // already registered
    id = r.id;
    db.Execute(
        "UPDATE session_registrations SET status = $1, access_needs = $2, dietary = $3, "
        "cancel_token_hash = $4, attended = NULL WHERE id = $5",
        {status, access, dietary, HashToken(token), id});
  } else {
    id = db.Query(
               "INSERT INTO session_registrations (session_id, person_id, email, full_name, "
               "access_needs, dietary, status, cancel_token_hash, created_at) VALUES ($1, $2, $3, "
               "$4, $5, $6, $7, $8, $9) RETURNING id",
               {session_id, actor.signed_in() ? db::Value(actor.person_id) : db::Value(nullptr),
                email, name, access, dietary, status, HashToken(token), now})[0]
             .Int(0);
  }
  const std::string when = FormatUkTime(session->starts_at) + " (UK time)";
  QueueMessage(
      db, now, email,
      status == "confirmed" ? "Your place at " + session->title
                            : "You are on the waiting list for " + session->title,
      "Hello " + name + ",\n\n" +
          (status == "confirmed" ? "You have a place at \"" + session->title + "\" on " + when + "."
                                 : "\"" + session->title + "\" on " + when +
                                       " is full, so you are on the waiting list. If a place comes "
                                       "free, it is yours and we will tell you.") +
          "\n\nIf you cannot come, cancel here so that someone else can have the "
          "place:\n" +
          base_url + "/sessions/cancel/" + token + "\n");
  RecordAudit(db, now, actor.person_id, partnership_id, "registration", id, "create",
              {{"status", {"", status}}});
  tx.Commit();
  return {Outcome::Ok(id), status, token};
}

Outcome CancelRegistration(db::Connection& db, int64_t now, const Actor& actor,
                           int64_t partnership_id, int64_t session_id,
                           const std::string& base_url) {
  if (!actor.signed_in()) return Outcome::Denied();
  db::Transaction tx(db);
  const auto r = RegistrationOf(db, session_id, actor.person_id);
  if (!r) return Outcome::NotFound();
  Outcome out = Cancel(db, now, *r, base_url, partnership_id, actor.person_id);
  tx.Commit();
  return out;
}

std::optional<Registration> FindRegistrationByToken(db::Connection& db, const std::string& token) {
  const db::Rows rows = db.Query(std::string(kSelectRegistration) + "WHERE cancel_token_hash = $1",
                                 {HashToken(token)});
  if (rows.empty()) return std::nullopt;
  Registration r = RegistrationFromRow(rows[0]);
  r.waiting_position = WaitingPosition(db, r);
  return r;
}

Outcome CancelByToken(db::Connection& db, int64_t now, const std::string& token,
                      const std::string& base_url) {
  db::Transaction tx(db);
  const auto r = FindRegistrationByToken(db, token);
  if (!r) return Outcome::NotFound();
  const db::Rows forum = db.Query(
      "SELECT f.partnership_id FROM forum_sessions s JOIN forums f ON f.id = s.forum_id WHERE "
      "s.id = $1",
      {r->session_id});
  if (forum.empty()) return Outcome::NotFound();
  Outcome out = Cancel(db, now, *r, base_url, forum[0].Int(0), 0);
  tx.Commit();
  return out;
}

std::optional<Registration> RegistrationOf(db::Connection& db, int64_t session_id,
                                           int64_t person_id) {
  const db::Rows rows =
      db.Query(std::string(kSelectRegistration) +
                   "WHERE session_id = $1 AND person_id = $2 AND status <> 'cancelled'",
               {session_id, person_id});
  if (rows.empty()) return std::nullopt;
  Registration r = RegistrationFromRow(rows[0]);
  r.waiting_position = WaitingPosition(db, r);
  return r;
}

std::optional<std::vector<Registration>> ListRegistrations(db::Connection& db, const Actor& actor,
                                                           int64_t partnership_id,
                                                           int64_t session_id) {
  if (!Can(actor, Action::kModerate)) return std::nullopt;
  if (!FindForumSession(db, partnership_id, session_id)) return std::nullopt;
  std::vector<Registration> out;
  int waiting = 0;
  for (const db::Row& row : db.Query(
           std::string(kSelectRegistration) +
               "WHERE session_id = $1 AND status <> 'cancelled' ORDER BY status = 'waiting', id",
           {session_id})) {
    Registration r = RegistrationFromRow(row);
    if (r.status == "waiting") r.waiting_position = ++waiting;
    out.push_back(std::move(r));
  }
  return out;
}

Outcome RecordAttendance(db::Connection& db, int64_t now, const Actor& actor,
                         int64_t partnership_id, int64_t session_id,
                         const std::vector<int64_t>& attended) {
  if (!Can(actor, Action::kModerate)) return Outcome::Denied();
  db::Transaction tx(db);
  if (!FindForumSession(db, partnership_id, session_id)) return Outcome::NotFound();
  db.Execute(
      "UPDATE session_registrations SET attended = 0 WHERE session_id = $1 AND status = "
      "'confirmed'",
      {session_id});
  int present = 0;
  for (int64_t id : attended) {
    present += static_cast<int>(db.Execute(
        "UPDATE session_registrations SET attended = 1 WHERE id = $1 AND session_id = $2 AND "
        "status = 'confirmed'",
        {id, session_id}));
  }
  RecordAudit(db, now, actor.person_id, partnership_id, "session", session_id, "attendance",
              {{"present", {"", std::to_string(present)}}});
  tx.Commit();
  return Outcome::Ok(session_id);
}

std::string SessionsCalendar(const std::vector<std::pair<ForumSession, std::string>>& sessions,
                             const std::string& base_url, const std::string& name) {
  std::string out;
  AddLine(out, "BEGIN:VCALENDAR");
  AddLine(out, "VERSION:2.0");
  AddLine(out, "PRODID:-//coproduce//sessions//EN");
  AddLine(out, "CALSCALE:GREGORIAN");
  AddLine(out, "METHOD:PUBLISH");
  AddLine(out, "X-WR-CALNAME:" + IcsText(name));
  const std::string host =
      base_url.substr(base_url.find("://") == std::string::npos ? 0 : base_url.find("://") + 3);
  for (const auto& [s, partnership_slug] : sessions) {
    std::string url = base_url;
    url.append("/p/").append(partnership_slug).append("/sessions/").append(std::to_string(s.id));
    AddLine(out, "BEGIN:VEVENT");
    AddLine(out, "UID:session-" + std::to_string(s.id) + "@" + host);
    AddLine(out, "DTSTAMP:" + IcsTime(s.starts_at));
    AddLine(out, "DTSTART:" + IcsTime(s.starts_at));
    AddLine(out, "DTEND:" + IcsTime(s.ends_at));
    AddLine(out, "SUMMARY:" + IcsText(s.title));
    std::string location = s.venue;
    if (!s.meeting_link.empty()) location += (location.empty() ? "" : " / ") + s.meeting_link;
    if (!location.empty()) AddLine(out, "LOCATION:" + IcsText(location));
    AddLine(out, "DESCRIPTION:" + IcsText(std::string(FormatLabel(s.format)) + ". " + url));
    AddLine(out, "URL:" + url);
    AddLine(out, "END:VEVENT");
  }
  AddLine(out, "END:VCALENDAR");
  return out;
}

std::string NewCalendarFeedToken(db::Connection& db, int64_t now, int64_t person_id) {
  std::string token = RandomToken();
  db.Execute(
      "INSERT INTO calendar_feeds (person_id, token_hash, created_at) VALUES ($1, $2, $3) ON "
      "CONFLICT (person_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = "
      "excluded.created_at",
      {person_id, HashToken(token), now});
  return token;
}

std::optional<std::vector<std::pair<ForumSession, std::string>>> FeedSessions(
    db::Connection& db, const std::string& token) {
  const db::Rows who =
      db.Query("SELECT person_id FROM calendar_feeds WHERE token_hash = $1", {HashToken(token)});
  if (who.empty()) return std::nullopt;
  std::vector<std::pair<ForumSession, std::string>> out;
  for (const db::Row& r :
       db.Query("SELECT s.id, f.partnership_id, p.slug FROM session_registrations r JOIN "
                "forum_sessions s ON s.id = r.session_id JOIN forums f ON f.id = s.forum_id JOIN "
                "partnerships p ON p.id = f.partnership_id WHERE r.person_id = $1 AND r.status = "
                "'confirmed' ORDER BY s.starts_at, s.id",
                {who[0].Int(0)})) {
    if (auto s = FindForumSession(db, r.Int(1), r.Int(0))) out.emplace_back(*s, r.Text(2));
  }
  return out;
}

}  // namespace coproduce::domain
