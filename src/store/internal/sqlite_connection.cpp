// The SQLite engine behind Connection. Private to the store: other modules reach it only
// through OpenSqlite. One connection serves one thread at a time (the Pool sees to it), so
// it is opened without SQLite's own mutex.
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "store/connection.hpp"
#include "store/internal/statements.hpp"

namespace coproduce::db {
namespace {

using internal::Excerpt;
using internal::SqlHash;

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

Error::Kind KindOf(int code) {
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return Error::Kind::kConstraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::Kind::kBusy;
    default:
      return Error::Kind::kOther;
  }
}

[[noreturn]] void Fail(int code, std::string_view message, std::string_view sql) {
  throw Error(KindOf(code),
              "The database could not run \"" + Excerpt(sql) + "\": " + std::string(message) + ".");
}

[[noreturn]] void FailUsage(std::string_view sql, const std::string& problem) {
  throw Error(Error::Kind::kOther, "The statement \"" + Excerpt(sql) + "\" " + problem);
}

// Placeholders are "$1", "$2", ...; returns 0 for any other parameter name.
std::size_t PlaceholderNumber(const char* name) {
  if (name == nullptr || name[0] != '$') return 0;
  std::string_view digits(name + 1);
  std::size_t number = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size()) return 0;
  return number;
}

