#include "tally/case_file.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace coproduce::tally {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

template <typename Int>
std::optional<Int> WholeNumber(std::string_view s) {
  s = Trim(s);
  Int v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// "explanation./a/b" (or "explanation/a/b") -> "/a/b".
std::string PointerOf(std::string_view subject) {
  subject.remove_prefix(std::string_view("explanation").size());
  if (subject.starts_with('.')) subject.remove_prefix(1);
  return std::string(subject);
}

// The STV runner's spellings ("lot seed", "json /x") name the same checks.
std::string CanonicalSubject(std::string_view subject) {
  if (subject == "lot seed") return "lot-seed";
  if (subject.starts_with("json ")) return "explanation" + std::string(Trim(subject.substr(5)));
  return std::string(subject);
}

// Splits at commas outside braces.
std::vector<std::string_view> SplitItems(std::string_view s) {
  std::vector<std::string_view> items;
  int depth = 0;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{') ++depth;
    if (s[i] == '}') --depth;
    if (s[i] == ',' && depth == 0) {
      items.push_back(Trim(s.substr(begin, i - begin)));
      begin = i + 1;
    }
  }
  items.push_back(Trim(s.substr(begin)));
  if (items.size() == 1 && items[0].empty()) items.clear();
  return items;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view file) : text_(text) {
    case_.file = std::string(file);
  }

  std::variant<TallyCase, ParseError> Parse() {
    std::size_t pos = 0;
    int line = 0;
    while (pos <= text_.size()) {
      std::size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      const std::string_view raw = Trim(text_.substr(pos, end - pos));
      pos = end + 1;
      ++line;
      if (raw.empty() || raw.front() == '#') continue;
      if (!Line(raw, line)) return *error_;
    }
    if (case_.method.empty()) return ParseError{case_.file, 0, "The case has no 'method:' line."};
    if (case_.expectations.empty()) {
      return ParseError{case_.file, 0, "The case has no 'expect' line, so it tests nothing."};
    }
    case_.given_weights.resize(case_.election.ballots.size());
    return case_;
  }

 private:
  bool Fail(int line, std::string message) {
    error_ = ParseError{case_.file, line, std::move(message)};
    return false;
  }

  bool Line(std::string_view raw, int n) {
    if (raw.front() >= '0' && raw.front() <= '9') {
      if (!in_ballots_) return Fail(n, "A ballot line comes before 'ballots:'.");
      return BallotLine(raw, n);
    }
    const std::size_t colon = raw.find(':');
    if (colon == std::string_view::npos) {
      return Fail(n, "Expected 'key: value', a ballot 'count: ...', or a '#' comment.");
    }
    const std::string_view key = Trim(raw.substr(0, colon));
    const std::string_view value = Trim(raw.substr(colon + 1));
    if (key == "method") {
      case_.method = std::string(value);
    } else if (key == "title") {
      case_.election.title = std::string(value);
    } else if (key == "seats") {
      const auto seats = WholeNumber<int>(value);
      if (!seats || *seats < 0) return Fail(n, "seats must be a whole number.");
      case_.election.seats = *seats;
    } else if (key == "candidates") {
      if (!case_.election.candidates.empty()) return Fail(n, "candidates are given twice.");
      for (const std::string_view name : SplitItems(value)) {
        if (name.empty() || name.find_first_of("{}[]=:") != std::string_view::npos) {
          return Fail(n, "Candidate names must be non-empty and free of { } [ ] = : and commas.");
        }
        if (index_.contains(std::string(name)))
          return Fail(n, "Candidate " + std::string(name) + " is listed twice.");
        index_[std::string(name)] = static_cast<int>(case_.election.candidates.size());
        case_.election.candidates.emplace_back(name);
      }
    } else if (key == "weights") {
      const auto w = WeightingFromString(value);
      if (!w) return Fail(n, "weights must be person, organisation, sector or given.");
      case_.weighting = *w;
    } else if (key == "seed") {
      const auto seed = WholeNumber<uint64_t>(value);
      if (!seed) return Fail(n, "seed must be a whole number.");
      case_.seed = *seed;
    } else if (key == "ballots") {
      if (!value.empty()) return Fail(n, "Put ballots on the lines after 'ballots:'.");
      in_ballots_ = true;
    } else if (key.starts_with("option ")) {
      case_.options[std::string(Trim(key.substr(7)))] = std::string(value);
    } else if (key.starts_with("expect ")) {
      return Expect(Trim(key.substr(7)), value, n);
    } else {
      return Fail(n, "Unknown key '" + std::string(key) +
                         "'. Keys: method, title, seats, candidates, weights, seed, ballots, "
                         "option <name>, expect <what>.");
    }
    return true;
  }

  // Known subjects are checked here, so a typo fails at once; any other subject is kept for
  // the module that runs the case (CheckTallyCase reports it as unchecked).
  bool Expect(std::string_view subject, std::string_view value, int n) {
    std::string name = CanonicalSubject(subject);
    if (name == "ranking") {
      std::vector<std::vector<int>> groups;
      if (!Order(value, groups, n)) return false;
    } else if (name == "winners") {
      for (const std::string_view w : SplitItems(value)) {
        if (!index_.contains(std::string(w)))
          return Fail(n, "Unknown candidate '" + std::string(w) + "'.");
      }
    } else if (name == "lot-seed") {
      if (value != "none" && !WholeNumber<uint64_t>(value))
        return Fail(n, "expect lot-seed: a number or none.");
    } else if (name.starts_with("explanation")) {
      const std::string pointer = PointerOf(name);
      if (!pointer.empty() && pointer.front() != '/') {
        return Fail(n,
                    "Write 'expect explanation./votes/A: 3': a JSON pointer after 'explanation.'.");
      }
    } else if (name.empty()) {
      return Fail(n, "expect what? For example 'expect winners: A'.");
    }
    case_.expectations.push_back({n, std::move(name), std::string(value)});
    return true;
  }

  // "A, {B, C}, D" as groups of candidate indices.
  bool Order(std::string_view text, std::vector<std::vector<int>>& groups, int n) {
    groups.clear();
    std::set<int> seen;
    for (std::string_view item : SplitItems(text)) {
      std::vector<int> group;
      const bool braced = item.starts_with('{');
      if (braced) {
        if (!item.ends_with('}')) return Fail(n, "A '{' is not closed by '}'.");
        item = item.substr(1, item.size() - 2);
      }
      for (const std::string_view name :
           braced ? SplitItems(item) : std::vector<std::string_view>{item}) {
        const auto it = index_.find(std::string(name));
        if (it == index_.end()) return Fail(n, "Unknown candidate '" + std::string(name) + "'.");
        if (!seen.insert(it->second).second)
          return Fail(n, "Candidate '" + std::string(name) + "' appears twice.");
        group.push_back(it->second);
      }
      if (group.empty()) return Fail(n, "An empty group '{}'.");
      groups.push_back(std::move(group));
    }
    return true;
  }

  bool BallotLine(std::string_view raw, int n) {
    const std::size_t colon = raw.find(':');
    if (colon == std::string_view::npos) return Fail(n, "A ballot line is 'count: choices'.");
    const auto count = WholeNumber<int64_t>(raw.substr(0, colon));
    if (!count || *count < 0) return Fail(n, "The count must be a whole number.");
    std::string_view body = Trim(raw.substr(colon + 1));
    Ballot ballot;
    ballot.multiplicity = *count;
    Fraction weight;
    bool has_weight = false;
    if (const std::size_t open = body.find('['); open != std::string_view::npos) {
      if (!body.ends_with(']')) return Fail(n, "Attributes go last, in [ ].");
      std::string_view attrs = body.substr(open + 1, body.size() - open - 2);
      body = Trim(body.substr(0, open));
      while (!(attrs = Trim(attrs)).empty()) {
        const std::size_t eq = attrs.find('=');
        if (eq == std::string_view::npos)
          return Fail(n, "Attributes are key=value, e.g. [sector=third].");
        const std::string_view key = Trim(attrs.substr(0, eq));
        attrs = Trim(attrs.substr(eq + 1));
        std::string value;
        if (attrs.starts_with('"')) {
          const std::size_t close = attrs.find('"', 1);
          if (close == std::string_view::npos) return Fail(n, "A quoted attribute is not closed.");
          value = std::string(attrs.substr(1, close - 1));
          attrs = attrs.substr(close + 1);
        } else {
          std::size_t stop = 0;
          while (stop < attrs.size() && !IsBlank(attrs[stop])) ++stop;
          value = std::string(attrs.substr(0, stop));
          attrs = attrs.substr(stop);
        }
        if (key == "sector") {
          ballot.sector = value;
        } else if (key == "org" || key == "organisation") {
          ballot.organisation = value;
        } else if (key == "weight") {
          const auto w = Fraction::FromString(value);
          if (!w) return Fail(n, "weight must be a fraction such as 1/3 or 0.25.");
          weight = *w;
          has_weight = true;
        } else {
          return Fail(n,
                      "Unknown attribute '" + std::string(key) + "'; use sector, org or weight.");
        }
      }
    }
    if (has_weight && case_.weighting != Weighting::kGiven) {
      return Fail(n, "A ballot weight needs 'weights: given' before the ballots.");
    }
    if (body.find('=') != std::string_view::npos) {
      for (const std::string_view item : SplitItems(body)) {
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos)
          return Fail(n, "In a score ballot every item is Name=score.");
        const std::string name(Trim(item.substr(0, eq)));
        const auto it = index_.find(name);
        if (it == index_.end()) return Fail(n, "Unknown candidate '" + name + "'.");
        const auto score = WholeNumber<int64_t>(item.substr(eq + 1));
        if (!score) return Fail(n, "The score for " + name + " must be a whole number.");
        if (!ballot.scores.emplace(it->second, *score).second)
          return Fail(n, name + " is scored twice.");
      }
    } else {
      std::vector<std::vector<int>> groups;
      if (!Order(body, groups, n)) return false;
      ballot.ranking = Ranking(groups);
    }
    case_.election.ballots.push_back(std::move(ballot));
    case_.given_weights.resize(case_.election.ballots.size());
    case_.given_weights.back() = weight;
    return true;
  }

  std::string_view text_;
  TallyCase case_;
  std::map<std::string, int> index_;
  bool in_ballots_ = false;
  std::optional<ParseError> error_;
};

