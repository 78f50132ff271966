#include "tally/blt.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "tally/internal/distinct_ballots.hpp"
#include "tally/internal/plain_number.hpp"

namespace coproduce::tally {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// A lambda rather than IsSpace itself, which GCC passed as a pointer to an out-of-line loop.
bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return IsSpace(c); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The next space-separated token of `line` from `pos` on; empty when the line has no more.
std::string_view NextToken(std::string_view line, std::size_t& pos) {
  while (pos < line.size() && IsSpace(line[pos])) ++pos;
  const std::size_t start = pos;
  while (pos < line.size() && !IsSpace(line[pos])) ++pos;
  return line.substr(start, pos - start);
}

// A token as it may appear in an error message: quoted, and cut short so that a binary file
// does not produce a megabyte-long sentence.
std::string Quote(std::string_view token) {
  constexpr std::size_t kMaxShown = 40;
  std::string out = "'";
  out.append(token.substr(0, kMaxShown));
  if (token.size() > kMaxShown) out += "...";
  return out + "'";
}

enum class Number { kOk, kNotNumber, kOutOfRange };

Number ParseInt(std::string_view token, int64_t& out) {
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, out);
  if (ec == std::errc::result_out_of_range) return Number::kOutOfRange;
  if (ec != std::errc() || ptr != end) return Number::kNotNumber;
  return Number::kOk;
}

// Walks the text line by line without copying it.
class LineReader final {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  // Sets `line` to the next line without its line end; false at the end of the text.
  bool Next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const char* start = text_.data() + pos_;
    const std::size_t rest = text_.size() - pos_;
    const void* newline = std::memchr(start, '\n', rest);
    std::size_t length = newline != nullptr
                             ? static_cast<std::size_t>(static_cast<const char*>(newline) - start)
                             : rest;
    pos_ += length + (newline != nullptr ? 1 : 0);
    ++line_number_;
    if (length > 0 && start[length - 1] == '\r') --length;
    line = std::string_view(start, length);
    return true;
  }

  bool NextNonBlank(std::string_view& line) {
    while (Next(line)) {
      if (!IsBlank(line)) return true;
    }
    return false;
  }

  // Lines not read yet (a last line without a line end counts), counted up to `limit`.
  std::size_t LinesLeft(std::size_t limit) const {
    std::size_t lines = 0;
    for (std::size_t pos = pos_; pos < text_.size() && lines < limit; ++lines) {
      const void* newline = std::memchr(text_.data() + pos, '\n', text_.size() - pos);
      if (newline == nullptr) return lines + 1;
      pos = static_cast<std::size_t>(static_cast<const char*>(newline) - text_.data()) + 1;
    }
    return lines;
  }

  int line_number() const { return static_cast<int>(std::min<int64_t>(line_number_, INT_MAX)); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int64_t line_number_ = 0;
};

class BltParser final {
 public:
  BltParser(std::string_view text, std::string_view file_name) : lines_(text), file_(file_name) {}

  std::variant<Election, ParseError> Run() {
    if (!ReadHeader() || !ReadBallots() || !ReadNames() || !ReadTitle() || !ReadEnd()) {
      return std::move(error_);
    }
    MakeBallots();
    return std::move(election_);
  }

 private:
  // Records the error at the current line; returns false so that callers can `return Fail()`.
  bool Fail(std::string message) { return FailAt(lines_.line_number(), std::move(message)); }

  bool FailAt(int line, std::string message) {
    error_ = ParseError{std::string(file_), line, std::move(message)};
    return false;
  }

