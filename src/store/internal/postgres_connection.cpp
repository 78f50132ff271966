// The PostgreSQL engine behind Connection, over libpq. Private to the store: other modules
// reach it only through OpenPostgres (or Open with a postgresql:// address). One connection
// serves one thread at a time (the Pool sees to it).
//
// Statements are prepared once per connection and run with text parameters; results come back
// as text and are turned into the same Value kinds SQLite gives (integers, reals, text, NULL),
// so the domain sees no difference between the engines.
#include <libpq-fe.h>

#include <charconv>
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

// Type oids from PostgreSQL's catalog (pg_type.dat); stable across versions.
constexpr Oid kBool = 16;
constexpr Oid kInt8 = 20;
constexpr Oid kInt2 = 21;
constexpr Oid kInt4 = 23;
constexpr Oid kFloat4 = 700;
constexpr Oid kFloat8 = 701;
constexpr Oid kNumeric = 1700;

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using Handle = std::unique_ptr<PGconn, ConnectionCloser>;

struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultClearer>;

// SQLSTATE classes: 23 integrity constraint violation; 40001 serialization failure and 40P01
// deadlock, which a retry of the whole transaction resolves, as SQLite's busy does.
Error::Kind KindOf(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view code = state != nullptr ? state : "";
  if (code.starts_with("23")) return Error::Kind::kConstraint;
  if (code == "40001" || code == "40P01" || code == "55P03") return Error::Kind::kBusy;
  return Error::Kind::kOther;
}

std::string Trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '.')) {
    text.pop_back();
  }
  return text;
}

// A number with nothing else in the text, or nothing.
template <typename Number>
std::optional<Number> Parse(std::string_view text) {
  Number number{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

Value ToValue(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column) != 0) return nullptr;
  const std::string_view text(PQgetvalue(result, row, column),
                              static_cast<std::size_t>(PQgetlength(result, row, column)));
  switch (PQftype(result, column)) {
    case kBool:
      return int64_t{text == "t" ? 1 : 0};
    case kInt2:
    case kInt4:
    case kInt8:
      if (auto number = Parse<int64_t>(text)) return *number;
      break;
    case kFloat4:
    case kFloat8:
      if (auto real = Parse<double>(text)) return *real;
      break;
    case kNumeric:  // SUM over bigint gives numeric: whole values read as integers, as in SQLite
      if (auto number = Parse<int64_t>(text)) return *number;
      if (auto real = Parse<double>(text)) return *real;
      break;
    default:
      break;
  }
  return std::string(text);
}

// Notices (such as "relation already exists, skipping") are not errors; keep them off stderr.
void IgnoreNotice(void* /*unused*/, const char* /*message*/) {}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(Handle connection) : connection_(std::move(connection)) {}

  Rows Query(std::string_view sql, const std::vector<Value>& params) override {
    const Result result = Run(sql, params);
    Rows rows;
    const int columns = PQnfields(result.get());
    const int count = PQntuples(result.get());
    rows.columns.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) rows.columns.emplace_back(PQfname(result.get(), c));
    rows.rows.reserve(static_cast<std::size_t>(count));
    for (int r = 0; r < count; ++r) {
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) values.push_back(ToValue(result.get(), r, c));
      rows.rows.emplace_back(std::move(values));
    }
    return rows;
  }

  int64_t Execute(std::string_view sql, const std::vector<Value>& params) override {
    const Result result = Run(sql, params);
    // Empty for statements that change no rows by nature (BEGIN, CREATE ...).
    return Parse<int64_t>(PQcmdTuples(result.get())).value_or(0);
  }

  void ExecuteScript(std::string_view sql) override {
    const std::string script(sql);
    Check(Result(PQexec(connection_.get(), script.c_str())), sql);
  }

  // Serializable transactions give what SQLite's single writer gives: every transaction sees
  // the database as if it ran alone. A conflict is an Error of kind kBusy; the caller retries
  // the whole transaction (RetryOnBusy).
  void Begin() override { ExecuteScript("BEGIN ISOLATION LEVEL SERIALIZABLE"); }
  void Commit() override { ExecuteScript("COMMIT"); }
  void Rollback() override { ExecuteScript("ROLLBACK"); }
  bool InTransaction() const override {
    // PQTRANS_INERROR: a statement failed and the transaction waits for its ROLLBACK.
    const PGTransactionStatusType status = PQtransactionStatus(connection_.get());
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
  }
  std::string_view Engine() const override { return "postgresql"; }

 private:
  Result Run(std::string_view sql, const std::vector<Value>& params) {
    const std::string& name = Prepare(sql);
    std::vector<std::string> texts(params.size());
    std::vector<const char*> pointers(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& value = params[i];
      if (std::holds_alternative<std::nullptr_t>(value)) continue;
      if (const auto* number = std::get_if<int64_t>(&value)) {
        texts[i] = std::to_string(*number);
      } else if (const auto* real = std::get_if<double>(&value)) {
        char buffer[32];
        const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, *real);
        texts[i] = error == std::errc() ? std::string(buffer, end) : "NaN";
      } else {
        texts[i] = std::get<std::string>(value);
      }
      pointers[i] = texts[i].c_str();
    }
    Result result(PQexecPrepared(connection_.get(), name.c_str(), static_cast<int>(params.size()),
                                 pointers.data(), nullptr, nullptr, 0));
    return Check(std::move(result), sql);
  }

  const std::string& Prepare(std::string_view sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
    std::string name = "s" + std::to_string(statements_.size() + 1);
    const std::string text(sql);
    Check(Result(PQprepare(connection_.get(), name.c_str(), text.c_str(), 0, nullptr)), sql);
    return statements_.emplace(text, std::move(name)).first->second;
  }

  Result Check(Result result, std::string_view sql) {
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    const std::string message = result ? Trimmed(PQresultErrorMessage(result.get()))
                                       : Trimmed(PQerrorMessage(connection_.get()));
    const std::string what =
        "The database could not run \"" + Excerpt(sql) + "\": " + message + ".";
    if (PQstatus(connection_.get()) == CONNECTION_BAD) {
      // The server closed the connection (a restart, a failover, an administrator). Connect
      // again now, so that the pooled connection is good for the next user; the work in hand
      // was lost with the old session, so it fails as busy and RetryOnBusy runs it again.
      PQreset(connection_.get());
      statements_.clear();  // prepared statements belonged to the old session
      if (PQstatus(connection_.get()) == CONNECTION_OK) {
        PQsetNoticeProcessor(connection_.get(), IgnoreNotice, nullptr);
        throw Error(Error::Kind::kBusy, what + " The connection was made again.");
      }
    }
    throw Error(KindOf(result.get()), what);
  }

  Handle connection_;
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> statements_;
};

}  // namespace

std::unique_ptr<Connection> OpenPostgres(const std::string& address) {
  Handle connection(PQconnectdb(address.c_str()));
  if (!connection || PQstatus(connection.get()) != CONNECTION_OK) {
    const std::string why = connection ? Trimmed(PQerrorMessage(connection.get())) : "no memory";
    throw Error(Error::Kind::kOther, "Could not connect to PostgreSQL: " + why + ".");
  }
  PQsetNoticeProcessor(connection.get(), IgnoreNotice, nullptr);
  auto out = std::make_unique<PostgresConnection>(std::move(connection));
  out->ExecuteScript("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
  return out;
}

}  // namespace coproduce::db
