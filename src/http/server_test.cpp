#include "http/server.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>
#include <csignal>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

namespace coproduce::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using HttpResponse = bhttp::response<bhttp::string_body>;

// A blocking client whose reads give up after five seconds, so that a bug fails a test
// instead of hanging it.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval timeout{.tv_sec = 5, .tv_usec = 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }

  void WriteRaw(std::string_view data) { asio::write(socket_, asio::buffer(data)); }

  HttpResponse Send(const std::string& method, const std::string& target, std::string body = "",
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    bhttp::request<bhttp::string_body> request(bhttp::string_to_verb(method), target, 11);
    request.method_string(method);
    request.set(bhttp::field::host, "localhost");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    bhttp::write(socket_, request);
    return Read(method == "HEAD");
  }

  HttpResponse Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    parser.body_limit(std::uint64_t{64} * 1024 * 1024);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }

  // Everything the server sends until it closes the connection.
  std::string ReadUntilClosed() {
    std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.clear();
    boost::system::error_code ec;
    char chunk[4096];
    while (true) {
      std::size_t n = socket_.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      out.append(chunk, n);
    }
    if (ec != asio::error::eof && ec != asio::error::connection_reset) {
      ADD_FAILURE() << "the server did not close the connection: " << ec.message();
    }
    return out;
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

class ServerTest : public ::testing::Test {
 protected:
  void Start(Handler app, ServerOptions options = {}) {
    options.port = 0;
    if (options.io_threads == 0) options.io_threads = 2;
    if (options.worker_threads == 0) options.worker_threads = 2;
    options.access_log = false;
    server_ = std::make_unique<Server>(options, std::move(app), [](int status) {
      return Response::Html(status, "error page " + std::to_string(status));
    });
    server_->Listen();
    ASSERT_NE(server_->port(), 0);
    run_ = std::async(std::launch::async, [this] {
      run_thread_ = std::this_thread::get_id();
      server_->Run();
    });
  }

  // True when Run returned within the time.
  bool StopAndWait(std::chrono::seconds limit = std::chrono::seconds(5)) {
    server_->Stop();
    return run_.wait_for(limit) == std::future_status::ready;
  }

  void TearDown() override {
    if (server_ && run_.valid()) {
      server_->Stop();
      run_.get();
    }
  }

  uint16_t port() const { return server_->port(); }

  std::unique_ptr<Server> server_;
  std::future<void> run_;
  std::atomic<std::thread::id> run_thread_;
};

Handler Echo() {
  return [](Request& request) {
    std::string body = request.method + " " + request.path + " |";
    for (const auto& [name, value] : request.query)
      body.append(" ").append(name).append("=").append(value);
    body += " | " + request.remote_address + (request.secure ? " secure" : "");
    body += " | " + request.body;
    return Response::Text(200, std::move(body));
  };
}

TEST_F(ServerTest, AnswersAGet) {
  Start(Echo());
  Client client(port());
  HttpResponse response = client.Send("GET", "/p/caf%C3%A9%20plan?q=a+b&q=%26&x");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "GET /p/caf\xC3\xA9 plan | q=a b q=& x= | 127.0.0.1 | ");
  EXPECT_EQ(response[bhttp::field::content_length], std::to_string(response.body().size()));
  EXPECT_EQ(response[bhttp::field::content_type], "text/plain; charset=utf-8");
}