  bool ReadHeader() {
    std::string_view line;
    if (!lines_.NextNonBlank(line)) {
      return FailAt(0,
                    "The file is empty: a BLT file starts with a line giving the number of "
                    "candidates and the number of seats.");
    }
    std::size_t pos = 0;
    const std::string_view first = NextToken(line, pos);
    const std::string_view second = NextToken(line, pos);
    const std::string_view extra = NextToken(line, pos);
    int64_t candidates = 0;
    int64_t seats = 0;
    if (second.empty() || !extra.empty() || ParseInt(first, candidates) != Number::kOk ||
        ParseInt(second, seats) != Number::kOk) {
      return Fail(
          "The first line must be two whole numbers, the number of candidates and the "
          "number of seats (for example '4 2'), not " +
          Quote(Trim(line)) + ".");
    }
    if (candidates < 1) return Fail("The number of candidates must be at least 1.");
    if (seats < 1) return Fail("The number of seats must be at least 1.");
    if (seats > INT_MAX)
      return Fail("The number of seats " + std::to_string(seats) + " is too large.");
    // Each candidate needs a name line, so a count above the lines left is an error; checking
    // it first also bounds what we allocate per candidate by the size of the input.
    const std::size_t lines_left =
        lines_.LinesLeft(candidates > INT_MAX ? SIZE_MAX : static_cast<std::size_t>(candidates));
    if (candidates > INT_MAX || static_cast<uint64_t>(candidates) > lines_left) {
      return Fail("The first line announces " + std::to_string(candidates) +
                  " candidates, but the file has only " + std::to_string(lines_left) +
                  " more lines, too few for their names.");
    }
    candidate_count_ = static_cast<int>(candidates);
    election_.seats = static_cast<int>(seats);
    withdrawn_.assign(static_cast<std::size_t>(candidate_count_) + 1, false);
    last_seen_.assign(static_cast<std::size_t>(candidate_count_) + 1, 0);
    return true;
  }

  bool ReadWithdrawn(std::string_view line) {
    std::size_t pos = 0;
    for (std::string_view token = NextToken(line, pos); !token.empty();
         token = NextToken(line, pos)) {
      int64_t id = 0;
      if (ParseInt(token, id) != Number::kOk || id >= 0) {
        return Fail(
            "The withdrawn-candidates line must hold only negative candidate numbers "
            "(for example '-2 -5'), not " +
            Quote(token) + ".");
      }
      if (id < -static_cast<int64_t>(candidate_count_)) {
        return Fail("Withdrawn candidate " + std::string(token) + " is out of range: there are " +
                    std::to_string(candidate_count_) + " candidates.");
      }
      withdrawn_[static_cast<std::size_t>(-id)] = true;
    }
    // An election needs a candidate; the file it would be written back as could not say so.
    if (std::count(withdrawn_.begin() + 1, withdrawn_.end(), true) == candidate_count_) {
      return Fail("Every candidate is withdrawn: at least one must stand.");
    }
    return true;
  }

  bool ReadBallots() {
    std::string_view line;
    bool first_line = true;
    while (true) {
      if (!lines_.NextNonBlank(line)) {
        return Fail("The file ends before the line '0' that closes the ballots.");
      }
      if (first_line) {
        first_line = false;
        std::size_t pos = 0;
        const std::string_view first = NextToken(line, pos);
        const bool withdrawn_line = first.size() > 1 && first[0] == '-';
        if (withdrawn_line && !ReadWithdrawn(line)) return false;
        Renumber();
        if (withdrawn_line) continue;
      }
      if (ReadPlainBallot(line)) continue;
      std::size_t pos = 0;
      if (NextToken(line, pos) == "0" && NextToken(line, pos).empty()) return true;
      if (!ReadBallot(line)) return false;
    }
  }

  // Maps file ids (1-based) to election ids, skipping withdrawn candidates.
  void Renumber() {
    election_id_.assign(static_cast<std::size_t>(candidate_count_) + 1, -1);
    int next = 0;
    for (int id = 1; id <= candidate_count_; ++id) {
      if (!withdrawn_[static_cast<std::size_t>(id)])
        election_id_[static_cast<std::size_t>(id)] = next++;
    }
  }

