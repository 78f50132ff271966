// Numbered schema migrations: files "NNNN_name.sql" in one folder, with an optional
// per-engine variant "NNNN_name.<engine>.sql" that replaces the plain file for that engine.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "store/connection.hpp"

namespace coproduce::db {

struct Migration final {
  int number = 0;
  std::string name;  // "init"
  std::string sql;
};

// The schema is written once, in SQLite's dialect. For PostgreSQL a migration without a
// ".postgresql.sql" variant is translated: "id INTEGER PRIMARY KEY" becomes a 64-bit identity
// column, INTEGER becomes BIGINT (SQLite's integers are 64-bit), REAL DOUBLE PRECISION, BLOB
// BYTEA, and WITHOUT ROWID is dropped. Anything else needs a variant file.
std::string ForPostgres(std::string_view sql);

// Reads the migrations for an engine, sorted by number. Throws std::runtime_error with a
// sentence naming the file for a malformed name or a duplicate number.
std::vector<Migration> LoadMigrations(const std::filesystem::path& dir, std::string_view engine);

struct MigrationReport final {
  std::vector<int> applied;  // numbers applied by this call, in order
  int current = 0;           // the highest number now applied
};

// Applies, each in its own transaction, the migrations not yet recorded in the
// schema_migrations table (number, name, checksum, applied_at). Throws std::runtime_error
// if a migration already applied has since changed (checksum differs) or if a migration
// fails (that migration is rolled back; earlier ones stay applied).
MigrationReport Migrate(Connection& connection, const std::vector<Migration>& migrations);

}  // namespace coproduce::db