TEST_F(ServerTest, KeepsTheConnectionAlive) {
  std::atomic<int> calls{0};
  Start([&calls](Request&) { return Response::Text(200, "call " + std::to_string(++calls)); });
  Client client(port());
  HttpResponse first = client.Send("GET", "/a");
  HttpResponse second = client.Send("GET", "/b");
  EXPECT_EQ(first.body(), "call 1");
  EXPECT_EQ(second.body(), "call 2");
  EXPECT_TRUE(second.keep_alive());
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  Start(Echo());
  Client client(port());
  client.WriteRaw(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(client.Read().body(), "GET /one | | 127.0.0.1 | ");
  EXPECT_EQ(client.Read().body(), "POST /two | | 127.0.0.1 | abc");
}

TEST_F(ServerTest, PostBodyReachesTheHandler) {
  Start(Echo());
  Client client(port());
  HttpResponse response = client.Send("POST", "/form", "title=Hello+world",
                                      {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "POST /form | | 127.0.0.1 | title=Hello+world");
}

TEST_F(ServerTest, AnswersExpectContinue) {
  Start(Echo());
  Client client(port());
  client.WriteRaw(
      "PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  HttpResponse interim = client.Read();
  EXPECT_EQ(interim.result_int(), 100);
  client.WriteRaw("hello");
  EXPECT_EQ(client.Read().body(), "PUT /up | | 127.0.0.1 | hello");
}

TEST_F(ServerTest, HeadGetsHeadersWithoutABody) {
  Start([](Request& request) {
    Response response = Response::Text(200, "twelve bytes");
    if (request.path == "/declared") {
      response.body.clear();
      response.SetHeader("Content-Length", "42");
    }
    return response;
  });
  Client client(port());
  HttpResponse head = client.Send("HEAD", "/page");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[bhttp::field::content_length], "12");
  EXPECT_TRUE(head.body().empty());
  HttpResponse declared = client.Send("HEAD", "/declared");
  EXPECT_EQ(declared[bhttp::field::content_length], "42");
  // The connection is still in step: no body bytes were sent after the HEAD responses.
  EXPECT_EQ(client.Send("GET", "/page").body(), "twelve bytes");
}

TEST_F(ServerTest, NoContentAndNotModifiedHaveNoBody) {
  Start([](Request& request) {
    Response response = Response::Text(request.path == "/204" ? 204 : 304, "ignored");
    response.AddHeader("X-Injected", "a\r\nSet-Cookie: evil=1");
    return response;
  });
  Client client(port());
  client.WriteRaw("GET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\n\r\n");
  HttpResponse no_content = client.Read();
  EXPECT_EQ(no_content.result_int(), 204);
  EXPECT_TRUE(no_content.body().empty());
  EXPECT_EQ(no_content.count(bhttp::field::set_cookie), 0U);
  EXPECT_EQ(no_content.count("X-Injected"), 0U);
  HttpResponse not_modified = client.Read(/*head=*/true);  // 304 has no body by definition
  EXPECT_EQ(not_modified.result_int(), 304);
  EXPECT_EQ(not_modified.count(bhttp::field::content_length), 0U);
  EXPECT_EQ(client.Send("GET", "/204").result_int(), 204);  // still in step
}

TEST_F(ServerTest, BodyOverTheLimitGets413AndClose) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  Start(Echo(), options);
  {
    Client client(port());
    EXPECT_EQ(client.Send("POST", "/", std::string(1024, 'x')).result_int(), 200);
  }
  Client client(port());
  // Large enough that the server must read it away before closing, or the client sees a reset.
  HttpResponse response = client.Send("POST", "/", std::string(std::size_t{4} * 1024 * 1024, 'x'));
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response.body(), "error page 413");
  EXPECT_FALSE(response.keep_alive());
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitGets413) {
  ServerOptions options;
  options.max_body_bytes = 10;
  Start(Echo(), options);
  Client client(port());
  client.WriteRaw(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
  HttpResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response.body(), "error page 413");
}

TEST_F(ServerTest, MalformedRequestGets400AndClose) {
  Start(Echo());
  for (std::string_view raw :
       {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", "GET no-slash HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    Client client(port());
    client.WriteRaw(raw);
    std::string answer = client.ReadUntilClosed();
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << raw << "\n" << answer;
    EXPECT_TRUE(answer.ends_with("error page 400")) << raw << "\n" << answer;
  }
}

TEST_F(ServerTest, HugeHeadersGet431) {
  Start(Echo());
  Client client(port());
  client.WriteRaw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " +
                  std::string(std::size_t{20} * 1024, 'a') + "\r\n\r\n");
  std::string answer = client.ReadUntilClosed();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 431 ")) << answer.substr(0, 100);
}

TEST_F(ServerTest, ThrowingHandlerGets500) {
  Start([](Request& request) -> Response {
    if (request.path == "/boom") throw std::runtime_error("database is on fire");
    if (request.path == "/int") throw 42;
    return Response::Text(200, "fine");
  });
  Client client(port());
  HttpResponse boom = client.Send("GET", "/boom");
  EXPECT_EQ(boom.result_int(), 500);
  EXPECT_EQ(boom.body(), "error page 500");
  EXPECT_EQ(client.Send("GET", "/int").result_int(), 500);
  EXPECT_EQ(client.Send("GET", "/ok").body(), "fine");  // the connection survives
}

TEST_F(ServerTest, HandlerRunsOffTheIoThread) {
  std::atomic<std::thread::id> handler_thread;
  ServerOptions options;
  options.io_threads = 1;  // then the thread that calls Run is the only I/O thread
  Start(
      [&](Request&) {
        handler_thread = std::this_thread::get_id();
        return Response::Text(200, "ok");
      },
      options);
  Client client(port());
  EXPECT_EQ(client.Send("GET", "/").result_int(), 200);
  EXPECT_NE(handler_thread.load(), std::thread::id());
  EXPECT_NE(handler_thread.load(), run_thread_.load());
}