  // The usual ballot line, a weight and candidate numbers in plain digits ending in 0, read
  // in one pass. On anything else it returns false having added nothing, and ReadBallot reads
  // the line again and says what is wrong with it (or reads a rarer form).
  bool ReadPlainBallot(std::string_view line) {
    constexpr int kMaxDigits = 18;  // enough for kMaxBltPapers, and no overflow
    const char* p = line.data();
    const char* const end = p + line.size();
    auto skip_spaces = [&] {
      while (p < end && IsSpace(*p)) ++p;
    };
    auto next_number = [&](uint64_t& value) {
      skip_spaces();
      return internal::ReadPlainNumber(p, end, kMaxDigits, value) && (p == end || IsSpace(*p));
    };
    uint64_t weight = 0;
    if (!next_number(weight) || weight == 0 ||
        weight > static_cast<uint64_t>(kMaxBltPapers - total_papers_)) {
      return false;
    }
    ++ballot_number_;
    ids_.clear();
    for (;;) {
      uint64_t id = 0;
      if (!next_number(id)) return false;
      if (id == 0) break;
      if (id > static_cast<uint64_t>(candidate_count_) || last_seen_[id] == ballot_number_) {
        return false;
      }
      last_seen_[id] = ballot_number_;
      if (election_id_[id] >= 0) ids_.push_back(election_id_[id]);
    }
    skip_spaces();
    if (p != end) return false;
    total_papers_ += static_cast<int64_t>(weight);
    rankings_.Add(ids_, static_cast<int64_t>(weight));
    return true;
  }

  bool ReadBallot(std::string_view line) {
    std::size_t pos = 0;
    const std::string_view weight_token = NextToken(line, pos);
    int64_t weight = 0;
    switch (ParseInt(weight_token, weight)) {
      case Number::kOk:
        break;
      case Number::kOutOfRange:
        return Fail("The ballot weight " + Quote(weight_token) + " is too large.");
      case Number::kNotNumber:
        if (weight_token.find('.') != std::string_view::npos) {
          return Fail("The ballot weight " + Quote(weight_token) +
                      " must be a whole number of papers.");
        }
        return Fail("A ballot line must start with its weight, a whole number, not " +
                    Quote(weight_token) + ".");
    }
    if (weight < 0) return Fail("The ballot weight " + std::to_string(weight) + " is negative.");
    if (weight == 0) {
      return Fail(
          "A ballot line has weight 0; a weight must be at least 1 (a line holding only "
          "'0' closes the ballots).");
    }
    if (weight > kMaxBltPapers - total_papers_) {
      return Fail("The ballot weights add up to more than " + std::to_string(kMaxBltPapers) +
                  " papers.");
    }

    ++ballot_number_;
    ids_.clear();
    bool closed = false;
    for (std::string_view token = NextToken(line, pos); !token.empty();
         token = NextToken(line, pos)) {
      if (closed) {
        return Fail("The ballot continues after its closing 0 with " + Quote(token) + ".");
      }
      int64_t id = 0;
      const Number parsed = ParseInt(token, id);
      if (parsed == Number::kNotNumber) {
        if (token.find('=') != std::string_view::npos) {
          return Fail("Equal preferences (" + Quote(token) +
                      ") are not supported: rank the candidates one after another.");
        }
        return Fail("Expected a candidate number, found " + Quote(token) +
                    ": a ballot line is a weight, candidate numbers best first, then 0.");
      }
      if (parsed == Number::kOk && id == 0) {
        closed = true;
        continue;
      }
      if (parsed == Number::kOutOfRange || id < 1 || id > candidate_count_) {
        return Fail("Candidate number " + Quote(token) + " is out of range: there are " +
                    std::to_string(candidate_count_) + " candidates, numbered from 1.");
      }
      const auto index = static_cast<std::size_t>(id);
      if (last_seen_[index] == ballot_number_) {
        return Fail("Candidate " + std::to_string(id) + " appears twice on this ballot.");
      }
      last_seen_[index] = ballot_number_;
      if (election_id_[index] >= 0) ids_.push_back(election_id_[index]);
    }
    if (!closed) return Fail("The ballot line does not end with 0.");
    total_papers_ += weight;
    rankings_.Add(ids_, weight);
    return true;
  }

  // One Ballot per distinct ranking, each preference its own group, made once the whole file
  // has been read.
  void MakeBallots() {
    election_.ballots.reserve(rankings_.size());
    rankings_.ForEach([&](std::span<const int> ids, int64_t weight) {
      Ballot& ballot = election_.ballots.emplace_back();
      ballot.multiplicity = weight;
      ballot.ranking = Ranking::Strict(ids);
    });
  }

  // A line holding one double-quoted string; false (and no error) when it is not one.
  static bool Unquote(std::string_view line, std::string& out) {
    line = Trim(line);
    if (line.size() < 2 || line.front() != '"' || line.back() != '"') return false;
    out.assign(line.substr(1, line.size() - 2));
    return true;
  }

