#include "tally/preflib.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "tally/csv_records.hpp"
#include "tally/internal/plain_number.hpp"

namespace coproduce::tally {
namespace {

// More voters than this is a corrupt file, and keeping totals below 2^53 keeps every count
// exact in the doubles of a JSON explanation.
constexpr int64_t kMaxVoters = int64_t{1} << 53;
constexpr int64_t kMaxAlternatives = 1'000'000;

enum class Type { kSoc, kSoi, kToc, kToi };

bool AllowsTies(Type t) { return t == Type::kToc || t == Type::kToi; }
bool NeedsComplete(Type t) { return t == Type::kSoc || t == Type::kToc; }

std::optional<Type> TypeFromString(std::string_view s) {
  if (s == "soc") return Type::kSoc;
  if (s == "soi") return Type::kSoi;
  if (s == "toc") return Type::kToc;
  if (s == "toi") return Type::kToi;
  return std::nullopt;
}

class Reader {
 public:
  Reader(std::string_view text, std::string_view file_name) : text_(text), file_(file_name) {}

  std::variant<Election, ParseError> Read() {
    if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
    if (Trim(text_).find_first_not_of("\n\r \t") == std::string_view::npos) {
      Fail(0, "The file is empty.");
      return std::move(*error_);
    }
    std::size_t pos = 0;
    int line_number = 0;
    while (pos < text_.size()) {
      const char* start = text_.data() + pos;
      const void* nl = std::memchr(start, '\n', text_.size() - pos);
      const std::size_t end =
          nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - text_.data())
                        : text_.size();
      std::string_view line = text_.substr(pos, end - pos);
      pos = end + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      data_start_ = std::min(pos, text_.size());
      if (!Line(line, line_number)) return std::move(*error_);
    }
    if (!in_data_ && !StartData(line_number)) return std::move(*error_);
    if (declared_voters_ && *declared_voters_ != voters_) {
      Fail(voters_line_, "The header says NUMBER VOTERS: " + std::to_string(*declared_voters_) +
                             " but the counts add up to " + std::to_string(voters_) +
                             ". Correct the header or the counts; the file may be incomplete.");
      return std::move(*error_);
    }
    return std::move(election_);
  }

 private:
  bool Fail(int line, std::string message) {
    error_ = ParseError{std::string(file_), line, std::move(message)};
    return false;
  }

  bool Line(std::string_view line, int n) {
    if (!line.empty() && line.front() == '#') {
      if (in_data_) {
        return Fail(n, "A header line comes after the votes. Move every '#' line to the top.");
      }
      return Header(line.substr(1), n);
    }
    if (Trim(line).empty()) return true;
    if (!in_data_ && !StartData(n)) return false;
    return Data(line, n);
  }

  bool Header(std::string_view body, int n) {
    const std::size_t colon = body.find(':');
    if (colon == std::string_view::npos) return true;  // a comment
    const std::string_view key = Trim(body.substr(0, colon));
    const std::string_view value = Trim(body.substr(colon + 1));
    if (key == "TITLE") {
      election_.title = std::string(value);
    } else if (key == "DATA TYPE") {
      type_ = TypeFromString(value);
      if (!type_) {
        return Fail(n, "DATA TYPE " + Quote(value) +
                           " is not one of soc, soi, toc or toi; only ordinal files can be read.");
      }
    } else if (key == "NUMBER ALTERNATIVES") {
      const auto v = WholeNumber(Trim(value));
      if (!v || *v < 0 || *v > kMaxAlternatives) {
        return Fail(n, "NUMBER ALTERNATIVES must be a whole number from 0 to " +
                           std::to_string(kMaxAlternatives) + ", not " + Quote(value) + ".");
      }
      declared_alternatives_ = *v;
      alternatives_line_ = n;
    } else if (key == "NUMBER VOTERS") {
      const auto v = WholeNumber(Trim(value));
      if (!v || *v < 0) {
        return Fail(n, "NUMBER VOTERS must be a whole number, not " + Quote(value) + ".");
      }
      declared_voters_ = *v;
      voters_line_ = n;
    } else if (key.starts_with("ALTERNATIVE NAME")) {
      const auto id = WholeNumber(Trim(key.substr(std::strlen("ALTERNATIVE NAME"))));
      if (!id || *id < 1 || *id > kMaxAlternatives) {
        return Fail(n, "The alternative number in " + Quote(key) +
                           " must be a whole number from 1; write '# ALTERNATIVE NAME 1: name'.");
      }
      if (value.empty()) {
        return Fail(n, "Alternative " + std::to_string(*id) + " has no name. Give it one.");
      }
      if (!names_.emplace(*id, std::string(value)).second) {
        return Fail(n, "Alternative " + std::to_string(*id) +
                           " is named twice. Keep one '# ALTERNATIVE NAME' line per alternative.");
      }
      name_lines_[*id] = n;
    }
    return true;
  }

