#include "tally/pabulib.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <deque>
#include <fstream>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <utility>

#include "tally/csv_records.hpp"
#include "tally/internal/distinct_ballots.hpp"

namespace coproduce::tally {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool IsNone(std::string_view value) { return EqualsIgnoreCase(value, "none"); }

// Splits a text into CSV rows without copying: fields are views into the text, except quoted
// fields, which are unescaped into a pool that lives until the next row.
class RowReader final {
 public:
  explicit RowReader(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // a UTF-8 byte-order mark
  }

  // Reads the next row that is not blank. False at the end of the text, or when a quoted
  // field is never closed (then unterminated() is true).
  bool Next() {
    while (pos_ < text_.size()) {
      row_line_ = line_;
      fields_.clear();
      first_quoted_ = false;
      const char* begin = text_.data() + pos_;
      const std::size_t rest = text_.size() - pos_;
      const void* newline = std::memchr(begin, '\n', rest);
      const std::size_t length =
          newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - begin) : rest;
      if (std::memchr(begin, '"', length) == nullptr) {
        SplitPlain(std::string_view(begin, length));
        pos_ += length + (newline ? 1 : 0);
        if (newline) ++line_;
      } else if (!SplitQuoted()) {
        unterminated_ = true;
        return false;
      }
      if (fields_.size() == 1 && fields_[0].empty()) continue;
      return true;
    }
    return false;
  }

  const std::vector<std::string_view>& fields() const { return fields_; }
  int line() const { return row_line_; }
  bool unterminated() const { return unterminated_; }
  bool first_quoted() const { return first_quoted_; }

  // Callers that need only the first columns say so; the rest of a row is not split.
  void set_field_limit(std::size_t limit) { field_limit_ = limit; }

 private:
  void SplitPlain(std::string_view row) {
    for (;;) {
      if (fields_.size() + 1 == field_limit_) {
        fields_.push_back(Trim(row.substr(0, row.find(';'))));
        return;
      }
      const std::size_t semicolon = row.find(';');
      if (semicolon == std::string_view::npos) {
        fields_.push_back(Trim(row));
        return;
      }
      fields_.push_back(Trim(row.substr(0, semicolon)));
      row.remove_prefix(semicolon + 1);
    }
  }

