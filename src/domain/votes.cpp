#include "domain/votes.hpp"

#include <algorithm>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "domain/audit.hpp"
#include "domain/forums.hpp"
#include "domain/people.hpp"
#include "domain/permissions.hpp"
#include "domain/security.hpp"
#include "domain/solutions.hpp"
#include "domain/validation.hpp"
#include "tally/budgeting.hpp"
#include "tally/equal_shares.hpp"
#include "tally/single_winner.hpp"
#include "tally/stv_meek.hpp"
#include "tally/stv_scottish.hpp"
#include "tally/weighting.hpp"

namespace coproduce::domain {
namespace {

constexpr VoteMethod kMethods[] = {
    {"approval", "Approval: tick every option you support", BallotKind::kApproval,
     "Each voter ticks every option they support. The options with the most ticks win."},
    {"plurality", "Plurality: choose one option", BallotKind::kChooseOne,
     "Each voter chooses one option. The options chosen most often win."},
    {"dot", "Dot voting: spread a number of dots", BallotKind::kDots,
     "Each voter spreads their dots over the options, as on a sticky-dot wall. The options "
     "with the most dots win."},
    {"score", "Score: give each option a score", BallotKind::kScores,
     "Each voter gives each option a score. The options with the highest average score win; "
     "an option a voter left blank does not count in its average."},
    {"majority-judgment", "Majority judgment: grade each option", BallotKind::kGrades,
     "Each voter grades each option from Reject to Excellent. Each option gets its median "
     "grade, the grade that half the voters gave or better; the highest median wins."},
    {"borda", "Borda count: rank the options", BallotKind::kRanked,
     "Each voter numbers the options in order of preference. An option gets more points the "
     "higher it is ranked; the options with the most points win.",
     false, true},
    {"schulze", "Schulze: rank the options", BallotKind::kRanked,
     "Each voter numbers the options in order of preference. Every pair of options is "
     "compared: how many voters put one above the other. The winner is the option that beats "
     "every other directly or through a chain of stronger wins.",
     false, true},
    {"ranked-pairs", "Ranked pairs: rank the options", BallotKind::kRanked,
     "Each voter numbers the options in order of preference. The pairwise wins are locked in "
     "from the largest majority down, skipping any that would contradict those already locked.",
     false, true},
    {"irv", "Instant-runoff: rank the options", BallotKind::kRanked,
     "Each voter numbers the options in order of preference. The option with the fewest first "
     "preferences is removed and its votes go to the next preference, round by round, until "
     "one option has more than half."},
    {"stv-scottish", "Single transferable vote (Scottish rules)", BallotKind::kRanked,
     "Each voter numbers the options in order of preference. An option that reaches the quota "
     "is elected and its surplus passes on; when none does, the option with fewest votes is "
     "removed and its votes pass on. The rules are those of Scottish council elections."},
    {"stv-meek", "Single transferable vote (Meek)", BallotKind::kRanked,
     "Each voter numbers the options in order of preference. Like the Scottish rules, but "
     "every surplus is passed on in proportion, recounting from the start at each stage."},
    {"pb-greedy", "Budget: most support first", BallotKind::kApproval,
     "Each voter ticks the options they support. Options are funded in order of support while "
     "they fit in the budget.",
     true},
    {"pb-mes", "Budget: method of equal shares", BallotKind::kApproval,
     "Each voter ticks the options they support. The budget is split equally between voters; "
     "an option is funded when its supporters can pay for it together, cheapest per supporter "
     "first, so that every group gets a fair share.",
     true},
};

constexpr std::string_view kGrades[] = {"Reject", "Poor",      "Acceptable",
                                        "Good",   "Very good", "Excellent"};

constexpr const char* kSelectVote =
    "SELECT v.id, v.forum_id, v.title, v.method, v.seats, v.dots, v.max_score, v.budget_pence, "
    "v.eligibility, v.weighting, v.opens_at, v.closes_at, v.live_results, v.lot_seed FROM votes "
    "v JOIN forums f ON f.id = v.forum_id ";

Vote VoteFromRow(db::Connection& db, const db::Row& r) {
  Vote v;
  v.id = r.Int(0);
  v.forum_id = r.Int(1);
  v.title = r.Text(2);
  v.method = r.Text(3);
  v.seats = static_cast<int>(r.Int(4));
  v.dots = r.Int(5);
  v.max_score = r.Int(6);
  v.budget_pence = r.OptInt(7);
  v.eligibility = r.Text(8);
  v.weighting = r.Text(9);
  v.opens_at = r.Int(10);
  v.closes_at = r.Int(11);
  v.live_results = r.Int(12) != 0;
  v.lot_seed = static_cast<uint64_t>(r.Int(13));
  for (const db::Row& s : db.Query(
           "SELECT session_id FROM vote_sessions WHERE vote_id = $1 ORDER BY session_id", {v.id})) {
    v.session_ids.push_back(s.Int(0));
  }
  for (const db::Row& o : db.Query(
           "SELECT position, COALESCE(solution_id, 0), title, cost_pence FROM vote_options WHERE "
           "vote_id = $1 ORDER BY position",
           {v.id})) {
    v.options.push_back({static_cast<int>(o.Int(0)), o.Int(1), o.Text(2), o.OptInt(3)});
  }
  return v;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// 01:00 UTC on the last Sunday of `month` in `year`.
int64_t LastSundayOneAm(int64_t year, int64_t month) {
  const int64_t next_first =
      month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
  const int64_t last = next_first - 1;
  const int64_t weekday = (last + 4) % 7;  // 1970-01-01 was a Thursday (4); Sunday is 0
  return (last - weekday) * 86400 + 3600;
}

bool IsBritishSummerTime(int64_t utc) {
  std::time_t t = static_cast<std::time_t>(utc);
  std::tm tm{};
  gmtime_r(&t, &tm);
  const int64_t year = tm.tm_year + 1900;
  return utc >= LastSundayOneAm(year, 3) && utc < LastSundayOneAm(year, 10);
}

std::string FormatUk(int64_t unix_seconds, const char* format) {
  const int64_t local = unix_seconds + (IsBritishSummerTime(unix_seconds) ? 3600 : 0);
  std::time_t t = static_cast<std::time_t>(local);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, format, &tm);
  return out;
}

// The ballot form as canonical JSON content, or the sentence saying what is wrong.
struct ParsedBallot final {
  std::string content;
  std::string error;
};

std::string Field(const std::multimap<std::string, std::string>& fields, const std::string& name) {
  const auto it = fields.find(name);
  return it == fields.end() ? "" : TrimField(it->second);
}

ParsedBallot ParseBallotForm(const Vote& vote,
                             const std::multimap<std::string, std::string>& fields) {
  const VoteMethod& method = vote.Method();
  const int n = static_cast<int>(vote.options.size());
  const auto key = [](int p) { return "o" + std::to_string(p); };
  nlohmann::json content = nlohmann::json::object();
  switch (method.kind) {
    case BallotKind::kChooseOne: {
      const auto choice = ParseInteger(Field(fields, "choice"));
      if (!choice || *choice < 0 || *choice >= n) return {"", "Choose one of the options."};
      content["choice"] = *choice;
      break;
    }
    case BallotKind::kApproval: {
      nlohmann::json approved = nlohmann::json::array();
      for (int p = 0; p < n; ++p) {
        const std::string value = Field(fields, key(p));
        if (value.empty()) continue;
        if (value != "yes") return {"", "Tick the options you support and send the form again."};
        approved.push_back(p);
      }
      content["approved"] = approved;
      break;
    }
    case BallotKind::kRanked: {
      std::map<int64_t, std::vector<int>> by_number;
      for (int p = 0; p < n; ++p) {
        const std::string value = Field(fields, key(p));
        if (value.empty()) continue;
        const auto number = ParseInteger(value);
        if (!number || *number < 1 || *number > n) {
          return {"", "Number the options from 1 to " + std::to_string(n) +
                          ", or leave out the ones you do not want to rank."};
        }
        by_number[*number].push_back(p);
      }
      if (by_number.empty()) return {"", "Number at least one option, starting with 1."};
      nlohmann::json ranking = nlohmann::json::array();
      for (const auto& [number, group] : by_number) {
        if (group.size() > 1 && !method.ties_allowed) {
          return {"", "Give each option a different number: this method cannot count ties."};
        }
        ranking.push_back(group);
      }
      content["ranking"] = ranking;
      break;
    }
    case BallotKind::kDots:
    case BallotKind::kScores:
    case BallotKind::kGrades: {
      const int64_t max = method.kind == BallotKind::kDots     ? vote.dots
                          : method.kind == BallotKind::kScores ? vote.max_score
                                                               : 5;
      nlohmann::json scores = nlohmann::json::object();
      int64_t total = 0;
      for (int p = 0; p < n; ++p) {
        const std::string value = Field(fields, key(p));
        if (value.empty()) {
          if (method.kind == BallotKind::kGrades) return {"", "Give every option a grade."};
          continue;
        }
        const auto number = ParseInteger(value);
        if (!number || *number < 0 || *number > max) {
          return {"", method.kind == BallotKind::kDots
                          ? "Give each option a whole number of dots, from 0 to " +
                                std::to_string(max) + "."
                          : "Give each option a score from 0 to " + std::to_string(max) + "."};
        }
        total += *number;
        if (method.kind == BallotKind::kDots && *number == 0) continue;
        scores[key(p)] = *number;
      }
      if (method.kind == BallotKind::kDots && total > vote.dots) {
        return {"", "You have placed " + std::to_string(total) + " dots. You have " +
                        std::to_string(vote.dots) + " to spread: take some off and send again."};
      }
      content["scores"] = scores;
      break;
    }
  }
  return {content.dump(), ""};
}

// A code people can read out and type: 12 characters of Crockford's base 32, in threes.
std::string ReceiptCode(std::string_view hex) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out;
  for (std::size_t i = 0; i < 12; ++i) {
    const int nibbles = std::stoi(std::string(hex.substr(i * 2, 2)), nullptr, 16);
    out += kAlphabet[nibbles % 32];
    if (i % 4 == 3 && i != 11) out += '-';
  }
  return out;
}

// What a person typed as a receipt: upper-case, without spaces and dashes, O read as 0.
std::string NormaliseReceipt(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    out += c;
  }
  return out;
}

