// Moving an installation from SQLite to PostgreSQL: copy every table, then compare the two
// databases table by table (row counts and checksums). Used by
// `coproduce migrate --from sqlite:PATH --to postgresql://...`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/connection.hpp"

namespace coproduce::db {

struct TableComparison final {
  std::string table;
  int64_t source_rows = 0;
  int64_t target_rows = 0;
  std::string source_checksum;  // 16 hex digits; the same rows give the same checksum
  std::string target_checksum;
  bool same() const { return source_rows == target_rows && source_checksum == target_checksum; }
};

struct CopyReport final {
  std::vector<TableComparison> tables;  // in the order they were copied (parents first)
  bool same() const;
  int64_t rows() const;  // in the source
};

// Copies every table of `from` (SQLite) into `to` (PostgreSQL) in one transaction, parents
// before children, then compares them. Both must have the same schema (run the migrations on
// both first); the migrations' own record (schema_migrations) is not copied. Throws
// std::runtime_error with a sentence if `to` already holds rows (nothing is written then) or if
// an engine is not the one expected; a failed copy is rolled back.
CopyReport CopyDatabase(Connection& from, Connection& to);

// Compares every table of `from` (SQLite) with the same table in `to`. A row's checksum reads
// its values as text, so 7 stored as an integer on one side and as text on the other compare
// equal; the order rows are stored in does not matter.
CopyReport CompareDatabases(Connection& from, Connection& to);

}  // namespace coproduce::db
