// HTTP request and response values that handlers and tests use without a socket.
// The server (server.hpp) fills a Request from the wire and writes a Response back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coproduce::http {

// Header names compare case-insensitively (RFC 9110).
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct Request final {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: "/p/demo?x=1"
  std::string path;    // percent-decoded path without the query: "/p/demo"
  std::multimap<std::string, std::string> query;  // decoded query parameters
  Headers headers;
  std::string body;
  std::string remote_address;  // peer IP, or X-Forwarded-For's first entry behind a trusted proxy
  bool secure = false;  // true when the client reached us over TLS (X-Forwarded-Proto: https)
  std::map<std::string, std::string> path_params;  // filled by the Router: "{id}" -> "42"

  // The first value of a header, or "" when absent.
  std::string_view Header(std::string_view name) const;
  // The value of a cookie from the Cookie header, if present.
  std::optional<std::string> Cookie(std::string_view name) const;
  // The first value of a query parameter, if present.
  std::optional<std::string> Query(std::string_view name) const;
  // A path parameter set by the router; "" when absent.
  const std::string& Param(const std::string& name) const;
};

struct Response final {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set by EventStream: the server keeps the connection open and sends the topic's events
  // (http/event_hub.hpp) after `body`, the first event's data.
  std::string event_topic;

  // Replaces every header of that name with one value.
  void SetHeader(std::string_view name, std::string value);
  // Adds a header, keeping others of the same name (Set-Cookie).
  void AddHeader(std::string name, std::string value);
  // The first value of a header, or "" when absent.
  std::string_view Header(std::string_view name) const;

  static Response Html(int status, std::string body);
  static Response Text(int status, std::string body);
  static Response Json(int status, std::string body);
  // A Server-Sent Events stream of `topic`, starting with an event carrying `first_data`.
  static Response EventStream(std::string topic, std::string first_data);
  // 303 See Other by default, so that a POST is followed by a GET.
  static Response Redirect(std::string location, int status = 303);
};

// Percent-decodes a URL component; '+' becomes a space when plus_as_space is set.
// Returns nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space);
// Percent-encodes everything except unreserved characters (RFC 3986).
std::string PercentEncode(std::string_view in);
// True when the bytes are well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);
// The reason phrase for a status code ("Not Found").
std::string_view StatusText(int status);

}  // namespace coproduce::http
