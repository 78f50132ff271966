#include "store/connection.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace coproduce::db {
namespace {

// Truncates toward zero like SQLite's CAST, clamping what int64_t cannot hold.
int64_t TruncateToInt(double value) {
  if (std::isnan(value)) return 0;
  // 2^63 is exact as a double; every double below it and at or above -2^63 converts safely.
  constexpr double kLimit = 9223372036854775808.0;
  if (value >= kLimit) return std::numeric_limits<int64_t>::max();
  if (value < -kLimit) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

// The whole text must be the number; anything else reads as 0.
template <typename Number>
Number ParseNumber(const std::string& text) {
  Number number{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return Number{};
  return number;
}

}  // namespace

bool Row::IsNull(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(at(i)); }

int64_t Row::Int(std::size_t i) const {
  const Value& value = at(i);
  if (const auto* number = std::get_if<int64_t>(&value)) return *number;
  if (const auto* real = std::get_if<double>(&value)) return TruncateToInt(*real);
  if (const auto* text = std::get_if<std::string>(&value)) return ParseNumber<int64_t>(*text);
  return 0;
}

double Row::Real(std::size_t i) const {
  const Value& value = at(i);
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* number = std::get_if<int64_t>(&value)) return static_cast<double>(*number);
  if (const auto* text = std::get_if<std::string>(&value)) return ParseNumber<double>(*text);
  return 0;
}

std::string Row::Text(std::size_t i) const {
  const Value& value = at(i);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<int64_t>(&value)) return std::to_string(*number);
  if (const auto* real = std::get_if<double>(&value)) {
    // The shortest text that reads back as the same double.
    char buffer[32];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, *real);
    assert(error == std::errc() && "32 characters hold any double");
    return std::string(buffer, end);
  }
  return "";
}

std::optional<std::string> Row::OptText(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

std::optional<int64_t> Row::OptInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

// Inside an open transaction the guard becomes a savepoint, so that a write which guards
// itself can also be part of a larger one (the demo seeding, an import).
Transaction::Transaction(Connection& connection)
    : connection_(connection), nested_(connection.InTransaction()) {
  if (nested_) {
    connection_.ExecuteScript("SAVEPOINT nested");
  } else {
    connection_.Begin();
  }
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    // The engine may already have rolled back on its own after the error that brought us here.
    if (!connection_.InTransaction()) return;
    if (nested_) {
      connection_.ExecuteScript("ROLLBACK TO nested; RELEASE nested");
    } else {
      connection_.Rollback();
    }
  } catch (...) {
    // A destructor must not throw, and may be running during unwinding. If the connection
    // came from a Pool, the Lease tries again and discards the connection if that fails.
  }
}

void Transaction::Commit() {
  if (nested_) {
    connection_.ExecuteScript("RELEASE nested");
  } else {
    connection_.Commit();
  }
  done_ = true;
}

std::chrono::microseconds BusyPause(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int shift = std::clamp(attempt - 1, 0, 8);  // 1 ms, 2 ms, ... at most 256 ms
  const int64_t longest = int64_t{1000} << shift;
  return std::chrono::microseconds(
      std::uniform_int_distribution<int64_t>(longest / 2, longest)(random));
}

std::string_view EngineOf(std::string_view address) {
  if (address.starts_with("postgresql://") || address.starts_with("postgres://")) {
    return "postgresql";
  }
  return "sqlite";
}

std::unique_ptr<Connection> Open(const std::string& address) {
  if (EngineOf(address) == "postgresql") return OpenPostgres(address);
  constexpr std::string_view kPrefix = "sqlite:";
  if (address.starts_with(kPrefix)) return OpenSqlite(address.substr(kPrefix.size()));
  return OpenSqlite(address);
}

struct Pool::Impl {
  Factory factory;
  std::size_t size = 0;
  std::mutex mutex;
  std::condition_variable available;
  std::vector<std::unique_ptr<Connection>> idle;  // reserved to size, so returning never throws
  std::size_t created = 0;                        // connections alive, leased or idle

  // Gives up a place in the pool after a connection failed to open or was thrown away.
  void Forget() {
    {
      std::lock_guard lock(mutex);
      --created;
    }
    available.notify_one();
  }
};

Pool::Pool(Factory factory, std::size_t size) : impl_(std::make_unique<Impl>()) {
  if (!factory)
    throw std::invalid_argument("A connection pool needs a factory that opens connections.");
  if (size == 0) {
    throw std::invalid_argument(
        "A connection pool needs room for at least one connection; pass a size of 1 or more.");
  }
  impl_->factory = std::move(factory);
  impl_->size = size;
  impl_->idle.reserve(size);
}

Pool::~Pool() {
  assert(impl_->idle.size() == impl_->created && "every Lease must end before its Pool");
}

Pool::Lease Pool::Acquire() {
  std::unique_lock lock(impl_->mutex);
  impl_->available.wait(lock,
                        [this] { return !impl_->idle.empty() || impl_->created < impl_->size; });
  if (!impl_->idle.empty()) {
    std::unique_ptr<Connection> connection = std::move(impl_->idle.back());
    impl_->idle.pop_back();
    return Lease(this, std::move(connection));
  }
  // Open outside the lock: opening may be slow, and other threads can still return theirs.
  ++impl_->created;
  lock.unlock();
  std::unique_ptr<Connection> connection;
  try {
    connection = impl_->factory();
  } catch (...) {
    impl_->Forget();
    throw;
  }
  if (!connection) {
    impl_->Forget();
    throw Error(Error::Kind::kOther,
                "The connection pool's factory returned no connection; it must open one or throw.");
  }
  return Lease(this, std::move(connection));
}

void Pool::Release(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->idle.push_back(std::move(connection));
  }
  impl_->available.notify_one();
}

Pool::Lease::Lease(Pool* pool, std::unique_ptr<Connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {}

Pool::Lease::~Lease() {
  if (!connection_) return;
  // Work left in an open transaction was ended by an exception; the next user must not
  // inherit it. A connection that cannot even roll back is closed rather than reused.
  if (connection_->InTransaction()) {
    try {
      connection_->Rollback();
    } catch (...) {
      connection_.reset();
      pool_->impl_->Forget();
      return;
    }
  }
  pool_->Release(std::move(connection_));
}

}  // namespace coproduce::db