  // The slow path for rows with quotes: a field that starts with `"` runs to the matching
  // quote, may hold `;` and newlines, and writes a quote as `""`.
  bool SplitQuoted() {
    std::size_t i = pos_;
    const std::size_t n = text_.size();
    std::size_t quoted_count = 0;
    for (;;) {
      while (i < n && (text_[i] == ' ' || text_[i] == '\t')) ++i;
      if (i < n && text_[i] == '"') {
        if (fields_.empty()) first_quoted_ = true;
        if (quoted_count == pool_.size()) pool_.emplace_back();
        std::string& buffer = pool_[quoted_count++];
        buffer.clear();
        ++i;
        for (;;) {
          if (i >= n) return false;
          const char c = text_[i];
          if (c == '"') {
            if (i + 1 < n && text_[i + 1] == '"') {
              buffer += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line_;
          buffer += c;
          ++i;
        }
        // Text after the closing quote is kept as written, as spreadsheets do.
        const std::size_t after = i;
        while (i < n && text_[i] != ';' && text_[i] != '\n') ++i;
        buffer += Trim(text_.substr(after, i - after));
        fields_.emplace_back(buffer);
      } else {
        const std::size_t start = i;
        while (i < n && text_[i] != ';' && text_[i] != '\n') ++i;
        fields_.push_back(Trim(text_.substr(start, i - start)));
      }
      if (i >= n) {
        pos_ = n;
        return true;
      }
      if (text_[i] == ';') {
        ++i;
        continue;
      }
      ++i;  // the newline that ends the row
      ++line_;
      pos_ = i;
      return true;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int row_line_ = 1;
  bool unterminated_ = false;
  bool first_quoted_ = false;
  std::size_t field_limit_ = 0;  // 0: no limit
  std::vector<std::string_view> fields_;
  std::deque<std::string> pool_;  // a deque: growing it must not move earlier strings
};

// "12", "12.5" or "12,5" (a decimal comma) to "12", "12.5"; nullopt for anything else.
std::optional<std::string> NormalizeDecimal(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0) return std::nullopt;
  std::string out(text.substr(0, i));
  if (i == text.size()) return out;
  if (text[i] != '.' && text[i] != ',') return std::nullopt;
  const std::size_t fraction = ++i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == fraction || i != text.size()) return std::nullopt;
  out += '.';
  out += text.substr(fraction);
  return out;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// Points beyond this are a typo, and would overflow totals. They also fit in an int.
constexpr int64_t kMaxPoints = 1'000'000'000;

// Project ids of at most this many digits can be looked up by value.
constexpr std::size_t kMaxNumericIdDigits = 9;

// Up to this many projects, an approval vote is put in order on a bitmap instead of sorted.
constexpr std::size_t kMaxBitmapProjects = 4096;

enum class Section { kNone, kMeta, kProjects, kVotes };

Section SectionOf(const RowReader& rows) {
  const auto& fields = rows.fields();
  if (fields.empty() || rows.first_quoted()) return Section::kNone;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    if (!fields[i].empty()) return Section::kNone;
  }
  if (EqualsIgnoreCase(fields[0], "META")) return Section::kMeta;
  if (EqualsIgnoreCase(fields[0], "PROJECTS")) return Section::kProjects;
  if (EqualsIgnoreCase(fields[0], "VOTES")) return Section::kVotes;
  return Section::kNone;
}

enum class VoteKind { kApproval, kScores, kOrdinal };

std::optional<VoteKind> VoteKindOf(std::string_view vote_type) {
  if (vote_type == "approval" || vote_type == "choose-1") return VoteKind::kApproval;
  if (vote_type == "cumulative" || vote_type == "scoring") return VoteKind::kScores;
  if (vote_type == "ordinal") return VoteKind::kOrdinal;
  return std::nullopt;
}

// Project ids to dense indices 0, 1, 2, ... in insertion order: open addressing over one arena,
// for the votes that name projects by ids that are not plain numbers.
class KeyIndex final {
 public:
  // The index of `key`; an absent key gets the next index and `inserted` is set.
  uint32_t FindOrInsert(std::string_view key, bool& inserted) {
    if ((ends_.size() + 1) * 2 > slots_.size()) Grow();
    const uint64_t hash = Hash(key);
    const auto tag = static_cast<uint32_t>(hash >> 32);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      Slot& held = slots_[slot];
      if (held.index == 0) {
        const auto index = static_cast<uint32_t>(ends_.size());
        held = Slot{tag, index + 1};
        arena_.append(key);
        ends_.push_back(arena_.size());
        inserted = true;
        return index;
      }
      if (held.tag == tag && Key(held.index - 1) == key) {
        inserted = false;
        return held.index - 1;
      }
    }
  }

  // The index of `key`, or -1.
  int Find(std::string_view key) const {
    if (slots_.empty()) return -1;
    const uint64_t hash = Hash(key);
    const auto tag = static_cast<uint32_t>(hash >> 32);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      const Slot& held = slots_[slot];
      if (held.index == 0) return -1;
      if (held.tag == tag && Key(held.index - 1) == key) return static_cast<int>(held.index - 1);
    }
  }

