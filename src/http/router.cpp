#include "http/router.hpp"

#include <cassert>

namespace coproduce::http {

namespace {

// Splits "/a/b/" into {"a", "b"}; "/" gives no segments. A trailing "/" is ignored.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return segments;
  while (true) {
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

struct Search {
  std::string_view method;
  const std::vector<std::string_view>& segments;
  std::vector<std::string_view> values;  // the segments matched by "{name}" so far
  Router::Match& match;
};

}  // namespace

struct Router::Node {
  struct Route {
    Handler handler;
    std::vector<std::string> param_names;  // one per "{name}" segment, in path order
  };
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;                       // the "{name}" child; names live in each Route
  std::map<std::string, Route, std::less<>> routes;  // by method

  // Depth-first with literals tried before the parameter, so "/p/new" wins over "/p/{id}" but
  // "/p/new/edit" still reaches "/p/{id}/edit" when no literal route continues.
  bool Walk(std::size_t depth, Search& search) const {
    if (depth == search.segments.size()) return Finish(search);
    std::string_view segment = search.segments[depth];
    if (auto it = literals.find(segment); it != literals.end()) {
      if (it->second->Walk(depth + 1, search)) return true;
    }
    if (param && !segment.empty()) {
      search.values.push_back(segment);
      if (param->Walk(depth + 1, search)) return true;
      search.values.pop_back();
    }
    return false;
  }

  bool Finish(Search& search) const {
    if (routes.empty()) return false;
    auto it = routes.find(search.method);
    if (it == routes.end() && search.method == "HEAD") it = routes.find("GET");
    Router::Match& match = search.match;
    if (it == routes.end()) {
      if (!match.method_not_allowed) {
        match.method_not_allowed = true;
        for (const auto& [method, route] : routes) {
          if (!match.allow.empty()) match.allow += ", ";
          match.allow += method;
          if (method == "GET" && !routes.contains("HEAD")) match.allow += ", HEAD";
        }
      }
      return false;
    }
    match.handler = &it->second.handler;
    match.method_not_allowed = false;
    match.allow.clear();
    const auto& names = it->second.param_names;
    for (std::size_t i = 0; i < names.size(); ++i) {
      match.params[names[i]] = std::string(search.values[i]);
    }
    return true;
  }
};

void Router::Add(std::string method, std::string_view pattern, Handler handler) {
  assert(!pattern.empty() && pattern.front() == '/' && "route patterns start with '/'");
  if (!root_) root_ = std::make_shared<Node>();
  Node* node = root_.get();
  std::vector<std::string> names;
  for (std::string_view segment : Segments(pattern)) {
    assert(!segment.empty() && "route patterns have no empty segments");
    if (IsParam(segment)) {
      names.emplace_back(segment.substr(1, segment.size() - 2));
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
      continue;
    }
    auto& child = node->literals[std::string(segment)];
    if (!child) child = std::make_unique<Node>();
    node = child.get();
  }
  [[maybe_unused]] bool inserted =
      node->routes.try_emplace(std::move(method), Node::Route{std::move(handler), std::move(names)})
          .second;
  assert(inserted && "the same method and pattern were added twice");
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match match;
  if (!root_ || path.empty() || path.front() != '/') return match;
  std::vector<std::string_view> segments = Segments(path);
  Search search{method, segments, {}, match};
  root_->Walk(0, search);
  return match;
}

}  // namespace coproduce::http
