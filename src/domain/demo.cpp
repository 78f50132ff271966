#include "domain/demo.hpp"

#include <array>
#include <map>
#include <string_view>
#include <vector>

#include "domain/audit.hpp"
#include "domain/conversations.hpp"
#include "domain/forums.hpp"
#include "domain/issues.hpp"
#include "domain/organisations.hpp"
#include "domain/partnerships.hpp"
#include "domain/security.hpp"

namespace coproduce::domain {
namespace {

struct DemoOrganisation {
  std::string_view name, sector, locality, charity, website;
};

constexpr std::array<std::string_view, 5> kLocalities = {"Eastfield", "Hillhead", "Millbank",
                                                         "Northmoor", "Riverside Town"};

constexpr DemoOrganisation kOrganisations[] = {
    {"Eastfield Carers Centre", "third", "Eastfield", "SC041201", "https://carers.example.org"},
    {"Hillhead Community Transport", "third", "Hillhead", "SC038822", ""},
    {"Millbank Mental Health Network", "third", "Millbank", "SC045510", ""},
    {"Northmoor Youth Project", "third", "Northmoor", "SC029934", ""},
    {"Riverside Food Share", "third", "Riverside Town", "SC050117", ""},
    {"Riverside Third Sector Interface", "third", "Riverside Town", "SC036001",
     "https://tsi.example.org"},
    {"Befriending Riverside", "third", "Millbank", "SC047788", ""},
    {"Riverside and Hills Council", "statutory", "Riverside Town", "",
     "https://council.example.org"},
    {"NHS Riverside and Hills", "statutory", "Riverside Town", "", "https://nhs.example.org"},
    {"Riverside Health and Social Care Partnership", "statutory", "Riverside Town", "", ""},
    {"Riverside Housing Association", "statutory", "Eastfield", "", ""},
    {"Hills Fire and Rescue Station", "statutory", "Hillhead", "", ""},
    {"Eastfield Community Council", "community", "Eastfield", "", ""},
    {"Millbank Tenants and Residents Association", "community", "Millbank", "", ""},
    {"Northmoor Lived Experience Panel", "community", "Northmoor", "", ""},
    {"Hillhead Village Hall Committee", "community", "Hillhead", "", ""},
    {"Riverside Parent Carers Forum", "community", "Riverside Town", "", ""},
    {"Brightcare Home Support Ltd", "private", "Eastfield", "", ""},
    {"Hillview Care Home", "private", "Hillhead", "", ""},
    {"Riverside Pharmacy Group", "private", "Riverside Town", "", ""},
};

constexpr std::string_view kFirstNames[] = {"Alex",   "Sam",    "Jordan", "Morag",    "Iain",
                                            "Fiona",  "Callum", "Eilidh", "Ruaridh",  "Kirsty",
                                            "Hamish", "Isla",   "Ewan",   "Catriona", "Douglas",
                                            "Ailsa",  "Fraser", "Mhairi", "Gregor",   "Shona"};
constexpr std::string_view kLastNames[] = {"Morgan",  "Patel",  "Reid",  "Campbell", "Fraser",
                                           "Stewart", "Murray", "Ahmed", "Kerr",     "Wilson"};
constexpr std::string_view kRepresentativeRoles[] = {
    "Chief Officer", "Development Worker", "Service Manager", "Volunteer Coordinator", "Chair"};

// A forum naming its key issues, so that the demo shows the cycle under way.
void SeedForum(db::Connection& db, int64_t now, int64_t pid, const Actor& member,
               const Actor& facilitator, const Actor& other) {
  const Actor system = Actor::System();
  std::vector<int64_t> themes;
  for (const char* name : {"Transport", "Health and wellbeing", "Social isolation", "Housing",
                           "Funding for local groups"}) {
    themes.push_back(AddTheme(db, now, system, pid, name).id);
  }
  const int64_t forum =
      CreateForum(db, now, facilitator, pid,
                  {"Riverside Third Sector Forum, spring 2027",
                   "Partners from every sector name the key local issues for health and social "
                   "care, propose solutions and agree the priorities for the coming year."})
          .id;
  SetForumPhase(db, now, facilitator, pid, forum, "issues");
  const int64_t buses =
      RaiseIssue(db, now, member, pid, forum,
                 {"Too few buses to day services",
                  "People in the hill villages cannot reach the day centre without a car. "
                  "Volunteer drivers cover some trips, but not enough.",
                  std::to_string(themes[0]), ""})
          .id;
  RaiseIssue(db, now, other, pid, forum,
             {"Loneliness after hospital discharge",
              "Older people going home from hospital often see nobody for days.",
              std::to_string(themes[2]), ""});
  SupportIssue(db, now, other, pid, buses);
  SupportIssue(db, now, facilitator, pid, buses);
}

// A conversation with votes from three camps of opinion, so that the map shows groups and
// the report has common ground. `camp` of a statement: each camp's answer (1 agree, -1
// disagree, 0 pass).
struct DemoStatement {
  std::string_view body;
  std::array<int, 3> camp;
};
constexpr DemoStatement kDemoStatements[] = {
    {"Day centres should be reachable without a car", {1, 1, 1}},
    {"Volunteer drivers should be paid their mileage", {1, 1, 0}},
    {"The council should run more buses to the hill villages", {1, -1, 1}},
    {"Community transport needs funding for three years, not one", {1, -1, 1}},
    {"Taxis paid by the council would cost less than new buses", {-1, 1, 0}},
    {"Day services should come to the villages instead", {-1, 1, 1}},
    {"People should be asked before any service moves", {1, 1, 1}},
    {"Charities should run the transport, not the council", {-1, 0, 1}},
    {"Health appointments should be grouped on the same day", {0, 1, 1}},
    {"Online sessions can replace some trips", {-1, 1, -1}},
    {"Carers should get travel costs back", {1, 0, 1}},
    {"The NHS should pay towards community transport", {1, -1, 1}},
    {"Fares should be free for people on low incomes", {1, -1, 0}},
    {"Local groups know best what their area needs", {0, -1, 1}},
    {"Services should be judged by who they reach, not by cost alone", {1, -1, 1}},
};

void SeedConversation(db::Connection& db, int64_t now, int64_t pid, int64_t forum,
                      const Actor& facilitator, const Actor& member,
                      const std::vector<int64_t>& voters) {
  std::string seeds;
  for (const DemoStatement& s : kDemoStatements) seeds.append(s.body).append("\n");
  const int64_t id =
      CreateConversation(
          db, now, facilitator, pid, forum,
          {"What would make day services easier to reach?",
           "Answer each statement with agree, disagree or pass, and add your own.", seeds})
          .id;
  const std::vector<Statement> statements = ListStatements(db, id);
  int64_t at = now;
  for (std::size_t v = 0; v < voters.size(); ++v) {
    const Actor voter{voters[v], "", Role::kMember, false};
    for (std::size_t j = 0; j < statements.size(); ++j) {
      if ((v * 3 + j) % 7 == 0) continue;  // not everyone answers everything
      int answer = kDemoStatements[j].camp[v % 3];
      if ((v * 7 + j * 5) % 13 == 0) answer = 0;
      if ((v + j) % 17 == 0) answer = -answer;
      VoteOnStatement(db, ++at, voter, pid, statements[j].id,
                      answer > 0   ? "agree"
                      : answer < 0 ? "disagree"
                                   : "pass");
    }
  }
  SubmitStatement(db, at, member, pid, id, "Bus timetables should fit day centre hours");
}

}  // namespace

DemoSummary SeedDemo(db::Connection& db, int64_t now) {
  if (FindPartnership(db, kDemoSlug)) return {};
  // One hash per password: argon2id is slow on purpose, and the demo needs only two.
  const std::string admin_hash = HashPassword(kDemoAdminPassword);
  const std::string member_hash = HashPassword(kDemoMemberPassword);

  db::Transaction tx(db);
  DemoSummary summary{true, 0, 0, 0};
  const Outcome partnership = CreatePartnership(
      db, now, kDemoSlug, "Riverside and Hills Partnership",
      "Third sector, statutory and community partners in Riverside and Hills, planning local "
      "health and social care services together.");
  const int64_t pid = partnership.id;
  const Actor system = Actor::System();

  std::map<std::string_view, int64_t> locality_ids;
  for (std::string_view name : kLocalities) {
    locality_ids[name] = AddLocality(db, now, system, pid, std::string(name)).id;
    ++summary.localities;
  }
  std::vector<int64_t> organisation_ids;
  for (const DemoOrganisation& o : kOrganisations) {
    const Outcome created = CreateOrganisation(
        db, now, system, pid,
        {std::string(o.name), std::string(o.sector), std::to_string(locality_ids.at(o.locality)),
         std::string(o.charity), std::string(o.website)});
    organisation_ids.push_back(created.id);
    ++summary.organisations;
  }

  auto add_person = [&](const std::string& name, const std::string& email, std::string_view role,
                        const std::string& hash) {
    const int64_t id = db.Query(
                             "INSERT INTO people (email, full_name, password_hash, created_at) "
                             "VALUES ($1, $2, $3, $4) RETURNING id",
                             {email, name, hash, now})[0]
                           .Int(0);
    db.Execute(
        "INSERT INTO memberships (person_id, partnership_id, role, created_at) VALUES ($1, "
        "$2, $3, $4)",
        {id, pid, std::string(role), now});
    RecordAudit(db, now, 0, pid, "person", id, "create",
                Diff({}, {{"email", email}, {"full_name", name}, {"role", std::string(role)}}));
    ++summary.people;
    return id;
  };
  auto represent = [&](int64_t person, size_t organisation, size_t role_index) {
    db.Execute(
        "INSERT INTO representations (person_id, organisation_id, role, starts_on, created_at) "
        "VALUES ($1, $2, $3, '2025-04-01', $4)",
        {person, organisation_ids[organisation],
         std::string(kRepresentativeRoles[role_index % std::size(kRepresentativeRoles)]), now});
  };

  represent(add_person("Alex Morgan", kDemoAdminEmail, "admin", admin_hash), 5, 1);
  const int64_t sam = add_person("Sam Patel", kDemoMemberEmail, "member", member_hash);
  represent(sam, 0, 0);
  const int64_t jordan =
      add_person("Jordan Reid", "jordan.reid@example.org", "facilitator", member_hash);
  represent(jordan, 9, 2);
  // 37 more people, spread over the organisations; every fifth speaks only for themselves.
  int64_t third_member = 0;
  std::vector<int64_t> voters;
  for (size_t i = 3; i < 40; ++i) {
    const std::string first(kFirstNames[i % std::size(kFirstNames)]);
    const std::string last(kLastNames[(i * 7) % std::size(kLastNames)]);
    std::string email = first;
    email.append(".").append(last).append(std::to_string(i)).append("@example.org");
    for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string name = first;
    name.append(" ").append(last);
    const int64_t id = add_person(name, email, "member", member_hash);
    if (i % 5 != 0) represent(id, i % organisation_ids.size(), i);
    if (i == 3) third_member = id;
    voters.push_back(id);
  }
  voters.push_back(jordan);
  const Actor facilitator{jordan, "Jordan Reid", Role::kFacilitator, false};
  const Actor member{sam, "Sam Patel", Role::kMember, false};
  SeedForum(db, now, pid, member, facilitator, {third_member, "", Role::kMember, false});
  // Sam, the demo member, has not answered yet, so that the demo can show the first statement.
  SeedConversation(db, now, pid, ListForums(db, pid).at(0).id, facilitator, member, voters);
  tx.Commit();
  return summary;
}

}  // namespace coproduce::domain