std::string VoterKey(const Vote& vote, int64_t person_id, int64_t organisation_id) {
  return vote.eligibility == "organisations" ? "organisation:" + std::to_string(organisation_id)
                                             : "person:" + std::to_string(person_id);
}

std::string Slot(const Vote& vote, int64_t person_id, int64_t organisation_id,
                 std::string_view secret) {
  return KeyedHash(
      secret, "slot:" + std::to_string(vote.id) + ":" + VoterKey(vote, person_id, organisation_id));
}

// Stores a ballot in its slot: nothing changes when the same content is there already.
CastResult StoreBallot(db::Connection& db, const Vote& vote, const std::string& slot,
                       const std::string& receipt, const ParsedBallot& parsed,
                       std::string_view sector, int64_t locality_id,
                       const std::string& organisation_key, bool paper) {
  const std::string receipt_hash = HashToken(NormaliseReceipt(receipt));
  const db::Rows existing =
      db.Query("SELECT content, receipt_hash FROM ballots WHERE vote_id = $1 AND slot = $2",
               {vote.id, slot});
  CastResult result{Outcome::Ok(vote.id), receipt, false};
  if (!existing.empty()) {
    if (existing[0].Text(0) == parsed.content) return result;  // the same ballot again
    db.Execute(
        "INSERT INTO replaced_receipts (vote_id, receipt_hash) VALUES ($1, $2) ON CONFLICT DO "
        "NOTHING",
        {vote.id, existing[0].Text(1)});
    db.Execute(
        "UPDATE ballots SET content = $1, receipt_hash = $2, sector = $3, locality_id = $4, "
        "organisation_key = $5 WHERE vote_id = $6 AND slot = $7",
        {parsed.content, receipt_hash, std::string(sector),
         locality_id ? db::Value(locality_id) : db::Value(nullptr), organisation_key, vote.id,
         slot});
    result.replaced = true;
    return result;
  }
  db.Execute(
      "INSERT INTO ballots (vote_id, slot, receipt_hash, content, sector, locality_id, "
      "organisation_key, paper) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {vote.id, slot, receipt_hash, parsed.content, std::string(sector),
       locality_id ? db::Value(locality_id) : db::Value(nullptr), organisation_key,
       int64_t{paper ? 1 : 0}});
  return result;
}

}  // namespace