  bool ReadNames() {
    std::vector<int> name_lines;
    std::string name;
    for (int i = 0; i < candidate_count_; ++i) {
      std::string_view line;
      if (!lines_.NextNonBlank(line)) {
        return Fail("The file ends after " + std::to_string(i) + " of the " +
                    std::to_string(candidate_count_) + " candidate names.");
      }
      if (!Unquote(line, name)) {
        return Fail("Expected the name of candidate " + std::to_string(i + 1) +
                    " in double quotes, found " + Quote(Trim(line)) + ".");
      }
      name_lines.push_back(lines_.line_number());
      if (!withdrawn_[static_cast<std::size_t>(i) + 1]) election_.candidates.push_back(name);
      all_names_.push_back(std::move(name));
    }
    // Results name candidates by name, so two candidates with one name could not be told apart.
    std::vector<int> order(all_names_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return all_names_[a] < all_names_[b]; });
    for (std::size_t i = 1; i < order.size(); ++i) {
      if (all_names_[order[i]] == all_names_[order[i - 1]]) {
        return FailAt(name_lines[order[i]],
                      "Candidates " + std::to_string(order[i - 1] + 1) + " and " +
                          std::to_string(order[i] + 1) + " have the same name " +
                          Quote(all_names_[order[i]]) + "; names must be distinct.");
      }
    }
    return true;
  }

  bool ReadTitle() {
    std::string_view line;
    if (!lines_.NextNonBlank(line)) {
      return Fail(
          "The file ends before the election's title, a double-quoted line after the "
          "candidate names.");
    }
    if (!Unquote(line, election_.title)) {
      return Fail("Expected the election's title in double quotes after the " +
                  std::to_string(candidate_count_) + " candidate names, found " +
                  Quote(Trim(line)) + ".");
    }
    return true;
  }

  bool ReadEnd() {
    std::string_view line;
    if (lines_.NextNonBlank(line)) {
      return Fail("Unexpected text after the title: " + Quote(Trim(line)) + ".");
    }
    return true;
  }

  LineReader lines_;
  std::string_view file_;
  Election election_;
  ParseError error_;
  int candidate_count_ = 0;
  std::vector<bool> withdrawn_;      // by file id
  std::vector<int> election_id_;     // by file id; -1 for withdrawn
  std::vector<uint64_t> last_seen_;  // by file id: the last ballot that named it
  uint64_t ballot_number_ = 0;
  int64_t total_papers_ = 0;
  std::vector<int> ids_;                // the ballot being read, reused between lines
  std::vector<std::string> all_names_;  // including withdrawn candidates
  // Identical lines are merged: files that list one line per paper then cost one Ballot per
  // distinct ranking, not per paper.
  internal::DistinctBallots rankings_;
};

void AppendNumber(std::string& out, int64_t n) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, n);
  out.append(buffer, result.ptr);
}

// Names and the title sit on one line between quotes.
void AppendQuoted(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) out += c == '\n' ? ' ' : c;
  out += "\"\n";
}

}  // namespace

std::variant<Election, ParseError> ReadBlt(std::string_view text, std::string_view file_name) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  return BltParser(text, file_name).Run();
}

std::string WriteBlt(const Election& election) {
  const auto candidates = static_cast<int64_t>(election.candidates.size());
  std::string out;
  AppendNumber(out, candidates);
  out += ' ';
  AppendNumber(out, election.seats);
  out += '\n';
  for (const Ballot& ballot : election.ballots) {
    if (ballot.multiplicity < 1) continue;
    AppendNumber(out, ballot.multiplicity);
    for (const std::span<const int> group : ballot.ranking.groups()) {
      char separator = ' ';
      for (const int id : group) {
        if (id < 0 || id >= candidates) continue;
        out += separator;
        AppendNumber(out, id + 1);
        separator = '=';
      }
    }
    out += " 0\n";
  }
  out += "0\n";
  for (const std::string& name : election.candidates) AppendQuoted(out, name);
  AppendQuoted(out, election.title);
  return out;
}

}  // namespace coproduce::tally
