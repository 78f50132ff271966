#include "tally/csv_records.hpp"

namespace coproduce::tally {

std::string Quote(std::string_view s) {
  constexpr std::size_t kShown = 40;
  if (s.size() > kShown) return "\"" + std::string(s.substr(0, kShown)) + "...\"";
  return "\"" + std::string(s) + "\"";
}

bool CsvRecords::Next(std::vector<std::string>& cells, int& start, std::string& error) {
  cells.clear();
  start = line_;
  while (true) {
    std::string cell;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) {
          error = "A quoted field is not closed: a '\"' is missing.";
          return false;
        }
        const char c = text_[pos_++];
        if (c == '\n') ++line_;
        if (c != '"') {
          cell += c;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == '"') {
          cell += '"';
          ++pos_;
          continue;
        }
        break;
      }
      while (pos_ < text_.size() && IsBlank(text_[pos_])) ++pos_;
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
          !(text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n')) {
        error = "Text follows a closing quote. Quote the whole field, doubling quotes inside.";
        return false;
      }
    } else {
      const std::size_t begin = pos_;
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n') {
        if (text_[pos_] == '"') {
          error = "A '\"' is inside an unquoted field. Quote the field and double the quote.";
          return false;
        }
        ++pos_;
      }
      cell = std::string(Trim(text_.substr(begin, pos_ - begin)));
    }
    cells.push_back(std::move(cell));
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    if (pos_ >= text_.size()) return true;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    ++pos_;  // '\n'
    ++line_;
    return true;
  }
}

}  // namespace coproduce::tally
