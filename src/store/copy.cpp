#include "store/copy.hpp"

#include <algorithm>
#include <cstddef>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/internal/fnv.hpp"

namespace coproduce::db {
namespace {

// Rows per INSERT: few round trips, far from PostgreSQL's limit of 65,535 parameters.
constexpr std::size_t kBatchRows = 200;

struct Table final {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::string> key;        // primary key columns
  std::vector<std::string> self_refs;  // columns referring to this same table
  std::set<std::string> parents;       // other tables it refers to
};

std::string Quoted(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) out += (out.empty() ? "" : ", ") + Quoted(c);
  return out;
}

void Expect(const Connection& connection, std::string_view engine, std::string_view role) {
  if (connection.Engine() != engine) {
    throw std::runtime_error("The " + std::string(role) + " database must be " +
                             std::string(engine) + "; it is " + std::string(connection.Engine()) +
                             ".");
  }
}

// The source's tables, parents before children (foreign keys), then by name.
std::vector<Table> SqliteTables(Connection& db) {
  std::map<std::string, Table> tables;
  for (const Row& r :
       db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'sqlite_%' AND name <> 'schema_migrations' ORDER BY name")) {
    Table t;
    t.name = r.Text(0);
    std::vector<std::pair<int64_t, std::string>> key;
    for (const Row& c :
         db.Query("SELECT name, pk FROM pragma_table_info($1) ORDER BY cid", {t.name})) {
      t.columns.push_back(c.Text(0));
      if (c.Int(1) > 0) key.emplace_back(c.Int(1), c.Text(0));
    }
    std::sort(key.begin(), key.end());
    for (auto& [order, column] : key) t.key.push_back(column);
    if (t.key.empty()) t.key = t.columns;
    for (const Row& f :
         db.Query("SELECT \"table\", \"from\" FROM pragma_foreign_key_list($1)", {t.name})) {
      if (f.Text(0) == t.name) {
        t.self_refs.push_back(f.Text(1));
      } else {
        t.parents.insert(f.Text(0));
      }
    }
    tables.emplace(t.name, std::move(t));
  }
  std::vector<Table> ordered;
  std::set<std::string> placed;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const auto& entry) {
      return std::all_of(
          entry.second.parents.begin(), entry.second.parents.end(),
          [&](const std::string& p) { return placed.contains(p) || !tables.contains(p); });
    });
    if (ready == tables.end()) ready = tables.begin();  // a cycle: the target will say so
    placed.insert(ready->first);
    ordered.push_back(std::move(ready->second));
    tables.erase(ready);
  }
  return ordered;
}

// Every row of `table` as text, hashed one by one and added up, so that the order rows come
// in does not matter.
void Summarise(Connection& db, const Table& table, int64_t& rows, std::string& checksum) {
  uint64_t sum = 0;
  rows = 0;
  for (const Row& r :
       db.Query("SELECT " + ColumnList(table.columns) + " FROM " + Quoted(table.name))) {
    uint64_t hash = internal::kFnvStart;
    for (std::size_t i = 0; i < r.size(); ++i) {
      hash = internal::Fnv1a(r.IsNull(i) ? std::string_view("\x00N", 2) : "\x01", hash);
      if (!r.IsNull(i)) hash = internal::Fnv1a(r.Text(i), hash);
      hash = internal::Fnv1a("\x1f", hash);
    }
    sum += hash;
    ++rows;
  }
  checksum = internal::Hex64(sum);
}

void CopyTable(Connection& from, Connection& to, const Table& table) {
  const Rows rows =
      from.Query("SELECT " + ColumnList(table.columns) + " FROM " + Quoted(table.name));
  std::vector<bool> deferred(table.columns.size(), false);
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    deferred[i] = std::find(table.self_refs.begin(), table.self_refs.end(), table.columns[i]) !=
                  table.self_refs.end();
  }
  const std::size_t width = table.columns.size();
  for (std::size_t start = 0; start < rows.size(); start += kBatchRows) {
    const std::size_t end = std::min(rows.size(), start + kBatchRows);
    std::string sql =
        "INSERT INTO " + Quoted(table.name) + " (" + ColumnList(table.columns) + ") VALUES ";
    std::vector<Value> params;
    params.reserve((end - start) * width);
    for (std::size_t r = start; r < end; ++r) {
      sql += r == start ? "(" : ", (";
      for (std::size_t c = 0; c < width; ++c) {
        // A reference to a row of the same table waits until every row is in.
        params.push_back(deferred[c] ? Value(nullptr) : rows[r].at(c));
        sql += (c == 0 ? "$" : ", $") + std::to_string(params.size());
      }
      sql += ")";
    }
    to.Execute(sql, params);
  }
  for (std::size_t c = 0; c < width; ++c) {
    if (!deferred[c]) continue;
    std::string sql =
        "UPDATE " + Quoted(table.name) + " SET " + Quoted(table.columns[c]) + " = $1 WHERE ";
    std::vector<std::size_t> key_index;
    for (std::size_t k = 0; k < table.key.size(); ++k) {
      const auto at = std::find(table.columns.begin(), table.columns.end(), table.key[k]);
      key_index.push_back(static_cast<std::size_t>(at - table.columns.begin()));
      sql += (k == 0 ? "" : " AND ") + Quoted(table.key[k]) + " = $" + std::to_string(k + 2);
    }
    for (const Row& row : rows) {
      if (row.IsNull(c)) continue;
      std::vector<Value> params{row.at(c)};
      for (const std::size_t k : key_index) params.push_back(row.at(k));
      to.Execute(sql, params);
    }
  }
  // Identity columns continue after the copied ids.
  if (!rows.empty() &&
      std::find(table.columns.begin(), table.columns.end(), "id") != table.columns.end()) {
    to.Query("SELECT setval(s::regclass, (SELECT MAX(id) FROM " + Quoted(table.name) +
                 ")) FROM pg_get_serial_sequence($1, 'id') AS s WHERE s IS NOT NULL",
             {Quoted(table.name)});
  }
}

CopyReport Compare(Connection& from, Connection& to, const std::vector<Table>& tables) {
  CopyReport report;
  for (const Table& table : tables) {
    TableComparison c;
    c.table = table.name;
    Summarise(from, table, c.source_rows, c.source_checksum);
    Summarise(to, table, c.target_rows, c.target_checksum);
    report.tables.push_back(std::move(c));
  }
  return report;
}

}  // namespace

bool CopyReport::same() const {
  return std::all_of(tables.begin(), tables.end(),
                     [](const TableComparison& t) { return t.same(); });
}

int64_t CopyReport::rows() const {
  int64_t n = 0;
  for (const TableComparison& t : tables) n += t.source_rows;
  return n;
}

CopyReport CopyDatabase(Connection& from, Connection& to) {
  Expect(from, "sqlite", "source");
  Expect(to, "postgresql", "target");
  const std::vector<Table> tables = SqliteTables(from);
  for (const Table& table : tables) {
    if (!to.Query("SELECT 1 FROM " + Quoted(table.name) + " LIMIT 1").empty()) {
      throw std::runtime_error("The target database already has rows in \"" + table.name +
                               "\"; copy into a new, empty database. Nothing was copied.");
    }
  }
  {
    Transaction transaction(to);
    for (const Table& table : tables) CopyTable(from, to, table);
    transaction.Commit();
  }
  return Compare(from, to, tables);
}

CopyReport CompareDatabases(Connection& from, Connection& to) {
  Expect(from, "sqlite", "source");
  return Compare(from, to, SqliteTables(from));
}

}  // namespace coproduce::db