 private:
  static uint64_t Hash(std::string_view key) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ key.size();
    std::size_t i = 0;
    for (; i + 8 <= key.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, key.data() + i, 8);
      h = (h ^ word) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, key.data() + i, key.size() - i);
    h = (h ^ tail) * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
  }

  std::string_view Key(std::size_t index) const {
    const std::size_t begin = index == 0 ? 0 : ends_[index - 1];
    return std::string_view(arena_).substr(begin, ends_[index] - begin);
  }

  void Grow() {
    std::vector<Slot> old(std::max<std::size_t>(16, slots_.size() * 2));
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t index = 0; index < ends_.size(); ++index) {
      const uint64_t hash = Hash(Key(index));
      std::size_t slot = hash & mask;
      while (slots_[slot].index != 0) slot = (slot + 1) & mask;
      slots_[slot] = Slot{static_cast<uint32_t>(hash >> 32), static_cast<uint32_t>(index + 1)};
    }
  }

  // The high half of the key's hash, which spares most key comparisons.
  struct Slot final {
    uint32_t tag = 0;
    uint32_t index = 0;  // 0 = empty, else the key's index + 1
  };
  std::vector<Slot> slots_;
  std::vector<std::size_t> ends_;  // where each key ends in arena_
  std::string arena_;
};

class Reader final {
 public:
  Reader(std::string_view text, std::string_view file_name) : rows_(text), file_(file_name) {}

  std::variant<BudgetInstance, ParseError> Read() {
    if (!NextRow()) return Fail(0, "The file is empty: a .pb file starts with a META section.");
    if (SectionOf(rows_) != Section::kMeta) {
      return Fail(rows_.line(),
                  "The file must start with a line META; check that it is a .pb file.");
    }
    if (!ReadMeta()) return std::move(*error_);
    if (!ReadProjects()) return std::move(*error_);
    if (!ReadVotes()) return std::move(*error_);
    MakeBallots();
    return std::move(instance_);
  }

 private:
  bool NextRow() {
    if (rows_.Next()) return true;
    if (rows_.unterminated()) {
      Fail(rows_.line(), "A quoted field is never closed; add the closing \" or remove the quote.");
    }
    return false;
  }

  ParseError Fail(int line, std::string message) {
    error_ = ParseError{std::string(file_), line, std::move(message)};
    return *error_;
  }

  // Reads a section's header row, after the section line on `section_line`.
  bool ReadHeader(std::string_view section, int section_line) {
    if (NextRow() && SectionOf(rows_) == Section::kNone) return true;
    if (!error_) {
      Fail(section_line, "The " + std::string(section) +
                             " section has no header row; add one (e.g. key;value for META).");
    }
    return false;
  }

  bool ReadMeta() {
    const int meta_line = rows_.line();
    if (!ReadHeader("META", meta_line)) return false;
    for (;;) {
      if (!NextRow()) {
        if (!error_) Fail(0, "The file has no PROJECTS section after META; add one.");
        return false;
      }
      const Section section = SectionOf(rows_);
      if (section == Section::kProjects) break;
      if (section != Section::kNone) {
        Fail(rows_.line(), "Expected the PROJECTS section after META.");
        return false;
      }
      const auto& fields = rows_.fields();
      if (fields[0].empty()) continue;
      instance_.meta[std::string(fields[0])] = fields.size() > 1 ? std::string(fields[1]) : "";
      meta_lines_[std::string(fields[0])] = rows_.line();
    }
    const auto budget = instance_.meta.find("budget");
    if (budget == instance_.meta.end()) {
      Fail(meta_line, "META has no budget; add a line budget;<amount>.");
      return false;
    }
    const auto normalized = NormalizeDecimal(budget->second);
    if (!normalized) {
      Fail(meta_lines_["budget"], "The budget \"" + budget->second +
                                      "\" is not a decimal number; write it like 1070000 or "
                                      "969245.38.");
      return false;
    }
    instance_.budget = *normalized;
    const auto vote_type = instance_.meta.find("vote_type");
    if (vote_type == instance_.meta.end()) {
      Fail(meta_line,
           "META has no vote_type; add a line vote_type;approval (or choose-1, "
           "cumulative, scoring, ordinal).");
      return false;
    }
    const auto kind = VoteKindOf(vote_type->second);
    if (!kind) {
      Fail(meta_lines_["vote_type"],
           "The vote_type \"" + vote_type->second +
               "\" is not one of approval, choose-1, cumulative, scoring, ordinal.");
      return false;
    }
    instance_.vote_type = vote_type->second;
    kind_ = *kind;
    return true;
  }