// Resets a cached statement when its run ends, however it ends, so that it holds no lock
// and no reference to the caller's parameters.
class StatementReset final {
 public:
  explicit StatementReset(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementReset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  sqlite3_stmt* statement_;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(Database db) : db_(std::move(db)) {}

  Rows Query(std::string_view sql, const std::vector<Value>& params) override {
    sqlite3_stmt* statement = Prepare(sql);
    StatementReset reset(statement);
    Bind(statement, sql, params);
    Rows result;
    const int columns = sqlite3_column_count(statement);
    result.columns.reserve(columns);
    for (int i = 0; i < columns; ++i)
      result.columns.emplace_back(sqlite3_column_name(statement, i));
    while (Step(statement, sql)) {
      std::vector<Value> values;
      values.reserve(columns);
      for (int i = 0; i < columns; ++i) values.push_back(ColumnValue(statement, i));
      result.rows.emplace_back(std::move(values));
    }
    return result;
  }

  int64_t Execute(std::string_view sql, const std::vector<Value>& params) override {
    sqlite3_stmt* statement = Prepare(sql);
    StatementReset reset(statement);
    Bind(statement, sql, params);
    // sqlite3_changes keeps the count of the last INSERT, UPDATE or DELETE, so a statement
    // of another kind would report a stale number; the running total tells them apart.
    const int64_t total_before = sqlite3_total_changes64(db_.get());
    while (Step(statement, sql)) {
    }
    if (sqlite3_total_changes64(db_.get()) == total_before) return 0;
    return sqlite3_changes64(db_.get());
  }

  void ExecuteScript(std::string_view sql) override {
    const std::string script(sql);
    char* message = nullptr;
    const int code = sqlite3_exec(db_.get(), script.c_str(), nullptr, nullptr, &message);
    if (code == SQLITE_OK) return;
    const std::string text = message != nullptr ? message : sqlite3_errmsg(db_.get());
    sqlite3_free(message);
    Fail(code, text, sql);
  }

  void Begin() override { Execute("BEGIN IMMEDIATE", {}); }
  void Commit() override { Execute("COMMIT", {}); }
  void Rollback() override { Execute("ROLLBACK", {}); }
  bool InTransaction() const override { return sqlite3_get_autocommit(db_.get()) == 0; }
  std::string_view Engine() const override { return "sqlite"; }

 private:
  // Returns the cached statement for this SQL text, preparing it on first use. The cache
  // is not bounded: SQL is written in code, so the distinct texts are few.
  sqlite3_stmt* Prepare(std::string_view sql) {
    if (auto found = statements_.find(sql); found != statements_.end()) return found->second.get();
    if (sql.size() > static_cast<std::size_t>(INT_MAX)) FailUsage(sql, "is too long.");
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int code = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    Statement statement(raw);
    if (code != SQLITE_OK) Fail(code, sqlite3_errmsg(db_.get()), sql);
    if (!statement) FailUsage(sql, "is empty; pass one SQL statement.");
    if (HasAnotherStatement(std::string_view(tail, sql.data() + sql.size() - tail))) {
      FailUsage(sql,
                "holds more than one statement; run them one at a time, or use ExecuteScript "
                "for statements without parameters.");
    }
    return statements_.emplace(std::string(sql), std::move(statement)).first->second.get();
  }

  // True when the text after the first statement holds more than comments and whitespace.
  bool HasAnotherStatement(std::string_view rest) {
    if (rest.empty()) return false;
    sqlite3_stmt* raw = nullptr;
    const int code =
        sqlite3_prepare_v2(db_.get(), rest.data(), static_cast<int>(rest.size()), &raw, nullptr);
    Statement statement(raw);
    return code != SQLITE_OK || statement != nullptr;
  }

  // Binds "$k" to params[k-1]; SQLite gives each distinct name one index, so a placeholder
  // used twice is bound once. Every parameter must be used, as PostgreSQL requires.
  static void Bind(sqlite3_stmt* statement, std::string_view sql,
                   const std::vector<Value>& params) {
    std::size_t highest = 0;
    const int count = sqlite3_bind_parameter_count(statement);
    for (int index = 1; index <= count; ++index) {
      const char* name = sqlite3_bind_parameter_name(statement, index);
      const std::size_t number = PlaceholderNumber(name);
      if (number == 0) {
        FailUsage(sql, "uses the placeholder \"" + std::string(name != nullptr ? name : "?") +
                           "\"; write placeholders as $1, $2, ... numbered in the order of the "
                           "parameters.");
      }
      if (number > params.size()) {
        FailUsage(sql, "uses $" + std::to_string(number) + " but only " +
                           std::to_string(params.size()) +
                           " parameters were given; pass one value for each placeholder.");
      }
      highest = std::max(highest, number);
      BindValue(statement, sql, index, params[number - 1]);
    }
    if (params.size() > highest) {
      FailUsage(sql, "uses placeholders up to $" + std::to_string(highest) + " but " +
                         std::to_string(params.size()) +
                         " parameters were given; pass one value for each placeholder.");
    }
  }

  static void BindValue(sqlite3_stmt* statement, std::string_view sql, int index,
                        const Value& value) {
    int code = SQLITE_OK;
    if (const auto* number = std::get_if<int64_t>(&value)) {
      code = sqlite3_bind_int64(statement, index, *number);
    } else if (const auto* real = std::get_if<double>(&value)) {
      code = sqlite3_bind_double(statement, index, *real);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      // The caller's parameters outlive the run, and StatementReset unbinds them after it.
      code = sqlite3_bind_text64(statement, index, text->data(), text->size(), SQLITE_STATIC,
                                 SQLITE_UTF8);
    } else {
      code = sqlite3_bind_null(statement, index);
    }
    if (code != SQLITE_OK) Fail(code, sqlite3_errstr(code), sql);
  }

  // Returns true when a row is ready and false when the statement has finished.
  bool Step(sqlite3_stmt* statement, std::string_view sql) {
    const int code = sqlite3_step(statement);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    Fail(code, sqlite3_errmsg(db_.get()), sql);
  }

  static Value ColumnValue(sqlite3_stmt* statement, int column) {
    switch (sqlite3_column_type(statement, column)) {
      case SQLITE_INTEGER:
        return sqlite3_column_int64(statement, column);
      case SQLITE_FLOAT:
        return sqlite3_column_double(statement, column);
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
        return std::string(text, sqlite3_column_bytes(statement, column));
      }
      case SQLITE_BLOB: {
        const auto* blob = static_cast<const char*>(sqlite3_column_blob(statement, column));
        if (blob == nullptr) return std::string();  // a zero-length blob
        return std::string(blob, sqlite3_column_bytes(statement, column));
      }
      default:
        return nullptr;
    }
  }

  // Declared first so that it is destroyed last: statements must be finalized before the
  // database closes.
  Database db_;
  std::unordered_map<std::string, Statement, SqlHash, std::equal_to<>> statements_;
};

}  // namespace

std::unique_ptr<Connection> OpenSqlite(const std::string& path) {
  sqlite3* raw = nullptr;
  const int code =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db(raw);  // SQLite allocates a handle even when opening fails; this frees it.
  if (code != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(code);
    throw Error(KindOf(code), "Could not open the database \"" + path + "\": " + message +
                                  ". Check that its folder exists and is writable.");
  }
  sqlite3_extended_result_codes(db.get(), 1);
  auto connection = std::make_unique<SqliteConnection>(std::move(db));
  // busy_timeout comes first so that switching to WAL waits for another opener.
  try {
    connection->ExecuteScript(
        "PRAGMA busy_timeout = 5000;"
        "PRAGMA journal_mode = WAL;"
        "PRAGMA synchronous = NORMAL;"
        "PRAGMA foreign_keys = ON;");
  } catch (const Error& error) {
    throw Error(error.kind(), "Could not set up the database \"" + path + "\": " + error.what());
  }
  return connection;
}

}  // namespace coproduce::db
