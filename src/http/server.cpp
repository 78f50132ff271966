#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <chrono>
#include <csignal>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace coproduce::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kReadTimeout = std::chrono::seconds(30);
// Longer than kReadTimeout so that an upload near the body limit survives a slow link.
constexpr auto kBodyTimeout = std::chrono::seconds(120);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
// After an error response we read and discard what the client is still sending for a while,
// because closing a socket with unread data resets it and the client may lose our answer.
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = std::size_t{64} * 1024 * 1024;
constexpr std::size_t kHeaderLimit = std::size_t{16} * 1024;
// An event stream sends a comment this often, so that proxies keep it open and a client that
// went away is noticed.
constexpr auto kEventKeepAlive = std::chrono::seconds(15);
constexpr auto kAwaitable = asio::as_tuple(asio::use_awaitable);

using HttpRequest = bhttp::request<bhttp::string_body>;

int ThreadCount(int requested, int per_core) {
  if (requested > 0) return requested;
  return per_core * static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view FirstListEntry(std::string_view list) {
  return Trim(list.substr(0, list.find(',')));
}

// The status for a failed read, or 0 when the connection should just close.
int StatusForReadError(const error_code& ec) {
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return 0;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) return 400;
  return 0;
}

// Fills path and query from the target; false for a target we cannot route.
bool ParseTarget(std::string_view target, Request& request) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url && !target.starts_with('/')) url = boost::urls::parse_absolute_uri(target);
  if (!url) return false;
  std::optional<std::string> path = PercentDecode(std::string_view(url->encoded_path()), false);
  if (!path || path->find('\0') != std::string::npos) return false;
  request.path = path->empty() ? "/" : std::move(*path);
  if (!url->has_query()) return true;
  std::string_view query = url->encoded_query();
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name || !value) return false;
    request.query.emplace(std::move(*name), std::move(*value));
  }
  return true;
}

void LogFailure(const std::exception_ptr& failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    spdlog::error("HTTP connection failed: {}", e.what());
  } catch (...) {
    spdlog::error("HTTP connection failed with an unknown exception");
  }
}

struct Session {
  explicit Session(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool idle = false;  // waiting for a request that has not started; only used on the strand
  std::list<std::weak_ptr<Session>>::iterator registration;
  // While streaming events: the timer the stream waits on, cancelled to wake it.
  std::weak_ptr<asio::steady_timer> events_timer;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options_in, Handler app_in, std::function<Response(int)> error_page_in)
      : options(std::move(options_in)),
        app(std::move(app_in)),
        error_page(std::move(error_page_in)),
        io_threads(ThreadCount(options.io_threads, 1)),
        ioc(io_threads),
        acceptor(asio::make_strand(ioc)),
        workers(ThreadCount(options.worker_threads, 2)) {}

  ServerOptions options;
  Handler app;
  std::function<Response(int)> error_page;
  int io_threads;
  asio::io_context ioc;
  tcp::acceptor acceptor;  // and signals: used only on the acceptor's strand
  std::optional<asio::signal_set> signals;
  asio::thread_pool workers;
  std::atomic<uint16_t> port{0};
  std::atomic<bool> stopping{false};
  std::mutex sessions_mutex;  // taken when a connection opens or closes, not per request
  std::list<std::weak_ptr<Session>> sessions;

  Response ErrorPage(int status) {
    try {
      if (error_page) return error_page(status);
    } catch (const std::exception& e) {
      spdlog::error("The error page for status {} failed: {}", status, e.what());
    } catch (...) {
      spdlog::error("The error page for status {} failed", status);
    }
    return Response::Text(status, std::string(StatusText(status)));
  }

  // Runs on a worker thread. Handlers must not take the I/O threads down, so everything
  // they throw becomes a 500.
  Response CallApp(Request& request) {
    try {
      return app(request);
    } catch (const std::exception& e) {
      spdlog::error("Handler for {} {} failed: {}", request.method, request.target, e.what());
    } catch (...) {
      spdlog::error("Handler for {} {} failed with an unknown exception", request.method,
                    request.target);
    }
    return ErrorPage(500);
  }

  // Completes with the app's response on the caller's executor after running it on the pool.
  template <typename Token>
  auto RunApp(Request& request, Token&& token) {
    return asio::async_initiate<Token, void(Response)>(
        [this, &request](auto handler) {
          auto work = asio::make_work_guard(asio::get_associated_executor(handler));
          asio::post(workers, [this, &request, handler = std::move(handler),
                               work = std::move(work)]() mutable {
            Response response = CallApp(request);
            asio::post(work.get_executor(),
                       [handler = std::move(handler), response = std::move(response)]() mutable {
                         std::move(handler)(std::move(response));
                       });
          });
        },
        token);
  }

  void BeginStop() {
    stopping = true;
    error_code ignored;
    acceptor.close(ignored);
    if (signals) signals->cancel(ignored);
    std::lock_guard lock(sessions_mutex);
    for (const auto& weak : sessions) {
      auto session = weak.lock();
      if (!session) continue;
      asio::post(session->stream.get_executor(), [session] {
        if (session->idle) session->stream.cancel();
        if (auto timer = session->events_timer.lock()) timer->cancel();
      });
    }
  }

