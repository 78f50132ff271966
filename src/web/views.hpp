// Mustache templates, parsed once at start-up from templates/*.mustache. Values are
// HTML-escaped unless a template uses {{{triple}}}; only our own rendered HTML goes there.
// Templates named "_x.mustache" are partials, used as {{> _x}}.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <kainjow/mustache.hpp>

namespace coproduce::web {

using Data = kainjow::mustache::data;
using List = kainjow::mustache::list;

class Views final {
 public:
  // Throws std::runtime_error naming the template and the parser's message for a bad one.
  explicit Views(const std::filesystem::path& folder);
  // Renders a template by name ("sign_in"). Thread-safe: each thread renders from its own
  // copy of the parsed templates (kainjow's render is not const).
  std::string Render(std::string_view name, Data data) const;

 private:
  std::map<std::string, kainjow::mustache::mustache, std::less<>> templates_;
  std::map<std::string, std::string, std::less<>> partials_;
};

}  // namespace coproduce::web