bool SameJson(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>();
    const double y = b.get<double>();
    return std::fabs(x - y) <= 1e-9 * std::max({1.0, std::fabs(x), std::fabs(y)});
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!SameJson(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) || !SameJson(it.value(), b.at(it.key()))) return false;
    }
    return true;
  }
  return a == b;
}

std::string Names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

}  // namespace

std::variant<TallyCase, ParseError> ParseTallyCase(std::string_view text, std::string_view file) {
  return Parser(text, file).Parse();
}

std::variant<TallyCase, ParseError> ReadTallyCaseFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ParseError{path.string(), 0, "The file could not be opened."};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParseTallyCase(buffer.str(), path.string());
}

std::variant<CountOptions, ParseError> CountOptionsOf(const TallyCase& tally_case) {
  CountOptions options;
  auto fail = [&](const std::string& message) { return ParseError{tally_case.file, 0, message}; };
  for (const auto& [name, value] : tally_case.options) {
    if (name == "borda-truncation") {
      if (value == "averaged") {
        options.borda_truncation = CountOptions::BordaTruncation::kAveraged;
      } else if (value == "truncated") {
        options.borda_truncation = CountOptions::BordaTruncation::kTruncated;
      } else {
        return fail("option borda-truncation is averaged or truncated.");
      }
    } else if (name == "score-missing") {
      if (value == "ignore") {
        options.missing_score = CountOptions::MissingScore::kIgnore;
      } else if (value == "minimum") {
        options.missing_score = CountOptions::MissingScore::kMinimum;
      } else {
        return fail("option score-missing is ignore or minimum.");
      }
    } else if (name == "score-min" || name == "score-max" || name == "dots") {
      const auto v = WholeNumber<int64_t>(value);
      if (!v) return fail("option " + name + " must be a whole number.");
      (name == "score-min"   ? options.score_min
       : name == "score-max" ? options.score_max
                             : options.dots) = *v;
    } else if (name == "sector-threshold") {
      options.sector_threshold = Fraction::FromString(value);
      if (!options.sector_threshold)
        return fail("option sector-threshold must be a share such as 50% or 1/2.");
    } else {
      return fail("Unknown option '" + name + "'.");
    }
  }
  return options;
}