  // Called at the first data line: the header is complete.
  bool StartData(int n) {
    in_data_ = true;
    if (!type_) {
      const std::size_t dot = file_.rfind('.');
      if (dot != std::string_view::npos) type_ = TypeFromString(file_.substr(dot + 1));
    }
    if (!type_) {
      return Fail(n,
                  "The file has no '# DATA TYPE:' line and its name does not end in .soc, "
                  ".soi, .toc or .toi. Add a DATA TYPE line.");
    }
    int64_t m = 0;
    if (declared_alternatives_) {
      m = *declared_alternatives_;
    } else if (!names_.empty()) {
      m = names_.rbegin()->first;
    }
    if (names_.empty() && m == 0 && !declared_alternatives_) {
      // An old-format file starts with the number of alternatives on a line of its own.
      return Fail(n,
                  "The file has no '# NUMBER ALTERNATIVES:' or '# ALTERNATIVE NAME' lines. "
                  "PrefLib files from before September 2022 use another format; download "
                  "the current version of the file.");
    }
    for (const auto& [id, name] : names_) {
      if (id > m) {
        return Fail(name_lines_[id], "Alternative " + std::to_string(id) +
                                         " is named, but NUMBER ALTERNATIVES is " +
                                         std::to_string(m) + ". Correct one of them.");
      }
    }
    if (static_cast<int64_t>(names_.size()) != m) {
      int64_t missing = 1;
      while (names_.contains(missing)) ++missing;
      return Fail(alternatives_line_, "Alternative " + std::to_string(missing) +
                                          " has no '# ALTERNATIVE NAME " + std::to_string(missing) +
                                          ":' line. Add one.");
    }
    std::map<std::string_view, int64_t> by_name;
    for (const auto& [id, name] : names_) {
      if (const auto [it, fresh] = by_name.emplace(name, id); !fresh) {
        return Fail(name_lines_[id], "Alternatives " + std::to_string(it->second) + " and " +
                                         std::to_string(id) + " are both named " + Quote(name) +
                                         ". Give every alternative its own name.");
      }
    }
    for (auto& [id, name] : names_) election_.candidates.push_back(std::move(name));
    seen_.assign(static_cast<std::size_t>(m), 0);
    // One ballot per remaining line at most: reserving saves moving millions of ballots.
    election_.ballots.reserve(
        static_cast<std::size_t>(std::count(
            text_.begin() + static_cast<std::ptrdiff_t>(data_start_), text_.end(), '\n')) +
        1);
    return true;
  }

  // The usual vote line, "count: id,id,..." in plain numbers without ties, read in one pass.
  // On anything else it returns false having added nothing, and Data reads the line again and
  // says what is wrong with it (or reads the ties and blanks it allows).
  bool ReadPlainOrder(std::string_view line) {
    constexpr int kMaxCountDigits = 15;  // below kMaxVoters
    constexpr int kMaxIdDigits = 9;      // kMaxAlternatives fits
    const char* p = line.data();
    const char* const end = p + line.size();
    uint64_t count = 0;
    if (!internal::ReadPlainNumber(p, end, kMaxCountDigits, count) || p == end || *p != ':') {
      return false;
    }
    ++p;
    while (p < end && *p == ' ') ++p;
    ++stamp_;
    ids_.clear();
    const std::size_t m = election_.candidates.size();
    while (p < end) {
      uint64_t id = 0;
      if (!internal::ReadPlainNumber(p, end, kMaxIdDigits, id) || id < 1 || id > m ||
          seen_[id - 1] == stamp_) {
        return false;
      }
      seen_[id - 1] = stamp_;
      ids_.push_back(static_cast<int>(id - 1));
      if (p < end && (*p != ',' || ++p == end)) return false;
    }
    if (count < 1 || count > static_cast<uint64_t>(kMaxVoters - voters_) ||
        (NeedsComplete(*type_) && ids_.size() != m)) {
      return false;
    }
    voters_ += static_cast<int64_t>(count);
    Ballot& ballot = election_.ballots.emplace_back();
    ballot.multiplicity = static_cast<int64_t>(count);
    ballot.ranking = Ranking::Strict(ids_);
    return true;
  }