  asio::awaitable<void> Accept() {
    while (acceptor.is_open()) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kAwaitable);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
        spdlog::warn("Could not accept a connection: {}", ec.message());
        // Running out of file descriptors would otherwise make this loop spin.
        asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(kAwaitable);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto session = std::make_shared<Session>(std::move(socket));
      {
        std::lock_guard lock(sessions_mutex);
        session->registration = sessions.insert(sessions.end(), session);
      }
      asio::co_spawn(session->stream.get_executor(), Serve(session), LogFailure);
    }
  }

  asio::awaitable<void> Serve(std::shared_ptr<Session> session) {
    error_code ec;
    std::string peer = session->stream.socket().remote_endpoint(ec).address().to_string();
    beast::flat_buffer buffer;
    while (!stopping) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(options.max_body_bytes);
      session->stream.expires_after(kReadTimeout);
      session->idle = true;
      std::tie(ec, std::ignore) =
          co_await bhttp::async_read_header(session->stream, buffer, parser, kAwaitable);
      session->idle = false;
      if (!ec && !parser.is_done()) {
        if (parser.get().version() >= 11 &&
            beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          std::tie(ec, std::ignore) = co_await asio::async_write(
              session->stream, asio::buffer(kContinue.data(), kContinue.size()), kAwaitable);
        }
        if (!ec) {
          session->stream.expires_after(kBodyTimeout);
          std::tie(ec, std::ignore) =
              co_await bhttp::async_read(session->stream, buffer, parser, kAwaitable);
        }
      }
      if (ec) {
        if (int status = StatusForReadError(ec)) co_await Reject(*session, peer, status);
        break;
      }

      auto start = std::chrono::steady_clock::now();
      HttpRequest message = parser.release();
      Request request;
      if (!ParseTarget(message.target(), request)) {
        co_await Reject(*session, peer, 400);
        break;
      }
      request.method = message.method_string();
      request.target = message.target();
      for (const auto& field : message) request.headers.emplace(field.name_string(), field.value());
      request.body = std::move(message.body());
      request.remote_address = peer;
      if (options.trust_proxy) {
        if (auto forwarded = FirstListEntry(request.Header("X-Forwarded-For"));
            !forwarded.empty()) {
          request.remote_address = forwarded;
        }
        request.secure =
            beast::iequals(FirstListEntry(request.Header("X-Forwarded-Proto")), "https");
      }

      Response response = co_await RunApp(request, asio::use_awaitable);
      if (!response.event_topic.empty() && options.events && response.status == 200 &&
          request.method == "GET") {
        if (options.access_log) {
          Log(request.remote_address, request.method, request.target, 200, 0, start);
        }
        co_await StreamEvents(session, response);
        break;
      }
      if (!response.event_topic.empty()) response.body = FormatEvent(response.body);
      bool keep_alive = message.keep_alive() && !stopping;
      std::size_t bytes = 0;
      ec = co_await Write(*session, response, message.version(), request.method == "HEAD",
                          keep_alive, bytes);
      if (options.access_log) {
        Log(request.remote_address, request.method, request.target, response.status, bytes, start);
      }
      if (ec || !keep_alive) break;
    }
    session->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    std::lock_guard lock(sessions_mutex);
    sessions.erase(session->registration);
  }

  // Writes the response, moving its body out; bytes is the body length sent.
  asio::awaitable<error_code> Write(Session& session, Response& response, unsigned version,
                                    bool head, bool keep_alive, std::size_t& bytes) {
    if (response.status < 100 || response.status > 999) {
      spdlog::error("A handler answered with the invalid status {}", response.status);
      response = ErrorPage(500);
    }
    bhttp::response<bhttp::string_body> out(static_cast<bhttp::status>(response.status), version);
    std::optional<std::size_t> declared_length;
    for (auto& [name, value] : response.headers) {
      if (name.empty() || name.find_first_of("\r\n: ") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos) {
        spdlog::error("Dropped the header \"{}\" because it would break the response", name);
        continue;
      }
      if (beast::iequals(name, "Content-Length")) {
        std::size_t length = 0;
        auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), length);
        if (err == std::errc() && end == value.data() + value.size()) declared_length = length;
        continue;
      }
      out.insert(name, value);
    }
    // 1xx, 204 and 304 responses never have a body, nor a Content-Length for one.
    bool has_body = response.status >= 200 && response.status != 204 && response.status != 304;
    std::size_t length = has_body ? response.body.size() : 0;
    // A HEAD response carries the length a GET would have; a handler may declare it.
    if (head && response.body.empty() && declared_length) length = *declared_length;
    if (has_body && !head) out.body() = std::move(response.body);
    if (has_body) out.content_length(length);
    out.keep_alive(keep_alive);
    session.stream.expires_after(kWriteTimeout);
    auto [ec, written] = co_await bhttp::async_write(session.stream, out, kAwaitable);
    bytes = head ? 0 : length;
    co_return ec;
  }

  // Sends the event stream's headers and first event, then every event published on its
  // topic, until the client goes away or the server stops. The connection then closes.
  asio::awaitable<void> StreamEvents(std::shared_ptr<Session> session, Response& response) {
    std::string out = "HTTP/1.1 200 OK\r\nConnection: close\r\nX-Accel-Buffering: no\r\n";
    for (const auto& [name, value] : response.headers) {
      if (name.empty() || name.find_first_of("\r\n: ") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos ||
          beast::iequals(name, "Content-Length") || beast::iequals(name, "Connection")) {
        continue;
      }
      out.append(name).append(": ").append(value).append("\r\n");
    }
    out.append("\r\n").append(FormatEvent(response.body));
    auto timer = std::make_shared<asio::steady_timer>(session->stream.get_executor());
    session->events_timer = timer;
    const std::string topic = response.event_topic;
    // Publish() runs on a worker thread: it only posts a cancel to this connection's strand.
    // The stream takes pending events before each wait on the same strand, so an event
    // published while it writes is not missed.
    auto listener = options.events->Subscribe(
        topic, [weak = std::weak_ptr(timer), executor = session->stream.get_executor()] {
          asio::post(executor, [weak] {
            if (auto t = weak.lock()) t->cancel();
          });
        });
    while (!stopping) {
      session->stream.expires_after(kWriteTimeout);
      auto [write_ec, written] =
          co_await asio::async_write(session->stream, asio::buffer(out), kAwaitable);
      if (write_ec) break;
      out.clear();
      while (out.empty() && !stopping) {
        if (auto event = listener->Take()) {
          out = std::move(*event);
          break;
        }
        timer->expires_after(kEventKeepAlive);
        auto [wait_ec] = co_await timer->async_wait(kAwaitable);
        if (!wait_ec) out = ": keep-alive\n\n";
      }
    }
    options.events->Unsubscribe(topic, listener);
  }

  // Answers a request the server refuses by itself, then closes the connection gently.
  asio::awaitable<void> Reject(Session& session, const std::string& peer, int status) {
    auto start = std::chrono::steady_clock::now();
    std::size_t bytes = 0;
    Response response = ErrorPage(status);
    error_code ec = co_await Write(session, response, 11, false, false, bytes);
    if (options.access_log) Log(peer, "-", "-", status, bytes, start);
    if (ec) co_return;
    session.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    session.stream.expires_after(kLingerTimeout);
    session.idle = true;  // Stop() may cut this short
    std::array<char, std::size_t{16} * 1024> sink;
    std::size_t drained = 0;
    while (drained < kLingerBytes) {
      auto [read_ec, n] = co_await session.stream.async_read_some(asio::buffer(sink), kAwaitable);
      if (read_ec) break;
      drained += n;
    }
  }

  static void Log(std::string_view remote, std::string_view method, std::string_view target,
                  int status, std::size_t bytes, std::chrono::steady_clock::time_point start) {
    std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    spdlog::info("{} {} {} {} {} {:.3f}", remote, method, target, status, bytes, elapsed.count());
  }
};

