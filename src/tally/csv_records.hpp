// RFC 4180 records over a text, one at a time: fields may be quoted with '"', a quote inside
// doubled (""); quoted fields may span lines; line endings LF or CRLF; unquoted fields are
// trimmed of spaces and tabs. Shared by the CSV readers of both engines; the helpers above the
// class (Trim, WholeNumber, Quote) by the PrefLib and Pabulib readers too.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coproduce::tally {

// Inline: the readers call these for every field.
inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Without leading and trailing spaces, tabs and carriage returns.
inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && (IsBlank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (IsBlank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The whole cell as a number; nullopt if it is empty or anything else is in it.
inline std::optional<int64_t> WholeNumber(std::string_view s) {
  int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// A cell as an error message shows it: in double quotes, cut short after 40 characters.
std::string Quote(std::string_view s);

class CsvRecords final {
 public:
  // Reads `text` from byte `pos`, which is on line `line` (1-based).
  CsvRecords(std::string_view text, std::size_t pos, int line)
      : text_(text), pos_(pos), line_(line) {}

  bool done() const { return pos_ >= text_.size(); }
  int line() const { return line_; }

  // The next record's cells; false with `error` set (a sentence) if it is malformed.
  // `start` is the line the record starts on.
  bool Next(std::vector<std::string>& cells, int& start, std::string& error);

 private:
  std::string_view text_;
  std::size_t pos_;
  int line_;
};

}  // namespace coproduce::tally