  bool Data(std::string_view line, int n) {
    if (ReadPlainOrder(line)) return true;
    const int m = static_cast<int>(election_.candidates.size());
    const char* p = line.data();
    const char* const end = p + line.size();
    auto skip = [&] {
      while (p < end && IsBlank(*p)) ++p;
    };
    skip();
    int64_t count = 0;
    const auto r = std::from_chars(p, end, count);
    if (r.ec == std::errc::result_out_of_range) {
      return Fail(n, "The count at the start of " + Quote(line) + " is too large.");
    }
    if (r.ec != std::errc()) {
      return Fail(
          n, "A vote line must start with a count, as in '12: 3,1,2'; found " + Quote(line) + ".");
    }
    p = r.ptr;
    skip();
    if (p == end || *p != ':') {
      return Fail(
          n, "Expected ':' after the count " + std::to_string(count) + " in " + Quote(line) + ".");
    }
    ++p;
    if (count < 1) {
      return Fail(n, "The count " + std::to_string(count) + " must be at least 1.");
    }
    if (count > kMaxVoters - voters_) {
      return Fail(n, "The counts add up to more than " + std::to_string(kMaxVoters) +
                         " voters; the file is corrupt.");
    }
    voters_ += count;

    ++stamp_;
    Ballot ballot;
    ballot.multiplicity = count;
    ids_.clear();
    ends_.clear();
    bool expect_item = true;  // after the colon or a comma
    skip();
    if (p == end) expect_item = false;  // a blank ballot
    while (p < end) {
      skip();
      if (p == end) break;
      if (!expect_item) {
        if (*p != ',') {
          return Fail(n, "Expected ',' between alternatives, found " +
                             Quote(std::string_view(p, 1)) + " in " + Quote(line) + ".");
        }
        ++p;
        expect_item = true;
        continue;
      }
      const std::size_t group_start = ids_.size();
      if (*p == '{') {
        ++p;
        while (true) {
          skip();
          int id = 0;
          if (!Id(p, end, id, line, n)) return false;
          if (!Take(id, n)) return false;
          ids_.push_back(id);
          skip();
          if (p < end && *p == ',') {
            ++p;
            continue;
          }
          if (p < end && *p == '}') {
            ++p;
            break;
          }
          return Fail(n, "A '{' is not closed by '}' in " + Quote(line) + ".");
        }
        if (ids_.size() - group_start > 1 && !AllowsTies(*type_)) {
          return Fail(n, "This is a " + TypeName() +
                             " file, which cannot contain ties, but the order has one. Use a "
                             ".toc or .toi file for orders with ties.");
        }
      } else {
        int id = 0;
        if (!Id(p, end, id, line, n)) return false;
        if (!Take(id, n)) return false;
        ids_.push_back(id);
      }
      ends_.push_back(static_cast<int>(ids_.size()));
      expect_item = false;
      skip();
    }
    if (expect_item) {
      return Fail(n, "The order ends with ',' in " + Quote(line) + "; remove it.");
    }
    const auto listed = static_cast<int>(ids_.size());
    if (NeedsComplete(*type_) && listed != m) {
      return Fail(n, "This is a " + TypeName() + " file, so every order must rank all " +
                         std::to_string(m) + " alternatives, but this one ranks " +
                         std::to_string(listed) +
                         ". Use a .soi or .toi file for incomplete orders.");
    }
    ballot.ranking = Ranking(ids_, ends_);
    election_.ballots.push_back(std::move(ballot));
    return true;
  }

  bool Id(const char*& p, const char* end, int& id, std::string_view line, int n) {
    int64_t raw = 0;
    const auto r = std::from_chars(p, end, raw);
    if (r.ec == std::errc::result_out_of_range) raw = INT64_MAX;
    if (r.ptr == p) {
      return Fail(n, "Expected an alternative number at " +
                         Quote(std::string_view(p, static_cast<std::size_t>(end - p))) + " in " +
                         Quote(line) + ".");
    }
    p = r.ptr;
    const auto m = static_cast<int64_t>(election_.candidates.size());
    if (raw < 1 || raw > m) {
      return Fail(n, "Alternative " + std::to_string(raw) + " is not in the header, which names " +
                         (m == 0 ? std::string("no alternatives")
                                 : "alternatives 1 to " + std::to_string(m)) +
                         ".");
    }
    id = static_cast<int>(raw - 1);
    return true;
  }

  // Marks `id` as used on this line; false if it already was.
  bool Take(int id, int n) {
    if (seen_[id] == stamp_) {
      return Fail(n, "Alternative " + std::to_string(id + 1) +
                         " appears twice in one order. List each alternative once.");
    }
    seen_[id] = stamp_;
    return true;
  }

  std::string TypeName() const {
    switch (*type_) {
      case Type::kSoc:
        return ".soc";
      case Type::kSoi:
        return ".soi";
      case Type::kToc:
        return ".toc";
      case Type::kToi:
        return ".toi";
    }
    return "";
  }