  bool ReadProjects() {
    const int section_line = rows_.line();
    if (!ReadHeader("PROJECTS", section_line)) return false;
    const std::vector<std::string> header(rows_.fields().begin(), rows_.fields().end());
    std::optional<std::size_t> id_column;
    std::optional<std::size_t> cost_column;
    std::optional<std::size_t> name_column;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == "project_id") id_column = i;
      if (header[i] == "cost") cost_column = i;
      if (header[i] == "name") name_column = i;
    }
    if (!id_column || !cost_column) {
      Fail(rows_.line(), "The PROJECTS header must have the columns project_id and cost.");
      return false;
    }
    std::vector<int> project_lines;
    for (;;) {
      if (!NextRow()) {
        if (!error_) Fail(0, "The file has no VOTES section after PROJECTS; add one.");
        return false;
      }
      const Section section = SectionOf(rows_);
      if (section == Section::kVotes) break;
      if (section != Section::kNone) {
        Fail(rows_.line(), "Expected the VOTES section after PROJECTS.");
        return false;
      }
      const auto& fields = rows_.fields();
      if (!CheckWidth(fields, header.size(), "project")) return false;
      Project project;
      project.id = *id_column < fields.size() ? std::string(fields[*id_column]) : "";
      if (project.id.empty()) {
        Fail(rows_.line(), "A project has no project_id.");
        return false;
      }
      const std::string_view cost = *cost_column < fields.size() ? fields[*cost_column] : "";
      const auto normalized = NormalizeDecimal(cost);
      if (!normalized) {
        Fail(rows_.line(), "Project " + project.id + " has the cost \"" + std::string(cost) +
                               "\", which is not a decimal number like 68000 or 1500.50.");
        return false;
      }
      project.cost = *normalized;
      for (std::size_t i = 0; i < fields.size() && i < header.size(); ++i) {
        if (IsNone(fields[i])) continue;
        if (i == name_column) {
          project.name = std::string(fields[i]);
          continue;
        }
        const std::string& column = header[i];
        if (column.empty() || column == "project_id" || column == "cost" || column == "name") {
          continue;
        }
        project.fields[column] = std::string(fields[i]);
      }
      instance_.projects.push_back(std::move(project));
      project_lines.push_back(rows_.line());
    }
    for (std::size_t i = 0; i < instance_.projects.size(); ++i) {
      bool inserted = false;
      project_index_.FindOrInsert(instance_.projects[i].id, inserted);
      if (!inserted) {
        Fail(project_lines[i], "The project id " + instance_.projects[i].id +
                                   " appears twice in PROJECTS; project ids must be unique.");
        return false;
      }
    }
    IndexNumericIds();
    return true;
  }

  // Fills numeric_ids_ for the ids that are numbers written plainly (no sign, no leading zero),
  // up to a bound that keeps the table small next to the projects.
  void IndexNumericIds() {
    const std::size_t bound = 16 * instance_.projects.size() + 1024;
    for (std::size_t i = 0; i < instance_.projects.size(); ++i) {
      const std::string& id = instance_.projects[i].id;
      if (id.size() > kMaxNumericIdDigits || (id[0] == '0' && id.size() > 1)) continue;
      if (!std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
      const auto value = static_cast<std::size_t>(std::stoul(id));
      if (value >= bound) continue;
      if (value >= numeric_ids_.size()) numeric_ids_.resize(value + 1, -1);
      numeric_ids_[value] = static_cast<int>(i);
    }
  }

  // Extra fields are allowed only when empty (a trailing `;`): otherwise a `;` in an unquoted
  // value has shifted the columns.
  bool CheckWidth(const std::vector<std::string_view>& fields, std::size_t width,
                  std::string_view what) {
    for (std::size_t i = width; i < fields.size(); ++i) {
      if (fields[i].empty()) continue;
      Fail(rows_.line(), "This " + std::string(what) + " line has " +
                             std::to_string(fields.size()) + " fields but the header has " +
                             std::to_string(width) + "; quote values that contain ';'.");
      return false;
    }
    return true;
  }

  bool ReadVotes() {
    const int section_line = rows_.line();
    if (!ReadHeader("VOTES", section_line)) return false;
    const auto& header_fields = rows_.fields();
    std::optional<std::size_t> vote_column;
    std::optional<std::size_t> points_column;
    for (std::size_t i = 0; i < header_fields.size(); ++i) {
      if (header_fields[i] == "vote") vote_column = i;
      if (header_fields[i] == "points") points_column = i;
    }
    if (!vote_column) {
      Fail(rows_.line(), "The VOTES header must have a vote column.");
      return false;
    }
    if (kind_ == VoteKind::kScores && !points_column) {
      Fail(rows_.line(),
           "A " + instance_.vote_type + " file needs a points column in VOTES, parallel to vote.");
      return false;
    }
    // Voter columns after vote and points (age, sex, ...) are not read.
    rows_.set_field_limit(std::max(*vote_column, points_column.value_or(0)) + 1);
    seen_in_ballot_.assign(instance_.projects.size(), 0);
    if (instance_.projects.size() <= kMaxBitmapProjects) {
      approved_.assign((instance_.projects.size() + 63) / 64, 0);
    }
    while (NextRow()) {
      if (SectionOf(rows_) != Section::kNone) {
        Fail(rows_.line(), "VOTES must be the last section.");
        return false;
      }
      const auto& fields = rows_.fields();
      const std::string_view vote = *vote_column < fields.size() ? fields[*vote_column] : "";
      const std::string_view points =
          points_column && *points_column < fields.size() ? fields[*points_column] : "";
      if (!ReadBallot(vote, points)) return false;
    }
    return !error_;
  }

  bool ReadBallot(std::string_view vote, std::string_view points) {
    ++ballot_stamp_;
    projects_.clear();
    const char* p = vote.data();
    const char* const end = p + vote.size();
    while (p < end) {
      // Most files name projects by plain numbers, which are looked up in a table; any other
      // id is trimmed and looked up by its text.
      const char* const start = p;
      std::size_t value = 0;
      while (p < end && *p >= '0' && *p <= '9')
        value = value * 10 + static_cast<std::size_t>(*p++ - '0');
      const auto digits = static_cast<std::size_t>(p - start);
      std::string_view token(start, digits);
      int project = -1;
      if (digits > 0 && digits <= kMaxNumericIdDigits && (*start != '0' || digits == 1) &&
          (p == end || *p == ',') && value < numeric_ids_.size()) {
        project = numeric_ids_[value];
      } else {
        while (p < end && *p != ',') ++p;
        token = Trim(std::string_view(start, static_cast<std::size_t>(p - start)));
        if (!token.empty()) project = static_cast<int>(project_index_.Find(token));
      }
      if (p < end) ++p;  // the comma
      if (token.empty()) continue;
      if (project < 0) {
        Fail(rows_.line(),
             "The vote names project \"" + std::string(token) + "\", which is not in PROJECTS.");
        return false;
      }
      if (seen_in_ballot_[project] == ballot_stamp_) {
        Fail(rows_.line(), "The vote names project " + std::string(token) + " twice.");
        return false;
      }
      seen_in_ballot_[project] = ballot_stamp_;
      projects_.push_back(project);
    }
    key_.clear();
    if (kind_ == VoteKind::kScores) {
      points_.clear();
      for (std::string_view rest = points; !rest.empty();) {
        const std::size_t comma = rest.find(',');
        const std::string_view token = Trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (token.empty()) continue;
        const auto value = ParseInteger(token);
        if (!value || *value < -kMaxPoints || *value > kMaxPoints) {
          Fail(rows_.line(), "The points \"" + std::string(token) +
                                 "\" are not a whole number between -10^9 and 10^9.");
          return false;
        }
        points_.push_back(static_cast<int>(*value));
      }
      if (points_.size() != projects_.size()) {
        Fail(rows_.line(), "The vote names " + std::to_string(projects_.size()) +
                               " projects but gives " + std::to_string(points_.size()) +
                               " points; give one number per project.");
        return false;
      }
      scored_.clear();
      for (std::size_t i = 0; i < projects_.size(); ++i)
        scored_.emplace_back(projects_[i], points_[i]);
      std::sort(scored_.begin(), scored_.end());
      for (const auto& [project, value] : scored_) {
        key_.push_back(project);
        key_.push_back(value);
      }
    } else if (kind_ == VoteKind::kApproval) {
      // Approval sets are compared regardless of the order they were written in, so the key
      // lists the projects in increasing order.
      SortedProjects(key_);
    } else {
      key_.assign(projects_.begin(), projects_.end());
    }
    ballots_.Add(key_, 1);
    return true;
  }

  // Writes projects_ in increasing order to `out`. With few projects in the file they are read
  // off a bitmap, which costs less than sorting them.
  void SortedProjects(std::vector<int>& out) {
    out.clear();
    if (approved_.empty()) {
      out.assign(projects_.begin(), projects_.end());
      std::sort(out.begin(), out.end());
      return;
    }
    for (const int project : projects_) approved_[project / 64] |= uint64_t{1} << (project % 64);
    for (std::size_t word = 0; word < approved_.size(); ++word) {
      for (uint64_t bits = approved_[word]; bits != 0; bits &= bits - 1) {
        out.push_back(static_cast<int>(word * 64) + std::countr_zero(bits));
      }
      approved_[word] = 0;
    }
  }

  // One Ballot per distinct vote, made once the whole file has been read.
  void MakeBallots() {
    instance_.ballots.reserve(ballots_.size());
    ballots_.ForEach([&](std::span<const int> key, int64_t voters) {
      Ballot& ballot = instance_.ballots.emplace_back();
      ballot.multiplicity = voters;
      switch (kind_) {
        case VoteKind::kApproval:
          ballot.ranking = Ranking::OneGroup(key);
          break;
        case VoteKind::kScores:
          for (std::size_t i = 0; i + 1 < key.size(); i += 2)
            ballot.scores.emplace_hint(ballot.scores.end(), key[i], key[i + 1]);
          break;
        case VoteKind::kOrdinal:
          ballot.ranking = Ranking::Strict(key);
          break;
      }
    });
  }

  RowReader rows_;
  std::string_view file_;
  std::optional<ParseError> error_;
  BudgetInstance instance_;
  VoteKind kind_ = VoteKind::kApproval;
  std::map<std::string, int> meta_lines_;
  KeyIndex project_index_;
  // By value, the index of the project whose id is that number written plainly; -1 for none.
  std::vector<int> numeric_ids_;
  // Identical votes are merged; a vote's key is its project indices, each followed by its
  // points for cumulative and scoring votes.
  internal::DistinctBallots ballots_;
  std::vector<uint32_t> seen_in_ballot_;  // per project: the stamp of the last ballot naming it
  std::vector<uint64_t> approved_;        // a bit per project, all clear between votes; or empty
  uint32_t ballot_stamp_ = 0;
  std::vector<int> projects_;
  std::vector<int> points_;  // within +-kMaxPoints
  std::vector<std::pair<int, int>> scored_;
  std::vector<int> key_;
};

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return false;
  if (value.find_first_of(";\"\n\r") != std::string_view::npos) return true;
  const char first = value.front();
  const char last = value.back();
  return first == ' ' || first == '\t' || last == ' ' || last == '\t';
}

