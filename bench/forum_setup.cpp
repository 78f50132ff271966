// Prepares a database for bench/forum: the demo partnership, VOTERS extra members each with a
// sign-in session (their tokens written to DIR/tokens.txt, one per line), an open approval vote
// with live results for them to cast ballots in, and a closed vote holding RESULTS ballots
// (with sectors and localities) for the results page. Prints the two vote paths.
// Usage: forum_setup DIR VOTERS RESULTS
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "domain/accounts.hpp"
#include "domain/demo.hpp"
#include "domain/forums.hpp"
#include "domain/partnerships.hpp"
#include "domain/security.hpp"
#include "domain/solutions.hpp"
#include "domain/votes.hpp"
#include "store/connection.hpp"
#include "store/migrations.hpp"

using namespace coproduce;

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: forum_setup DIR VOTERS RESULTS [DATABASE]\n";
    return 2;
  }
  const std::string dir = argv[1];
  const int voters = std::atoi(argv[2]);
  const int results = std::atoi(argv[3]);
  domain::InitSecurity();
  auto db = db::Open(argc == 5 ? argv[4] : "sqlite:" + dir + "/coproduce.sqlite3");
  db::Migrate(*db, db::LoadMigrations(COPRODUCE_RESOURCE_DIR "/migrations", db->Engine()));
  const int64_t now = std::time(nullptr);
  domain::SeedDemo(*db, now - 86400);
  const int64_t pid = domain::FindPartnership(*db, domain::kDemoSlug)->id;
  const domain::Actor system = domain::Actor::System();
  const auto vote_on = [&](const std::string& title, int64_t opens, int64_t closes) {
    const int64_t forum = domain::CreateForum(*db, now, system, pid, {title, ""}).id;
    domain::SetForumPhase(*db, now, system, pid, forum, "solutions");
    // Solutions answer an issue of their own forum.
    const int64_t own_issue =
        db->Query(
              "INSERT INTO issues (forum_id, title, description, author_id, created_at) VALUES "
              "($1, 'Transport', 'x', 1, $2) RETURNING id",
              {forum, now})[0]
            .Int(0);
    for (int i = 0; i < 8; ++i) {
      const auto s = db->Query(
          "INSERT INTO solutions (forum_id, title, description, author_id, created_at, "
          "shortlisted, cost_pence) VALUES ($1, $2, 'x', 1, $3, 1, 1000000) RETURNING id",
          {forum, "Option " + std::to_string(i + 1), now});
      db->Execute("INSERT INTO solution_issues (solution_id, issue_id) VALUES ($1, $2)",
                  {s[0].Int(0), own_issue});
    }
    domain::SetForumPhase(*db, now, system, pid, forum, "prioritise");
    domain::VoteInput input{title,
                            "approval",
                            "3",
                            "",
                            "",
                            "",
                            "members",
                            "sector",
                            domain::FormatUkTimeInput(opens),
                            domain::FormatUkTimeInput(closes),
                            true,
                            {}};
    const auto created = domain::CreateVote(*db, now - 7200, system, pid, forum, input, 1);
    if (!created.ok()) {
      std::cerr << "could not set up the vote: " << created.errors.at(0).message << "\n";
      std::exit(1);
    }
    return created.id;
  };
  const int64_t open_vote = vote_on("Benchmark vote", now - 3600, now + 30 * 86400);
  const int64_t closed_vote = vote_on("Benchmark results", now - 7200, now - 3600 + 60);

  std::ofstream tokens(dir + "/tokens.txt");
  db::Transaction tx(*db);
  for (int i = 0; i < voters; ++i) {
    const int64_t id =
        db->Query(
              "INSERT INTO people (email, full_name, created_at) VALUES ($1, $2, "
              "$3) RETURNING id",
              {"voter" + std::to_string(i) + "@example.org", "Voter " + std::to_string(i), now})[0]
            .Int(0);
    db->Execute(
        "INSERT INTO memberships (person_id, partnership_id, role, created_at) VALUES ($1, $2, "
        "'member', $3)",
        {id, pid, now});
    tokens << domain::CreateSession(*db, now, id) << "\n";
  }
  // The closed vote's ballots, as if cast: random approvals, sectors and localities.
  const char* sectors[] = {"third", "statutory", "community", "private"};
  const db::Rows localities =
      db->Query("SELECT id FROM localities WHERE partnership_id = $1 ORDER BY id", {pid});
  uint64_t state = 20261122;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int i = 0; i < results; ++i) {
    std::string approved;
    for (int o = 0; o < 8; ++o) {
      if (next() % 3 == 0) approved += (approved.empty() ? "" : ",") + std::to_string(o);
    }
    db->Execute(
        "INSERT INTO ballots (vote_id, slot, receipt_hash, content, sector, locality_id, paper) "
        "VALUES ($1, $2, $3, $4, $5, $6, 0)",
        {closed_vote, domain::HashToken("slot" + std::to_string(i)),
         domain::HashToken("receipt" + std::to_string(i)), "{\"approved\":[" + approved + "]}",
         std::string(sectors[next() % 4]), localities[next() % localities.size()].Int(0)});
  }
  tx.Commit();
  std::cout << "/p/" << domain::kDemoSlug << "/votes/" << open_vote << " /p/" << domain::kDemoSlug
            << "/votes/" << closed_vote << "\n";
  return 0;
}