std::variant<Result, ParseError> RunTallyCase(const TallyCase& tally_case) {
  auto options = CountOptionsOf(tally_case);
  if (auto* error = std::get_if<ParseError>(&options)) return *error;
  const BallotWeights weights =
      WeighBallots(tally_case.election, tally_case.weighting, tally_case.given_weights);
  Lot lot(tally_case.seed.value_or(0));
  auto result = CountByMethod(tally_case.method, tally_case.election, weights,
                              std::get<CountOptions>(options), lot);
  if (!result) return ParseError{tally_case.file, 0, "Unknown method '" + tally_case.method + "'."};
  return std::move(*result);
}

std::vector<std::string> CheckTallyCase(const TallyCase& tally_case, const Result& result) {
  std::vector<std::string> failures;
  auto fail = [&](const TallyCase::Expectation& e, const std::string& message) {
    failures.push_back(tally_case.file + ":" + std::to_string(e.line) + ": " + message);
  };
  if (result.lot_seed && !tally_case.seed) {
    failures.push_back(tally_case.file +
                       ": the count drew lots; give the case a 'seed:' so it is reproducible.");
  }
  for (const TallyCase::Expectation& e : tally_case.expectations) {
    if (e.subject == "winners") {
      std::vector<std::string> expected;
      for (const std::string_view name : SplitItems(e.value)) expected.emplace_back(name);
      if (expected != result.winners) {
        fail(e, "expected winners " + Names(expected) + ", got " + Names(result.winners));
      }
    } else if (e.subject == "ranking") {
      std::vector<std::set<std::string>> expected;
      for (std::string_view item : SplitItems(e.value)) {
        if (item.starts_with('{')) item = item.substr(1, item.size() - 2);
        std::set<std::string> group;
        for (const std::string_view name : SplitItems(item)) group.emplace(name);
        expected.push_back(std::move(group));
      }
      std::vector<std::set<std::string>> got;
      const nlohmann::json& ranking = result.explanation.contains("ranking")
                                          ? result.explanation["ranking"]
                                          : nlohmann::json::array();
      for (const auto& group : ranking) {
        std::set<std::string> names;
        for (const auto& name : group)
          names.insert(name.is_string() ? name.get<std::string>() : name.dump());
        got.push_back(std::move(names));
      }
      if (expected != got) fail(e, "expected ranking " + e.value + ", got " + ranking.dump());
    } else if (e.subject == "lot-seed") {
      const std::string got = result.lot_seed ? std::to_string(*result.lot_seed) : "none";
      if (got != e.value) fail(e, "expected lot-seed " + e.value + ", got " + got);
    } else if (!e.subject.starts_with("explanation")) {
      fail(e,
           "'expect " + e.subject +
               "' is not a check this runner knows; run the case with the runner of its method.");
    } else {
      const std::string pointer = PointerOf(e.subject);
      nlohmann::json expected = nlohmann::json::parse(e.value, nullptr, false);
      if (expected.is_discarded()) expected = e.value;
      nlohmann::json got;
      bool found = false;
      try {
        const nlohmann::json::json_pointer p(pointer);
        found = result.explanation.contains(p);
        if (found) got = result.explanation.at(p);
      } catch (const nlohmann::json::exception& ex) {
        fail(e, "bad JSON pointer '" + pointer + "': " + ex.what());
        continue;
      }
      if (!found) {
        fail(e, "explanation has nothing at '" + pointer + "'");
      } else if (!SameJson(expected, got)) {
        fail(e, "expected explanation" + pointer + " = " + expected.dump() + ", got " + got.dump());
      }
    }
  }
  return failures;
}

}  // namespace coproduce::tally