  std::string_view text_;
  std::string_view file_;
  Election election_;
  std::optional<ParseError> error_;
  std::optional<Type> type_;
  std::optional<int64_t> declared_alternatives_;
  std::optional<int64_t> declared_voters_;
  int alternatives_line_ = 0;
  int voters_line_ = 0;
  std::map<int64_t, std::string> names_;
  std::map<int64_t, int> name_lines_;
  bool in_data_ = false;
  std::size_t data_start_ = 0;  // where the line after the current one starts
  int64_t voters_ = 0;
  std::vector<uint64_t> seen_;  // per alternative, the stamp of the last line that used it
  uint64_t stamp_ = 0;
  std::vector<int> ids_;   // the order being read, reused between lines
  std::vector<int> ends_;  // where each of its groups ends
};

// A ballot's order with empty groups dropped and ties sorted; nullopt if it cannot be written.
std::optional<std::vector<std::vector<int>>> Canonical(const Ballot& ballot, int m,
                                                       std::vector<bool>& used) {
  if (ballot.multiplicity < 1) return std::nullopt;
  used.assign(static_cast<std::size_t>(m), false);
  std::vector<std::vector<int>> order;
  for (const std::span<const int> group : ballot.ranking.groups()) {
    if (group.empty()) continue;
    for (const int c : group) {
      if (c < 0 || c >= m || used[c]) return std::nullopt;
      used[c] = true;
    }
    order.emplace_back(group.begin(), group.end());
    std::sort(order.back().begin(), order.back().end());
  }
  return order;
}

// A header value on one line. A '\r' inside a value is left alone: the reader only splits
// lines at '\n', so the value reads back unchanged.
std::string OneLine(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return std::string(Trim(out));
}

}  // namespace

std::variant<Election, ParseError> ReadPreflib(std::string_view text, std::string_view file_name) {
  return Reader(text, file_name).Read();
}

std::variant<Election, ParseError> ReadPreflibFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ParseError{path.string(), 0,
                      "The file could not be opened. Check that it exists and can be read."};
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = std::move(buffer).str();
  return ReadPreflib(text, path.filename().string());
}

std::string_view PreflibDataType(const Election& election) {
  const auto m = static_cast<std::size_t>(election.candidates.size());
  bool ties = false;
  bool complete = true;
  for (const Ballot& b : election.ballots) {
    std::size_t listed = 0;
    for (const std::span<const int> group : b.ranking.groups()) {
      listed += group.size();
      ties = ties || group.size() > 1;
    }
    complete = complete && listed == m;
  }
  if (ties) return complete ? "toc" : "toi";
  return complete ? "soc" : "soi";
}

std::string WritePreflib(const Election& election, std::string_view file_name) {
  const int m = static_cast<int>(election.candidates.size());
  std::map<std::vector<std::vector<int>>, std::size_t> index;
  Election merged;
  merged.candidates = election.candidates;
  std::vector<bool> used;
  for (const Ballot& b : election.ballots) {
    auto order = Canonical(b, m, used);
    if (!order) continue;
    const auto [it, fresh] = index.emplace(*order, merged.ballots.size());
    if (fresh) {
      Ballot out;
      out.ranking = Ranking(*order);
      out.multiplicity = b.multiplicity;
      merged.ballots.push_back(std::move(out));
    } else {
      int64_t& total = merged.ballots[it->second].multiplicity;
      total = total > INT64_MAX - b.multiplicity ? INT64_MAX : total + b.multiplicity;
    }
  }
  std::stable_sort(
      merged.ballots.begin(), merged.ballots.end(),
      [](const Ballot& a, const Ballot& b) { return a.multiplicity > b.multiplicity; });
  int64_t voters = 0;
  for (const Ballot& b : merged.ballots) {
    voters = voters > INT64_MAX - b.multiplicity ? INT64_MAX : voters + b.multiplicity;
  }

  std::string out;
  if (!file_name.empty()) out += "# FILE NAME: " + OneLine(file_name) + "\n";
  out += "# TITLE: " + OneLine(election.title) + "\n";
  out += "# DATA TYPE: " + std::string(PreflibDataType(merged)) + "\n";
  out += "# NUMBER ALTERNATIVES: " + std::to_string(m) + "\n";
  out += "# NUMBER VOTERS: " + std::to_string(voters) + "\n";
  out += "# NUMBER UNIQUE ORDERS: " + std::to_string(merged.ballots.size()) + "\n";
  for (int c = 0; c < m; ++c) {
    out += "# ALTERNATIVE NAME " + std::to_string(c + 1) + ": " + OneLine(election.candidates[c]) +
           "\n";
  }
  for (const Ballot& b : merged.ballots) {
    out += std::to_string(b.multiplicity);
    out += ':';
    bool first = true;
    for (const std::span<const int> group : b.ranking.groups()) {
      out += first ? " " : ",";
      first = false;
      if (group.size() > 1) out += '{';
      for (std::size_t k = 0; k < group.size(); ++k) {
        if (k > 0) out += ',';
        out += std::to_string(group[k] + 1);
      }
      if (group.size() > 1) out += '}';
    }
    out += '\n';
  }
  return out;
}

}  // namespace coproduce::tally