void AppendField(std::string& out, std::string_view value) {
  if (!NeedsQuotes(value)) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A row whose only non-empty field is a section word must be quoted, or it would read as a
// section line.
void AppendFirstField(std::string& out, std::string_view value) {
  if (EqualsIgnoreCase(value, "META") || EqualsIgnoreCase(value, "PROJECTS") ||
      EqualsIgnoreCase(value, "VOTES")) {
    out += '"';
    out += value;
    out += '"';
    return;
  }
  AppendField(out, value);
}

}  // namespace

std::variant<BudgetInstance, ParseError> ReadPabulib(std::string_view text,
                                                     std::string_view file_name) {
  return Reader(text, file_name).Read();
}

std::variant<BudgetInstance, ParseError> ReadPabulibFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ParseError{path.string(), 0, "The file cannot be opened; check the path."};
  }
  std::string text;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), size);
  }
  if (!in) return ParseError{path.string(), 0, "The file cannot be read."};
  return ReadPabulib(text, path.string());
}

std::string WritePabulib(const BudgetInstance& instance) {
  std::string out = "META\nkey;value\n";
  // META keeps its spelling ("1000,50") unless it disagrees with the instance.
  std::map<std::string, std::string> meta = instance.meta;
  if (NormalizeDecimal(meta["budget"]) != instance.budget) meta["budget"] = instance.budget;
  meta["vote_type"] = instance.vote_type;
  for (const auto& [key, value] : meta) {
    AppendFirstField(out, key);
    out += ';';
    AppendField(out, value);
    out += '\n';
  }

  std::set<std::string> keys;
  bool has_names = false;
  for (const Project& project : instance.projects) {
    for (const auto& [key, value] : project.fields) keys.insert(key);
    has_names = has_names || !project.name.empty();
  }
  // The customary order: votes and score first, then name, then the rest by header. An
  // empty column name stands for the project's name.
  std::vector<std::string> columns;
  for (const char* first : {"votes", "score"}) {
    if (keys.erase(first) > 0) columns.emplace_back(first);
  }
  keys.erase("project_id");
  keys.erase("cost");
  keys.erase("name");
  keys.erase("");
  if (has_names) columns.emplace_back();
  columns.insert(columns.end(), keys.begin(), keys.end());
  out += "PROJECTS\nproject_id;cost";
  for (const auto& column : columns) {
    out += ';';
    AppendField(out, column.empty() ? "name" : column);
  }
  out += '\n';
  for (const Project& project : instance.projects) {
    AppendFirstField(out, project.id);
    out += ';';
    out += project.cost;
    for (const auto& column : columns) {
      out += ';';
      if (column.empty()) {
        AppendField(out, project.name);
        continue;
      }
      const auto it = project.fields.find(column);
      if (it == project.fields.end()) {
        out += "none";
      } else {
        AppendField(out, it->second);
      }
    }
    out += '\n';
  }

  const auto kind = VoteKindOf(instance.vote_type).value_or(VoteKind::kApproval);
  out += kind == VoteKind::kScores ? "VOTES\nvoter_id;vote;points\n" : "VOTES\nvoter_id;vote\n";
  std::string vote;
  int64_t voter = 0;
  auto project_id = [&](int index) -> const std::string& {
    return instance.projects.at(static_cast<std::size_t>(index)).id;
  };
  for (const Ballot& ballot : instance.ballots) {
    vote.clear();
    std::string points;
    if (kind == VoteKind::kScores) {
      for (const auto& [project, value] : ballot.scores) {
        if (!vote.empty()) {
          vote += ',';
          points += ',';
        }
        vote += project_id(project);
        points += std::to_string(value);
      }
    } else {
      for (const std::span<const int> group : ballot.ranking.groups()) {
        for (const int project : group) {
          if (!vote.empty()) vote += ',';
          vote += project_id(project);
        }
      }
    }
    for (int64_t copy = 0; copy < ballot.multiplicity; ++copy) {
      out += std::to_string(++voter);
      out += ';';
      AppendField(out, vote);
      if (kind == VoteKind::kScores) {
        out += ';';
        out += points;
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace coproduce::tally
