#include "store/migrations.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace coproduce::db {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "number INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, "
    "applied_at INTEGER NOT NULL)";
constexpr std::string_view kSelectApplied =
    "SELECT number, checksum FROM schema_migrations ORDER BY number";
constexpr std::string_view kSelectChecksum =
    "SELECT checksum FROM schema_migrations WHERE number = $1";
constexpr std::string_view kInsertApplied =
    "INSERT INTO schema_migrations (number, name, checksum, applied_at) VALUES ($1, $2, $3, $4)";
constexpr std::string_view kSelectCurrent =
    "SELECT COALESCE(MAX(number), 0) FROM schema_migrations";

std::string FourDigits(int number) {
  std::string digits = std::to_string(number);
  if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
  return digits;
}

// "0002_add_votes", as the file is named.
std::string Label(const Migration& migration) {
  return FourDigits(migration.number) + "_" + migration.name;
}

// FNV-1a, 64 bits, as 16 hex digits: stable across machines and library versions, which
// std::hash is not.
std::string Checksum(std::string_view sql) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char byte : sql) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  }
  constexpr char kHex[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) text[i] = kHex[hash & 0xf];
  return text;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw std::runtime_error("Could not read the migration file \"" + path.string() +
                             "\"; check that it is readable.");
  }
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

void VerifyChecksum(const Migration& migration, const std::string& recorded) {
  const std::string current = Checksum(migration.sql);
  if (current == recorded) return;
  throw std::runtime_error("Migration " + Label(migration) +
                           " has changed since it was applied (recorded checksum " + recorded +
                           ", file checksum " + current +
                           "). Restore the file as it was and put the change in a new migration.");
}

// Applies one migration in its own transaction. Returns false if it turns out to be
// applied already (another process got there first).
bool Apply(Connection& connection, const Migration& migration) {
  Transaction transaction(connection);
  Rows recorded = connection.Query(kSelectChecksum, {int64_t{migration.number}});
  if (!recorded.empty()) {
    VerifyChecksum(migration, recorded[0].Text(0));
    return false;
  }
  try {
    connection.ExecuteScript(migration.sql);
  } catch (const std::exception& error) {
    // Leaving this scope rolls the transaction back.
    throw std::runtime_error("Migration " + Label(migration) + " failed and was rolled back: " +
                             error.what() + " Fix the migration and run again.");
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  connection.Execute(kInsertApplied,
                     {int64_t{migration.number}, migration.name, Checksum(migration.sql), now});
  transaction.Commit();
  return true;
}

}  // namespace

std::vector<Migration> LoadMigrations(const fs::path& dir, std::string_view engine) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    throw std::runtime_error("The migrations folder \"" + dir.string() +
                             "\" does not exist or is not a folder; check the path.");
  }
  // Sorted so that errors about duplicates name the files in the same order everywhere.
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());

  static const std::regex kFileName(R"(^(\d{4})_([a-z0-9_]+)(\.([a-z]+))?\.sql$)");
  struct Found {
    std::string file;
    fs::path path;
    Migration migration;
  };
  std::map<int, Found> plain;
  std::map<int, Found> variants;  // for this engine only
  for (const fs::path& path : files) {
    const std::string file = path.filename().string();
    std::smatch match;
    if (!std::regex_match(file, match, kFileName)) {
      throw std::runtime_error(
          "The migration file \"" + file +
          "\" is not named like \"0001_name.sql\" or \"0001_name.<engine>.sql\" (four digits, an "
          "underscore, then lowercase letters, digits and underscores); rename it.");
    }
    const int number = std::stoi(match[1].str());
    if (number == 0) {
      throw std::runtime_error("The migration file \"" + file +
                               "\" has number 0000; numbers start at 0001.");
    }
    const bool is_variant = match[4].matched;
    if (is_variant && match[4].str() != engine) continue;
    std::map<int, Found>& found = is_variant ? variants : plain;
    auto [existing, added] =
        found.try_emplace(number, Found{file, path, {number, match[2].str(), ""}});
    if (!added) {
      throw std::runtime_error("The migration files \"" + existing->second.file + "\" and \"" +
                               file + "\" have the same number " + FourDigits(number) +
                               "; give each migration its own number.");
    }
  }

  for (auto& [number, variant] : variants) {
    auto replaced = plain.find(number);
    if (replaced == plain.end()) {
      plain.emplace(number, std::move(variant));
      continue;
    }
    if (replaced->second.migration.name != variant.migration.name) {
      throw std::runtime_error("The migration file \"" + variant.file + "\" replaces \"" +
                               replaced->second.file +
                               "\" but has a different name; give both files the same name.");
    }
    replaced->second = std::move(variant);
  }

  std::vector<Migration> migrations;
  migrations.reserve(plain.size());
  for (auto& [number, found] : plain) {
    found.migration.sql = ReadFile(found.path);
    migrations.push_back(std::move(found.migration));
  }
  return migrations;
}

MigrationReport Migrate(Connection& connection, const std::vector<Migration>& migrations) {
  std::vector<const Migration*> ordered;
  ordered.reserve(migrations.size());
  for (const Migration& migration : migrations) ordered.push_back(&migration);
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->number < b->number; });
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i]->number == ordered[i - 1]->number) {
      throw std::runtime_error("Migrations " + Label(*ordered[i - 1]) + " and " +
                               Label(*ordered[i]) +
                               " have the same number; give each its own number.");
    }
  }

  connection.Execute(kCreateTable);
  std::map<int, std::string> recorded;
  for (const Row& row : connection.Query(kSelectApplied)) {
    recorded.emplace(static_cast<int>(row.Int(0)), row.Text(1));
  }
  // Every check comes before any change, so a changed migration stops the run untouched.
  for (const Migration* migration : ordered) {
    auto found = recorded.find(migration->number);
    if (found != recorded.end()) VerifyChecksum(*migration, found->second);
  }

  MigrationReport report;
  for (const Migration* migration : ordered) {
    if (recorded.contains(migration->number)) continue;
    if (Apply(connection, *migration)) report.applied.push_back(migration->number);
  }
  report.current = static_cast<int>(connection.Query(kSelectCurrent)[0].Int(0));
  return report;
}

}  // namespace coproduce::db
