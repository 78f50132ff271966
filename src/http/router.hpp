// Routes a method and path to a handler. Patterns are made of "/"-separated segments;
// a segment "{name}" matches any one non-empty segment and is passed as a path parameter.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace coproduce::http {

using Handler = std::function<Response(Request&)>;

class Router final {
 public:
  struct Match {
    const Handler* handler = nullptr;  // null when nothing matched
    bool method_not_allowed = false;   // the path exists but not for this method
    std::string allow;                 // with method_not_allowed: "GET, HEAD, POST" for Allow
    std::map<std::string, std::string> params;
  };

  // Registers a handler. Literal segments win over parameters at the same depth.
  // Adding the same method and pattern twice is a programmer error (asserts).
  void Add(std::string method, std::string_view pattern, Handler handler);
  // Finds the handler for a decoded path. HEAD falls back to GET. A trailing "/" is
  // ignored except for the root path. Because the server percent-decodes the path before
  // routing, parameters arrive decoded and an encoded "%2F" separates segments like "/".
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Node;
  std::shared_ptr<Node> root_;
};

}  // namespace coproduce::http