TEST_F(ServerTest, TrustsForwardedHeadersOnlyWhenAsked) {
  std::vector<std::pair<std::string, std::string>> forwarded = {
      {"X-Forwarded-For", " 203.0.113.9 , 10.0.0.1"}, {"X-Forwarded-Proto", "HTTPS"}};
  {
    Start(Echo());
    Client client(port());
    EXPECT_EQ(client.Send("GET", "/", "", forwarded).body(), "GET / | | 127.0.0.1 | ");
    ASSERT_TRUE(StopAndWait());
    run_ = {};
  }
  ServerOptions options;
  options.trust_proxy = true;
  Start(Echo(), options);
  Client client(port());
  EXPECT_EQ(client.Send("GET", "/", "", forwarded).body(), "GET / | | 203.0.113.9 secure | ");
}

TEST_F(ServerTest, StopMakesRunReturnAndClosesIdleConnections) {
  Start(Echo());
  Client idle(port());
  EXPECT_EQ(idle.Send("GET", "/").result_int(), 200);
  ASSERT_TRUE(StopAndWait());
  EXPECT_EQ(idle.ReadUntilClosed(), "");
  EXPECT_THROW(Client{port()}, boost::system::system_error);
}

TEST_F(ServerTest, SigtermStopsTheServerGracefully) {
  Start(Echo());
  Client client(port());
  // A request answered means Run has installed its signal handler (before accepting).
  ASSERT_EQ(client.Send("GET", "/").result_int(), 200);
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  ASSERT_EQ(run_.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  run_.get();
  EXPECT_THROW(Client{port()}, boost::system::system_error);
}

TEST_F(ServerTest, StopLetsRequestsInFlightFinish) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Start([&](Request&) {
    entered.set_value();
    released.wait();
    return Response::Text(200, "finished");
  });
  Client client(port());
  auto answer = std::async(std::launch::async, [&] { return client.Send("GET", "/slow"); });
  entered.get_future().wait();
  server_->Stop();
  EXPECT_EQ(run_.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  release.set_value();
  HttpResponse response = answer.get();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "finished");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(run_.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST_F(ServerTest, StopBeforeRunReturnsAtOnce) {
  ServerOptions options;
  options.port = 0;
  Server server(options, Echo(), [](int) { return Response(); });
  server.Listen();
  server.Stop();
  auto run = std::async(std::launch::async, [&] { server.Run(); });
  EXPECT_EQ(run.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST(EventHubTest, FormatsEventsAndKeepsOnlyTheNewestForEachListener) {
  EXPECT_EQ(FormatEvent("a\nb"), "data: a\ndata: b\n\n");
  EXPECT_EQ(FormatEvent(""), "data: \n\n");
  EventHub hub;
  int wakes = 0;
  auto listener = hub.Subscribe("t", [&] { ++wakes; });
  hub.Publish("other", "x");
  EXPECT_FALSE(listener->Take());
  hub.Publish("t", "1");
  hub.Publish("t", "2");
  EXPECT_EQ(wakes, 2);
  EXPECT_EQ(listener->Take(), "data: 2\n\n");
  EXPECT_FALSE(listener->Take());
  EXPECT_EQ(hub.Listeners("t"), 1u);
  hub.Unsubscribe("t", listener);
  EXPECT_EQ(hub.Listeners(), 0u);
}

TEST_F(ServerTest, StreamsPublishedEventsUntilTheServerStops) {
  EventHub hub;
  ServerOptions options;
  options.events = &hub;
  Start([](Request&) { return Response::EventStream("votes/1", "first\nlines"); }, options);
  Client client(port());
  client.WriteRaw("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n");
  for (int i = 0; i < 500 && hub.Listeners("votes/1") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(hub.Listeners("votes/1"), 1u);
  hub.Publish("votes/1", "second");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(StopAndWait());
  const std::string received = client.ReadUntilClosed();
  EXPECT_NE(received.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_EQ(received.find("Content-Length"), std::string::npos);
  EXPECT_NE(received.find("data: first\ndata: lines\n\n"), std::string::npos);
  EXPECT_NE(received.find("data: second\n\n"), std::string::npos);
  EXPECT_EQ(hub.Listeners(), 0u);
}

TEST_F(ServerTest, WithoutAHubAnEventStreamIsOneEvent) {
  Start([](Request&) { return Response::EventStream("t", "only"); });
  Client client(port());
  const HttpResponse r = client.Send("GET", "/events");
  EXPECT_EQ(r.body(), "data: only\n\n");
}

TEST_F(ServerTest, ListenFailureIsASentence) {
  Start(Echo());
  ServerOptions taken;
  taken.port = port();
  Server second(taken, Echo(), [](int) { return Response(); });
  try {
    second.Listen();
    FAIL() << "listening twice on one port succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(port())), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace coproduce::http
