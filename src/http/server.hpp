// The HTTP/1.1 server: Boost.Beast on C++20 coroutines. I/O threads only parse and write;
// each handler runs on a separate pool of worker threads, so blocking work (SQLite,
// password hashing) never stalls the I/O threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/event_hub.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace coproduce::http {

struct ServerOptions final {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;    // 0 picks a free port (see Server::port)
  int io_threads = 0;      // 0: one per core
  int worker_threads = 0;  // 0: two per core
  std::size_t max_body_bytes = std::size_t{10} * 1024 * 1024;  // larger bodies get 413
  bool trust_proxy = false;  // honour X-Forwarded-For / X-Forwarded-Proto
  bool access_log = true;
  // Where event streams subscribe (Response::EventStream); without it such a response is
  // sent as one event and the connection closed, and the client reconnects later.
  EventHub* events = nullptr;
};

// Every response is sent with Content-Length computed from its body. A HEAD response is sent
// without its body; when the handler left the body empty, a Content-Length header it set is
// kept (StaticFiles does this). Handlers run on the worker pool; any exception they throw
// becomes error_page(500) and is logged.
class Server final {
 public:
  // app answers every request; error_page renders the page for a status the server itself
  // produces (400 for a malformed request, 413 for a body over the limit, 431 for headers
  // over 16 KiB, 500 for a handler that threw).
  Server(ServerOptions options, Handler app, std::function<Response(int status)> error_page);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; throws std::runtime_error with a sentence when it cannot.
  void Listen();
  // The bound port, after Listen.
  uint16_t port() const;
  // Serves until Stop() or SIGTERM/SIGINT; in-flight requests finish before it returns.
  void Run();
  // Thread-safe; makes Run return after in-flight requests finish.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coproduce::http
