#include "web/views.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace coproduce::web {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("Cannot read the template " + path.string() + ".");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

Views::Views(const std::filesystem::path& folder) {
  if (!std::filesystem::is_directory(folder)) {
    throw std::runtime_error("The templates folder " + folder.string() + " does not exist.");
  }
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".mustache") continue;
    const std::string name = entry.path().stem().string();
    const std::string text = ReadFile(entry.path());
    kainjow::mustache::mustache parsed(text);
    if (!parsed.is_valid()) {
      throw std::runtime_error("The template " + entry.path().string() +
                               " is not valid: " + parsed.error_message());
    }
    if (name.starts_with("_")) partials_.emplace(name, text);
    templates_.emplace(name, std::move(parsed));
  }
}

std::string Views::Render(std::string_view name, Data data) const {
  thread_local std::unordered_map<std::string, kainjow::mustache::mustache> copies;
  const std::string key =
      std::to_string(reinterpret_cast<uintptr_t>(this)) + "/" + std::string(name);
  auto it = copies.find(key);
  if (it == copies.end()) {
    const auto master = templates_.find(name);
    if (master == templates_.end()) {
      throw std::logic_error("No template named " + std::string(name) + ".");
    }
    it = copies.emplace(key, master->second).first;
  }
  for (const auto& [partial, text] : partials_) {
    data.set(partial, kainjow::mustache::partial([&text = text] { return text; }));
  }
  return it->second.render(data);
}

}  // namespace coproduce::web
