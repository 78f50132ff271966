// The database interface the domain uses. SQL is written once with $1-style placeholders;
// each engine (SQLite now, PostgreSQL later) binds them. Use "RETURNING id" to get new keys.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

namespace coproduce::db {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

// Thrown when a statement fails. kConstraint (unique, foreign key, check) is often an
// expected failure that the caller turns into a message; others end the operation.
class Error : public std::runtime_error {
 public:
  enum class Kind { kConstraint, kBusy, kOther };
  Error(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class Row final {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  bool IsNull(std::size_t i) const;
  int64_t Int(std::size_t i) const;       // 0 for NULL
  double Real(std::size_t i) const;       // 0 for NULL
  std::string Text(std::size_t i) const;  // "" for NULL; numbers are formatted
  std::optional<std::string> OptText(std::size_t i) const;
  std::optional<int64_t> OptInt(std::size_t i) const;
  const Value& at(std::size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

struct Rows final {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
  std::size_t size() const { return rows.size(); }
  const Row& operator[](std::size_t i) const { return rows[i]; }
  auto begin() const { return rows.begin(); }
  auto end() const { return rows.end(); }
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one statement with parameters $1..$N and returns its rows (none for a write
  // without RETURNING). Prepared statements are cached per connection by SQL text.
  virtual Rows Query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs one statement; returns the number of rows it changed.
  virtual int64_t Execute(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs several statements without parameters (migrations, set-up).
  virtual void ExecuteScript(std::string_view sql) = 0;
  // Transactions; prefer the Transaction guard below. Begin takes the write lock at once
  // (BEGIN IMMEDIATE on SQLite) so that two writers never deadlock on upgrade.
  virtual void Begin() = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;
  // True while a transaction is open, whether Begin opened it or a statement did. False once
  // the engine has rolled back on its own after an error. Pool uses it to hand back clean
  // connections.
  virtual bool InTransaction() const = 0;
  // "sqlite" or "postgresql": selects per-engine migration variants.
  virtual std::string_view Engine() const = 0;
};

// Commits on Commit(); rolls back if destroyed before that (an exception ended the work).
// Nested in another transaction it is a savepoint: Commit releases it and an early
// destruction undoes only its own work; the outer transaction decides the rest.
class Transaction final {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Connection& connection_;
  bool nested_ = false;
  bool done_ = false;
};

// How long to wait before attempt `attempt` (2, 3, ...) of work that another transaction got
// in the way of: a random pause that grows with each attempt, so that rivals fall out of step.
std::chrono::microseconds BusyPause(int attempt);

// Runs `work`, and runs it again when it fails with Error kBusy: a conflict with another
// transaction (PostgreSQL's serialization failures and deadlocks, SQLite's busy), which a
// second attempt resolves. At most `attempts` runs in all; the last failure is rethrown.
// `work` must open and finish its own transactions, so that a failed attempt leaves nothing
// behind: use it around a whole request or a whole group of ballots, never inside a
// transaction.
template <typename Work>
auto RetryOnBusy(Work&& work, int attempts = 8) -> decltype(work()) {
  for (int attempt = 1;; ++attempt) {
    try {
      return work();
    } catch (const Error& error) {
      if (error.kind() != Error::Kind::kBusy || attempt >= attempts) throw;
    }
    std::this_thread::sleep_for(BusyPause(attempt + 1));
  }
}

// Opens (creating if needed) a SQLite database with WAL, foreign keys and a busy timeout.
// Throws Error when the file cannot be opened.
std::unique_ptr<Connection> OpenSqlite(const std::string& path);

// Connects to PostgreSQL with a libpq address ("postgresql://user@host:port/database" or
// "host=... dbname=..."). Transactions are serializable; a conflict throws Error kBusy.
// Throws Error when the server cannot be reached or refuses the connection.
std::unique_ptr<Connection> OpenPostgres(const std::string& address);

// Opens the database an address names: "postgresql://..." or "postgres://..." for
// PostgreSQL, "sqlite:PATH" or a plain PATH for SQLite.
std::unique_ptr<Connection> Open(const std::string& address);
// The engine an address names without connecting: "sqlite" or "postgresql".
std::string_view EngineOf(std::string_view address);

// A fixed set of connections shared by worker threads. Acquire blocks until one is free.
class Pool final {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;
  Pool(Factory factory, std::size_t size);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease final {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> connection);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };
  Lease Acquire();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  void Release(std::unique_ptr<Connection> connection);
};

}  // namespace coproduce::db