std::span<const VoteMethod> VoteMethods() { return kMethods; }

const VoteMethod* FindVoteMethod(std::string_view name) {
  for (const VoteMethod& m : kMethods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::span<const std::string_view> GradeNames() { return kGrades; }

const VoteMethod& Vote::Method() const {
  const VoteMethod* m = FindVoteMethod(method);
  return m ? *m : kMethods[0];
}

std::optional<int64_t> ParseUkTime(std::string_view s) {
  // YYYY-MM-DDTHH:MM (a space instead of T is accepted too)
  if (s.size() != 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':') {
    return std::nullopt;
  }
  const auto part = [&](std::size_t at, std::size_t len) {
    return ParseInteger(s.substr(at, len));
  };
  const auto y = part(0, 4), mo = part(5, 2), d = part(8, 2), h = part(11, 2), mi = part(14, 2);
  if (!y || !mo || !d || !h || !mi || *y < 2000 || *y > 2200 || *mo < 1 || *mo > 12 || *d < 1 ||
      *h > 23 || *mi > 59) {
    return std::nullopt;
  }
  const int64_t month_days = DaysFromCivil(*mo == 12 ? *y + 1 : *y, *mo == 12 ? 1 : *mo + 1, 1) -
                             DaysFromCivil(*y, *mo, 1);
  if (*d > month_days) return std::nullopt;
  const int64_t local = DaysFromCivil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60;
  // Local time is UTC or UTC+1; take the reading that maps back to the same local time.
  for (const int64_t offset : {3600, 0}) {
    const int64_t utc = local - offset;
    if ((IsBritishSummerTime(utc) ? 3600 : 0) == offset) return utc;
  }
  return local - 3600;  // a time skipped when the clocks go forward: read as BST
}

std::string FormatUkTime(int64_t unix_seconds) { return FormatUk(unix_seconds, "%Y-%m-%d %H:%M"); }
std::string FormatUkTimeInput(int64_t unix_seconds) {
  return FormatUk(unix_seconds, "%Y-%m-%dT%H:%M");
}

std::optional<Vote> FindVote(db::Connection& db, int64_t partnership_id, int64_t id) {
  const db::Rows rows = db.Query(
      std::string(kSelectVote) + "WHERE f.partnership_id = $1 AND v.id = $2", {partnership_id, id});
  if (rows.empty()) return std::nullopt;
  return VoteFromRow(db, rows[0]);
}

std::vector<Vote> ListVotes(db::Connection& db, int64_t partnership_id, int64_t forum_id) {
  std::vector<Vote> out;
  for (const db::Row& r :
       db.Query(std::string(kSelectVote) +
                    "WHERE f.partnership_id = $1 AND v.forum_id = $2 ORDER BY v.id",
                {partnership_id, forum_id})) {
    out.push_back(VoteFromRow(db, r));
  }
  return out;
}

Outcome CreateVote(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                   int64_t forum_id, const VoteInput& input, uint64_t lot_seed) {
  if (!Can(actor, Action::kManageForums)) return Outcome::Denied();
  db::Transaction tx(db);
  const auto forum = FindForum(db, partnership_id, forum_id);
  if (!forum) return Outcome::NotFound();
  if (forum->phase != Phase::kPrioritise) {
    return Outcome::Conflict(
        "A vote can be set up only while the forum is prioritising. Move "
        "the forum to its prioritise phase first.");
  }
  std::vector<Solution> shortlist;
  for (Solution& s : ListSolutions(db, partnership_id, forum_id)) {
    if (s.shortlisted) shortlist.push_back(std::move(s));
  }
  if (shortlist.size() < 2) {
    return Outcome::Conflict(
        "Put at least two solutions on the shortlist before setting up a vote.");
  }
  FieldErrors errors;
  const std::string title = TrimField(input.title);
  if (auto e = CheckRequired(title, "a title for the vote", 150)) errors.push_back({"title", *e});
  const VoteMethod* method = FindVoteMethod(TrimField(input.method));
  if (!method) errors.push_back({"method", "Choose how the vote is counted."});
  const int options = static_cast<int>(shortlist.size());
  int64_t seats = 1;
  if (!TrimField(input.seats).empty()) {
    const auto n = ParseInteger(input.seats);
    if (!n || *n < 1 || *n > options) {
      errors.push_back({"seats", "Enter how many options will be chosen, from 1 to " +
                                     std::to_string(options) + "."});
    } else {
      seats = *n;
    }
  }
  int64_t dots = 0;
  int64_t max_score = 0;
  std::optional<int64_t> budget;
  if (method && method->kind == BallotKind::kDots) {
    const auto n = ParseInteger(input.dots);
    if (!n || *n < 1 || *n > 100) {
      errors.push_back({"dots", "Enter how many dots each voter has, from 1 to 100."});
    } else {
      dots = *n;
    }
  }
  if (method && method->kind == BallotKind::kScores) {
    const auto n = ParseInteger(input.max_score);
    if (!n || *n < 1 || *n > 100) {
      errors.push_back({"max_score", "Enter the highest score, from 1 to 100."});
    } else {
      max_score = *n;
    }
  }
  if (method && method->kind == BallotKind::kGrades) max_score = 5;
  if (method && method->budgeting) {
    budget = ParsePounds(input.budget);
    if (!budget || *budget <= 0) {
      errors.push_back({"budget", "Enter the budget in pounds, like 250,000."});
    }
    for (const Solution& s : shortlist) {
      if (!s.cost_pence || *s.cost_pence <= 0) {
        errors.push_back(
            {"method", "Every shortlisted solution needs a cost for a budget vote. \"" + s.title +
                           "\" has none."});
        break;
      }
    }
  }
  const std::string eligibility = TrimField(input.eligibility);
  std::vector<int64_t> sessions;
  if (eligibility != "members" && eligibility != "organisations" && eligibility != "sessions") {
    errors.push_back({"eligibility", "Choose who can vote."});
  } else if (eligibility == "sessions") {
    for (const std::string& raw : input.session_ids) {
      const auto id = ParseInteger(raw);
      if (!id ||
          db.Query("SELECT 1 FROM forum_sessions WHERE id = $1 AND forum_id = $2", {*id, forum_id})
              .empty()) {
        sessions.clear();
        break;
      }
      sessions.push_back(*id);
    }
    if (sessions.empty()) {
      errors.push_back({"eligibility", "Choose the forum's sessions whose participants can vote."});
    }
  }
  const std::string weighting = TrimField(input.weighting);
  if (weighting != "person" && weighting != "organisation" && weighting != "sector") {
    errors.push_back({"weighting", "Choose how votes are weighted."});
  } else if (method && weighting != "person" &&
             (method->budgeting || method->name.starts_with("stv"))) {
    errors.push_back({"weighting",
                      "This method counts every ballot the same: choose one vote "
                      "per person."});
  }
  const auto opens = ParseUkTime(TrimField(input.opens_at));
  const auto closes = ParseUkTime(TrimField(input.closes_at));
  if (!opens) errors.push_back({"opens_at", "Enter when the vote opens, as a date and time."});
  if (!closes) {
    errors.push_back({"closes_at", "Enter when the vote closes, as a date and time."});
  } else if (opens && *closes <= *opens) {
    errors.push_back({"closes_at", "The vote must close after it opens."});
  } else if (*closes <= now) {
    errors.push_back({"closes_at", "The closing time has passed: choose a time in the future."});
  }
  if (!errors.empty()) return Outcome::Invalid(std::move(errors));

  const int64_t id =
      db.Query(
            "INSERT INTO votes (forum_id, title, method, seats, dots, max_score, budget_pence, "
            "eligibility, weighting, opens_at, closes_at, live_results, lot_seed, created_by, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
            "RETURNING id",
            {forum_id, title, std::string(method->name), seats, dots, max_score,
             budget ? db::Value(*budget) : db::Value(nullptr), eligibility, weighting, *opens,
             *closes, int64_t{input.live_results ? 1 : 0},
             static_cast<int64_t>(lot_seed & 0x7fffffffffffffff),
             actor.person_id ? db::Value(actor.person_id) : db::Value(nullptr), now})[0]
          .Int(0);
  for (int64_t session : sessions) {
    db.Execute(
        "INSERT INTO vote_sessions (vote_id, session_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        {id, session});
  }
  for (std::size_t p = 0; p < shortlist.size(); ++p) {
    const Solution& s = shortlist[p];
    db.Execute(
        "INSERT INTO vote_options (vote_id, position, solution_id, title, cost_pence) VALUES ($1, "
        "$2, $3, $4, $5)",
        {id, static_cast<int64_t>(p), s.id, s.title,
         s.cost_pence ? db::Value(*s.cost_pence) : db::Value(nullptr)});
  }
  RecordAudit(db, now, actor.person_id, partnership_id, "vote", id, "create",
              Diff({}, {{"title", title},
                        {"method", std::string(method->name)},
                        {"seats", std::to_string(seats)},
                        {"eligibility", eligibility},
                        {"weighting", weighting},
                        {"opens_at", FormatUkTime(*opens)},
                        {"closes_at", FormatUkTime(*closes)},
                        {"live_results", input.live_results ? "yes" : "no"}}));
  tx.Commit();
  return Outcome::Ok(id);
}

std::vector<VoterStanding> StandingsOf(db::Connection& db, int64_t partnership_id,
                                       int64_t person_id) {
  std::vector<VoterStanding> out;
  for (const db::Row& r : db.Query(
           "SELECT DISTINCT o.id, o.name, o.sector, COALESCE(o.locality_id, 0) FROM "
           "representations r JOIN organisations o ON o.id = r.organisation_id WHERE r.person_id "
           "= $1 AND o.partnership_id = $2 AND o.archived_at IS NULL AND (r.ends_on IS NULL OR "
           "r.ends_on = '') ORDER BY o.name, o.id",
           {person_id, partnership_id})) {
    out.push_back(
        {r.Int(0), r.Text(1), SectorFromString(r.Text(2)).value_or(Sector::kCommunity), r.Int(3)});
  }
  return out;
}

CastResult CastBallot(db::Connection& db, int64_t now, const Actor& actor, int64_t partnership_id,
                      int64_t vote_id, const std::multimap<std::string, std::string>& fields,
                      int64_t organisation_id, std::string_view ballot_secret) {
  if (!Can(actor, Action::kTakePart) || !actor.signed_in()) return {Outcome::Denied(), "", false};
  db::Transaction tx(db);
  const auto vote = FindVote(db, partnership_id, vote_id);
  if (!vote) return {Outcome::NotFound(), "", false};
  if (now < vote->opens_at) {
    return {Outcome::Conflict("This vote opens on " + FormatUkTime(vote->opens_at) +
                              " (UK time). Come back then."),
            "", false};
  }
  if (vote->IsClosed(now)) {
    return {Outcome::Conflict("This vote closed on " + FormatUkTime(vote->closes_at) +
                              " (UK time). Ballots can no longer be cast or changed."),
            "", false};
  }
  const std::vector<VoterStanding> standings = StandingsOf(db, partnership_id, actor.person_id);
  std::optional<VoterStanding> standing;
  if (organisation_id != 0) {
    for (const VoterStanding& s : standings) {
      if (s.organisation_id == organisation_id) standing = s;
    }
    if (!standing) {
      return {Outcome::Invalid({{"organisation", "Choose an organisation you represent."}}), "",
              false};
    }
  } else if (standings.size() == 1) {
    standing = standings.front();
  } else if (standings.size() > 1) {
    return {Outcome::Invalid({{"organisation", "Choose the organisation you are voting for."}}), "",
            false};
  }
  if (vote->eligibility == "organisations" && !standing) {
    return {Outcome::Conflict("In this vote each organisation has one ballot, and you do not "
                              "represent an organisation in this partnership."),
            "", false};
  }
  if (vote->eligibility == "sessions" &&
      db.Query("SELECT 1 FROM session_registrations r JOIN vote_sessions v ON v.session_id = "
               "r.session_id WHERE v.vote_id = $1 AND r.person_id = $2 AND r.status = 'confirmed'",
               {vote->id, actor.person_id})
          .empty()) {
    return {Outcome::Conflict("This vote is for the people who had a place at the forum's "
                              "sessions, and you did not have one."),
            "", false};
  }
  const ParsedBallot parsed = ParseBallotForm(*vote, fields);
  if (!parsed.error.empty()) return {Outcome::Invalid({{"ballot", parsed.error}}), "", false};

  const int64_t org = standing ? standing->organisation_id : 0;
  const std::string slot = Slot(*vote, actor.person_id, org, ballot_secret);
  const std::string receipt =
      ReceiptCode(KeyedHash(ballot_secret, "receipt:" + slot + ":" + parsed.content));
  const bool keyed = vote->weighting == "organisation" || vote->eligibility == "organisations";
  CastResult result = StoreBallot(
      db, *vote, slot, receipt, parsed,
      standing ? ToString(standing->sector) : ToString(Sector::kCommunity),
      standing ? standing->locality_id : 0, keyed && standing ? std::to_string(org) : "", false);
  db.Execute(
      "INSERT INTO vote_voters (vote_id, person_id, organisation_id) VALUES ($1, $2, $3) ON "
      "CONFLICT DO NOTHING",
      {vote->id, vote->eligibility == "organisations" ? int64_t{0} : actor.person_id,
       vote->eligibility == "organisations" ? org : int64_t{0}});
  tx.Commit();
  return result;
}

CastResult EnterPaperBallot(db::Connection& db, int64_t now, const Actor& actor,
                            int64_t partnership_id, int64_t vote_id,
                            const std::multimap<std::string, std::string>& fields,
                            std::string_view sector, int64_t locality_id) {
  if (!Can(actor, Action::kModerate)) return {Outcome::Denied(), "", false};
  db::Transaction tx(db);
  const auto vote = FindVote(db, partnership_id, vote_id);
  if (!vote) return {Outcome::NotFound(), "", false};
  if (!vote->IsOpen(now)) {
    return {Outcome::Conflict("Paper ballots can be entered only while the vote is open."), "",
            false};
  }
  FieldErrors errors;
  if (!SectorFromString(sector)) errors.push_back({"sector", "Choose the voter's sector."});
  if (locality_id != 0 && db.Query("SELECT 1 FROM localities WHERE id = $1 AND partnership_id = $2",
                                   {locality_id, partnership_id})
                              .empty()) {
    errors.push_back({"locality", "Choose a locality from the list."});
  }
  const ParsedBallot parsed = ParseBallotForm(*vote, fields);
  if (!parsed.error.empty()) errors.push_back({"ballot", parsed.error});
  if (!errors.empty()) return {Outcome::Invalid(std::move(errors)), "", false};
  const std::string token = RandomToken();
  const std::string slot = HashToken("paper:" + token);
  const std::string receipt = ReceiptCode(HashToken("receipt:" + token));
  CastResult result = StoreBallot(db, *vote, slot, receipt, parsed, sector, locality_id, "", true);
  RecordAudit(db, now, actor.person_id, partnership_id, "vote", vote->id, "paper ballot", {});
  tx.Commit();
  return result;
}

bool HasVoted(db::Connection& db, const Vote& vote, int64_t person_id, int64_t organisation_id) {
  const bool by_org = vote.eligibility == "organisations";
  return !db.Query(
                "SELECT 1 FROM vote_voters WHERE vote_id = $1 AND person_id = $2 AND "
                "organisation_id = $3",
                {vote.id, by_org ? int64_t{0} : person_id, by_org ? organisation_id : int64_t{0}})
              .empty();
}

std::multimap<std::string, std::string> CurrentBallot(db::Connection& db, const Vote& vote,
                                                      int64_t person_id, int64_t organisation_id,
                                                      std::string_view ballot_secret) {
  std::multimap<std::string, std::string> out;
  const db::Rows rows = db.Query("SELECT content FROM ballots WHERE vote_id = $1 AND slot = $2",
                                 {vote.id, Slot(vote, person_id, organisation_id, ballot_secret)});
  if (rows.empty()) return out;
  const auto content = nlohmann::json::parse(rows[0].Text(0), nullptr, false);
  if (content.is_discarded()) return out;
  if (content.contains("choice"))
    out.emplace("choice", std::to_string(content["choice"].get<int>()));
  if (content.contains("approved")) {
    for (int p : content["approved"]) out.emplace("o" + std::to_string(p), "yes");
  }
  if (content.contains("ranking")) {
    int number = 1;
    for (const auto& group : content["ranking"]) {
      for (int p : group) out.emplace("o" + std::to_string(p), std::to_string(number));
      ++number;
    }
  }
  if (content.contains("scores")) {
    for (const auto& [key, value] : content["scores"].items()) {
      out.emplace(key, std::to_string(value.get<int64_t>()));
    }
  }
  return out;
}

ReceiptStatus LookUpReceipt(db::Connection& db, int64_t vote_id, std::string_view receipt) {
  const std::string hash = HashToken(NormaliseReceipt(receipt));
  if (!db.Query("SELECT 1 FROM ballots WHERE vote_id = $1 AND receipt_hash = $2", {vote_id, hash})
           .empty()) {
    return ReceiptStatus::kIncluded;
  }
  if (!db.Query("SELECT 1 FROM replaced_receipts WHERE vote_id = $1 AND receipt_hash = $2",
                {vote_id, hash})
           .empty()) {
    return ReceiptStatus::kReplaced;
  }
  return ReceiptStatus::kUnknown;
}

StoredBallots LoadBallots(db::Connection& db, const Vote& vote) {
  StoredBallots out;
  const VoteMethod& method = vote.Method();
  std::set<std::string> titles;
  for (const VoteOption& o : vote.options) {
    std::string name = o.title;
    for (int n = 2; !titles.insert(name).second; ++n)
      name = o.title + " (" + std::to_string(n) + ")";
    out.election.candidates.push_back(name);
    if (method.budgeting) {
      out.budget.projects.push_back({std::to_string(o.position + 1),
                                     o.title,
                                     tally::FormatAmount(o.cost_pence.value_or(0), 2),
                                     {}});
    }
  }
  out.election.title = vote.title;
  out.election.seats = vote.seats;
  out.budget.vote_type = "approval";
  out.budget.budget = tally::FormatAmount(vote.budget_pence.value_or(0), 2);
  out.budget.meta = {{"description", vote.title},
                     {"vote_type", "approval"},
                     {"budget", out.budget.budget},
                     {"num_projects", std::to_string(vote.options.size())}};
  for (const db::Row& r :
       db.Query("SELECT content, sector, COALESCE(locality_id, 0), organisation_key, paper FROM "
                "ballots WHERE vote_id = $1 ORDER BY slot",
                {vote.id})) {
    const auto content = nlohmann::json::parse(r.Text(0), nullptr, false);
    tally::Ballot ballot;
    ballot.sector = r.Text(1);
    ballot.organisation = r.Text(3);
    if (!content.is_discarded()) {
      if (content.contains("choice")) ballot.ranking = {{content["choice"].get<int>()}};
      if (content.contains("approved")) {
        ballot.ranking = tally::Ranking::OneGroup(content["approved"].get<std::vector<int>>());
      }
      if (content.contains("ranking")) {
        ballot.ranking = tally::Ranking(content["ranking"].get<std::vector<std::vector<int>>>());
      }
      if (content.contains("scores")) {
        for (const auto& [key, value] : content["scores"].items()) {
          ballot.scores[std::stoi(key.substr(1))] = value.get<int64_t>();
        }
      }
    }
    out.locality.push_back(r.Int(2));
    out.paper += r.Int(4);
    ++out.voters;
    if (method.budgeting) out.budget.ballots.push_back(ballot);
    out.election.ballots.push_back(std::move(ballot));
  }
  out.budget.meta["num_votes"] = std::to_string(out.voters);
  return out;
}

tally::Result CountVote(const Vote& vote, const StoredBallots& ballots) {
  const VoteMethod& method = vote.Method();
  tally::Lot lot(vote.lot_seed);
  if (method.name == "pb-greedy" || method.name == "pb-mes") {
    auto counted = method.name == "pb-greedy" ? tally::CountGreedy(ballots.budget)
                                              : tally::CountEqualShares(ballots.budget);
    if (auto* result = std::get_if<tally::Result>(&counted)) return *result;
    tally::Result failed;
    failed.method = std::string(method.name);
    failed.explanation = {{"error", std::get<tally::ParseError>(counted).message}};
    return failed;
  }
  if (method.name == "stv-scottish") return tally::CountScottishStv(ballots.election, lot);
  if (method.name == "stv-meek") return tally::CountMeekStv(ballots.election, lot);
  tally::CountOptions options;
  options.dots = vote.dots;
  options.score_min = 0;
  options.score_max = method.kind == BallotKind::kGrades ? 5 : std::max<int64_t>(vote.max_score, 1);
  const auto weighting =
      tally::WeightingFromString(vote.weighting).value_or(tally::Weighting::kPerson);
  const tally::BallotWeights weights = tally::WeighBallots(ballots.election, weighting);
  auto result = tally::CountByMethod(method.name, ballots.election, weights, options, lot);
  return result ? *std::move(result) : tally::Result{};
}

Support SupportFor(const Vote& vote, const StoredBallots& ballots,
                   const std::function<bool(std::size_t)>& include) {
  const VoteMethod& method = vote.Method();
  Support out;
  const std::size_t n = vote.options.size();
  out.values.assign(n, 0.0);
  std::vector<int64_t> scorers(n, 0);
  switch (method.kind) {
    case BallotKind::kRanked:
      out.measure = "First preferences";
      break;
    case BallotKind::kChooseOne:
      out.measure = "Voters choosing it";
      break;
    case BallotKind::kApproval:
      out.measure = "Voters ticking it";
      break;
    case BallotKind::kDots:
      out.measure = "Dots";
      break;
    case BallotKind::kScores:
      out.measure = "Average score (0 to " + std::to_string(vote.max_score) + ")";
      out.average = true;
      break;
    case BallotKind::kGrades:
      out.measure = "Average grade (0 Reject to 5 Excellent)";
      out.average = true;
      break;
  }
  const auto& all = ballots.election.ballots;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (include && !include(i)) continue;
    ++out.voters;
    const tally::Ballot& b = all[i];
    if (method.kind == BallotKind::kRanked) {
      if (!b.ranking.empty()) {
        for (int p : b.ranking.group(0)) out.values.at(static_cast<std::size_t>(p)) += 1;
      }
    } else if (method.kind == BallotKind::kChooseOne || method.kind == BallotKind::kApproval) {
      for (const std::span<const int> group : b.ranking.groups()) {
        for (int p : group) out.values.at(static_cast<std::size_t>(p)) += 1;
      }
    } else {
      for (const auto& [p, value] : b.scores) {
        out.values.at(static_cast<std::size_t>(p)) += static_cast<double>(value);
        ++scorers.at(static_cast<std::size_t>(p));
      }
    }
  }
  if (out.average) {
    for (std::size_t p = 0; p < n; ++p) {
      out.values[p] = scorers[p] ? out.values[p] / static_cast<double>(scorers[p]) : 0.0;
    }
  }
  return out;
}

}  // namespace coproduce::domain
