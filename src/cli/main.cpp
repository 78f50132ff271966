// The coproduce command: serve the web application, apply migrations, seed the demo,
// administer an installation from the shell, and count ballot files.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "cli/opinion_command.hpp"
#include "cli/tally_command.hpp"
#include "domain/accounts.hpp"
#include "domain/demo.hpp"
#include "domain/partnerships.hpp"
#include "domain/security.hpp"
#include "domain/validation.hpp"
#include "http/server.hpp"
#include "store/copy.hpp"
#include "store/migrations.hpp"
#include "store/notifications.hpp"
#include "web/app.hpp"

namespace {

using namespace coproduce;

std::string EnvOr(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : std::move(fallback);
}

std::filesystem::path ResourceDir() { return EnvOr("COPRODUCE_RESOURCES", COPRODUCE_RESOURCE_DIR); }

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string DatabasePath(const std::string& data_dir) {
  std::filesystem::create_directories(std::filesystem::path(data_dir) / "uploads");
  return (std::filesystem::path(data_dir) / "coproduce.sqlite3").string();
}

// The database to use: --database (COPRODUCE_DATABASE), "sqlite:PATH" or "postgresql://...";
// by default SQLite in the data folder.
std::string database_address;

std::string DatabaseAddress(const std::string& data_dir) {
  if (!database_address.empty()) return database_address;
  return "sqlite:" + DatabasePath(data_dir);
}

// Opens the installation's database and brings its schema up to date.
std::unique_ptr<db::Connection> OpenAndMigrate(const std::string& data_dir, bool report) {
  auto connection = db::Open(DatabaseAddress(data_dir));
  const auto result = db::Migrate(
      *connection, db::LoadMigrations(ResourceDir() / "migrations", connection->Engine()));
  if (report) {
    if (result.applied.empty()) {
      std::cout << "The database is up to date (migration " << result.current << ").\n";
    } else {
      std::cout << "Applied " << result.applied.size() << " migration(s); the database is now at "
                << "migration " << result.current << ".\n";
    }
  }
  return connection;
}

// The secret that keys ballot slots (domain/votes.hpp): made once, kept beside the database
// but outside it, readable by this user only. Losing it only stops voters changing ballots
// cast before it was lost.
std::string BallotSecret(const std::string& data_dir) {
  const std::filesystem::path path = std::filesystem::path(data_dir) / "ballot-secret";
  if (!std::filesystem::exists(path)) {
    const std::string secret = domain::RandomToken();
    {
      std::ofstream out(path, std::ios::binary);
      out << secret;
    }
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  std::ifstream in(path, std::ios::binary);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (secret.size() < 32) {
    throw std::runtime_error("The ballot secret in " + path.string() +
                             " is too short. Restore it from a backup.");
  }
  return secret;
}

// An address fit to print: the password, if any, hidden.
std::string Printable(const std::string& address) {
  const auto scheme = address.find("://");
  const auto at = address.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return address;
  const auto colon = address.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return address;
  return address.substr(0, colon + 1) + "***" + address.substr(at);
}

// coproduce migrate --from sqlite:PATH --to postgresql://...: brings both schemas up to date,
// copies every row, then compares the two table by table.
int CopyInstallation(const std::string& from_address, const std::string& to_address) {
  if (db::EngineOf(from_address) != "sqlite" || db::EngineOf(to_address) != "postgresql") {
    std::cerr << "coproduce migrate copies from SQLite (--from sqlite:PATH) to PostgreSQL (--to "
                 "postgresql://...).\n";
    return 2;
  }
  try {
    const std::string path = from_address.substr(from_address.find(':') + 1);
    if (!std::filesystem::exists(path)) {
      std::cerr << "There is no SQLite database at " << path << "; check the path.\n";
      return 3;
    }
    auto from = db::Open(from_address);
    auto to = db::Open(to_address);
    db::Migrate(*from, db::LoadMigrations(ResourceDir() / "migrations", "sqlite"));
    db::Migrate(*to, db::LoadMigrations(ResourceDir() / "migrations", "postgresql"));
    std::cout << "Copying " << from_address << " to " << Printable(to_address) << ".\n";
    const db::CopyReport report = db::CopyDatabase(*from, *to);
    for (const db::TableComparison& t : report.tables) {
      std::cout << "  " << t.table << ": " << t.source_rows << " row(s), checksum "
                << t.source_checksum;
      if (t.same()) {
        std::cout << ", the same in PostgreSQL\n";
      } else {
        std::cout << "; PostgreSQL has " << t.target_rows << " row(s), checksum "
                  << t.target_checksum << ": DIFFERENT\n";
      }
    }
    if (!report.same()) {
      std::cout << "The copy differs from the original in the tables marked DIFFERENT. Keep "
                   "serving from SQLite, and report this.\n";
      return 1;
    }
    std::cout << "All " << report.tables.size() << " tables match (" << report.rows()
              << " rows). Copy " << std::filesystem::path(path).parent_path() / "ballot-secret"
              << " to the new installation's data folder, then start coproduce with --database "
              << Printable(to_address) << ".\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 3;
  }
}

// The LISTEN/NOTIFY channel for changed votes, payload "PARTNERSHIP:VOTE", and changed
// conversations, payload "conversation:ID".
constexpr const char* kVoteChannel = "coproduce_votes";
constexpr std::string_view kConversationPrefix = "conversation:";

bool ParseVoteChange(std::string_view payload, int64_t& partnership, int64_t& vote) {
  const auto colon = payload.find(':');
  if (colon == std::string_view::npos) return false;
  const auto p = domain::ParseId(payload.substr(0, colon));
  const auto v = domain::ParseId(payload.substr(colon + 1));
  if (!p || !v) return false;
  partnership = *p;
  vote = *v;
  return true;
}

int Serve(const std::string& host, int port, const std::string& data_dir, std::string base_url,
          bool trust_proxy, bool quiet) {
  OpenAndMigrate(data_dir, false);
  const std::string address = DatabaseAddress(data_dir);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Ballots wait for their group's commit (web/ballot_box.hpp) on the worker that took them,
  // so a group can only be as large as the workers waiting: more workers than cores, most of
  // them waiting at any time, make larger groups and fewer syncs.
  const int workers = 8 * cores;
  db::Pool pool([address] { return db::Open(address); }, static_cast<size_t>(workers));
  if (base_url.empty())
    base_url = "http://" + (host == "0.0.0.0" ? "localhost" : host) + ":" + std::to_string(port);
  http::EventHub events;
  // On PostgreSQL other processes may serve the same votes: a change is announced to all of
  // them (LISTEN/NOTIFY), and each recounts for its own live-result listeners.
  std::unique_ptr<db::Notifications> notifications;
  std::function<void(int64_t, int64_t)> announce;
  std::function<void(int64_t)> announce_conversation;
  if (db::EngineOf(address) == "postgresql") {
    announce = [&notifications](int64_t partnership, int64_t vote) {
      notifications->Announce(std::to_string(partnership) + ":" + std::to_string(vote));
    };
    announce_conversation = [&notifications](int64_t conversation) {
      notifications->Announce(std::string(kConversationPrefix) + std::to_string(conversation));
    };
  }
  web::App app({ResourceDir(),
                base_url,
                {},
                BallotSecret(data_dir),
                &events,
                [address] { return db::Open(address); },
                announce,
                announce_conversation},
               pool);
  if (announce) {
    notifications = std::make_unique<db::Notifications>(
        address, kVoteChannel, [&app](std::string_view payload) {
          if (payload.starts_with(kConversationPrefix)) {
            const auto id = domain::ParseId(payload.substr(kConversationPrefix.size()));
            if (id) app.RefreshLiveMap(*id);
            return;
          }
          int64_t partnership = 0;
          int64_t vote = 0;
          if (ParseVoteChange(payload, partnership, vote)) app.RecountLive(partnership, vote);
        });
  }
  http::ServerOptions options;
  options.host = host;
  options.port = static_cast<uint16_t>(port);
  options.io_threads = cores;
  options.worker_threads = workers;
  options.trust_proxy = trust_proxy;
  options.access_log = !quiet;
  options.events = &events;
  http::Server server(
      options, [&app](http::Request& r) { return app.Handle(r); },
      [&app](int status) { return app.ErrorPage(status); });
  server.Listen();
  spdlog::info("coproduce is serving {} ({}) at http://{}:{}", data_dir, db::EngineOf(address),
               host, server.port());
  server.Run();
  spdlog::info("coproduce has stopped.");
  return 0;
}

int Demo(const std::string& data_dir) {
  auto connection = OpenAndMigrate(data_dir, false);
  const domain::DemoSummary summary = domain::SeedDemo(*connection, Now());
  if (summary.created) {
    std::cout << "Created the demo partnership with " << summary.localities << " localities, "
              << summary.organisations << " organisations and " << summary.people << " people.\n";
  } else {
    std::cout << "The demo partnership is already there.\n";
  }
  std::cout << "Open http://localhost:8080/p/" << domain::kDemoSlug
            << " and sign in as its admin:\n"
            << "  email:    " << domain::kDemoAdminEmail << "\n"
            << "  password: " << domain::kDemoAdminPassword << "\n"
            << "or as a member: " << domain::kDemoMemberEmail << " / "
            << domain::kDemoMemberPassword << "\n";
  return 0;
}

void PrintErrors(const domain::Outcome& outcome) {
  for (const auto& e : outcome.errors) std::cerr << e.field << ": " << e.message << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"coproduce: partners co-producing local services on an equal footing."};
  cli.require_subcommand(1);
  std::string data_dir = EnvOr("COPRODUCE_DATA", "data");
  database_address = EnvOr("COPRODUCE_DATABASE", "");
  const std::string database_help =
      "The database: postgresql://USER@HOST:PORT/NAME, or sqlite:PATH (COPRODUCE_DATABASE; "
      "default: SQLite in the data folder).";

  CLI::App* serve = cli.add_subcommand("serve", "Serve the web application.");
  std::string host = EnvOr("COPRODUCE_HOST", "127.0.0.1");
  int port = std::atoi(EnvOr("COPRODUCE_PORT", "8080").c_str());
  std::string base_url = EnvOr("COPRODUCE_BASE_URL", "");
  bool trust_proxy = false, quiet = false;
  serve->add_option("--host", host, "Address to listen on (COPRODUCE_HOST).");
  serve->add_option("--port", port, "Port to listen on (COPRODUCE_PORT).")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--data", data_dir, "Folder for the database and uploads (COPRODUCE_DATA).");
  serve->add_option("--database", database_address, database_help);
  serve->add_option("--base-url", base_url,
                    "The address people use, for links in messages (COPRODUCE_BASE_URL).");
  serve->add_flag("--trust-proxy", trust_proxy,
                  "Trust X-Forwarded-For and X-Forwarded-Proto from a proxy.");
  serve->add_flag("--quiet", quiet, "Do not log each request.");

  CLI::App* migrate = cli.add_subcommand("migrate", "Bring the database schema up to date.");
  migrate->add_option("--data", data_dir, "Folder for the database and uploads (COPRODUCE_DATA).");
  migrate->add_option("--database", database_address, database_help);
  std::string copy_from, copy_to;
  migrate->add_option("--from", copy_from,
                      "With --to: copy an installation from this SQLite database (sqlite:PATH).");
  migrate->add_option("--to", copy_to,
                      "With --from: into this new, empty PostgreSQL database (postgresql://...).");

  CLI::App* demo =
      cli.add_subcommand("demo", "Seed a fictional partnership to try coproduce with.");
  demo->add_option("--data", data_dir, "Folder for the database and uploads (COPRODUCE_DATA).");
  demo->add_option("--database", database_address, database_help);

  CLI::App* admin = cli.add_subcommand("admin", "Administer the installation.");
  admin->add_option("--data", data_dir, "Folder for the database and uploads (COPRODUCE_DATA).");
  admin->add_option("--database", database_address, database_help);
  admin->require_subcommand(1);
  std::string slug, name, description, email, role = "admin";
  CLI::App* create = admin->add_subcommand("create-partnership", "Create a partnership.");
  create->add_option("--slug", slug, "Short name used in web addresses, like borders.")->required();
  create->add_option("--name", name, "Full name of the partnership.")->required();
  create->add_option("--description", description, "One or two sentences about it.");
  CLI::App* invite =
      admin->add_subcommand("invite", "Invite a person and print their sign-up link.");
  invite->add_option("--partnership", slug, "The partnership's short name.")->required();
  invite->add_option("--email", email, "Their email address.")->required();
  invite->add_option("--name", name, "Their full name.")->required();
  invite->add_option("--role", role, "member, facilitator or admin (default admin).");
  int limit = 20;
  CLI::App* outbox = admin->add_subcommand("outbox", "Print the messages waiting to be sent.");
  outbox->add_option("--limit", limit, "How many, newest first.");

  cli::TallyArgs tally_args;
  CLI::App* tally = cli::AddTallyCommand(cli, tally_args);
  cli::OpinionArgs opinion_args;
  CLI::App* opinion = cli::AddOpinionCommand(cli, opinion_args);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help is not an error; every other parse problem is a usage error (exit status 2).
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (*tally) return cli::RunTally(tally_args);
  if (*opinion) return cli::RunOpinion(opinion_args);
  try {
    domain::InitSecurity();
    if (*serve) return Serve(host, port, data_dir, base_url, trust_proxy, quiet);
    if (*migrate && (!copy_from.empty() || !copy_to.empty())) {
      if (copy_from.empty() || copy_to.empty()) {
        std::cerr << "Give both --from sqlite:PATH and --to postgresql://... to move an "
                     "installation.\n";
        return 2;
      }
      return CopyInstallation(copy_from, copy_to);
    }
    if (*migrate) {
      OpenAndMigrate(data_dir, true);
      return 0;
    }
    if (*demo) return Demo(data_dir);
    auto connection = OpenAndMigrate(data_dir, false);
    if (*create) {
      const domain::Outcome outcome =
          domain::CreatePartnership(*connection, Now(), slug, name, description);
      if (!outcome.ok()) {
        PrintErrors(outcome);
        return 3;
      }
      std::cout << "Created the partnership " << name << " at /p/" << slug << ".\n";
      return 0;
    }
    if (*invite) {
      const auto partnership = domain::FindPartnership(*connection, slug);
      if (!partnership) {
        std::cerr << "There is no partnership called " << slug << ".\n";
        return 3;
      }
      const std::string base = EnvOr("COPRODUCE_BASE_URL", "http://localhost:8080");
      const auto created = domain::CreateInvitation(*connection, Now(), domain::Actor::System(),
                                                    partnership->id, name, email, role, base);
      if (!created.outcome.ok()) {
        PrintErrors(created.outcome);
        return 3;
      }
      std::cout << "Send " << name
                << " this link to create their account (it works once, for 14 days):\n"
                << base << "/invite/" << created.token << "\n";
      return 0;
    }
    if (*outbox) {
      for (const auto& m : domain::ListOutbox(*connection, limit)) {
        std::cout << "To: " << m.to_address << "\nSubject: " << m.subject << "\n\n"
                  << m.body << "\n---\n";
      }
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "coproduce: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