Server::Server(ServerOptions options, Handler app, std::function<Response(int status)> error_page)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(app), std::move(error_page))) {}

Server::~Server() = default;

void Server::Listen() {
  Impl& d = *impl_;
  error_code ec;
  asio::ip::address address = asio::ip::make_address(d.options.host, ec);
  tcp::endpoint endpoint(address, d.options.port);
  if (ec) {
    tcp::resolver resolver(d.ioc);
    auto results = resolver.resolve(d.options.host, std::to_string(d.options.port), ec);
    if (!ec && !results.empty()) endpoint = results.begin()->endpoint();
  }
  if (!ec) d.acceptor.open(endpoint.protocol(), ec);
  if (!ec) d.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) d.acceptor.bind(endpoint, ec);
  if (!ec) d.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    d.acceptor.close(ignored);
    throw std::runtime_error("Could not listen on " + d.options.host + " port " +
                             std::to_string(d.options.port) + ": " + ec.message() +
                             ". Check the address, and that no other program uses the port.");
  }
  d.port = d.acceptor.local_endpoint().port();
}

uint16_t Server::port() const { return impl_->port; }

void Server::Run() {
  Impl& d = *impl_;
  if (!d.acceptor.is_open() && !d.stopping) Listen();
  d.signals.emplace(d.acceptor.get_executor(), SIGINT, SIGTERM);
  d.signals->async_wait([&d](const error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("Received signal {}; finishing the requests in progress", signal);
    d.BeginStop();
  });
  asio::co_spawn(d.acceptor.get_executor(), d.Accept(), LogFailure);
  std::vector<std::thread> threads;
  for (int i = 1; i < d.io_threads; ++i) threads.emplace_back([&d] { d.ioc.run(); });
  d.ioc.run();
  for (auto& thread : threads) thread.join();
}

void Server::Stop() {
  Impl& d = *impl_;
  d.stopping = true;
  asio::post(d.acceptor.get_executor(), [&d] { d.BeginStop(); });
}

}  // namespace coproduce::http
