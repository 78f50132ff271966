#include "tally/ballot_csv.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "tally/csv_records.hpp"

namespace coproduce::tally {
namespace {

constexpr int kMaxSeats = 1'000'000;

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return false;
  if (IsBlank(s.front()) || IsBlank(s.back())) return true;
  return s.find_first_of(",\"\r\n") != std::string_view::npos || s.front() == '#';
}

void AppendField(std::string& out, std::string_view s) {
  if (!NeedsQuotes(s)) {
    out += s;
    return;
  }
  out += '"';
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::optional<BallotKind> BallotKindFromString(std::string_view text) {
  if (text == "ranked") return BallotKind::kRanked;
  if (text == "approval") return BallotKind::kApproval;
  if (text == "score") return BallotKind::kScore;
  return std::nullopt;
}

std::string_view ToString(BallotKind kind) {
  switch (kind) {
    case BallotKind::kRanked:
      return "ranked";
    case BallotKind::kApproval:
      return "approval";
    case BallotKind::kScore:
      return "score";
  }
  return "ranked";
}

std::variant<BallotCsv, ParseError> ReadBallotCsv(std::string_view text,
                                                  std::string_view file_name) {
  auto fail = [&](int line, std::string message) {
    return ParseError{std::string(file_name), line, std::move(message)};
  };
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  BallotCsv out;
  std::optional<BallotKind> kind;

  // Settings and empty lines before the header row.
  std::size_t pos = 0;
  int line = 1;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = Trim(text.substr(pos, end - pos));
    if (!raw.empty() && raw.front() != '#') break;
    if (!raw.empty()) {
      const std::string_view body = raw.substr(1);
      const std::size_t colon = body.find(':');
      if (colon == std::string_view::npos) {
        return fail(line, "A '#' line must be a setting such as '# kind: ranked'.");
      }
      const std::string_view key = Trim(body.substr(0, colon));
      const std::string_view value = Trim(body.substr(colon + 1));
      if (key == "kind") {
        kind = BallotKindFromString(value);
        if (!kind) {
          return fail(line, "The kind " + Quote(value) + " is not ranked, approval or score.");
        }
      } else if (key == "title") {
        out.election.title = std::string(value);
      } else if (key == "seats") {
        const auto seats = WholeNumber(value);
        if (!seats || *seats < 1 || *seats > kMaxSeats) {
          return fail(line,
                      "seats must be a whole number of at least 1, not " + Quote(value) + ".");
        }
        out.election.seats = static_cast<int>(*seats);
      } else {
        return fail(line,
                    "Unknown setting " + Quote(key) + "; the settings are kind, title and seats.");
      }
    }
    pos = end + 1;
    ++line;
  }
  if (!kind) {
    return fail(
        1, "The file must start with '# kind: ranked', '# kind: approval' or '# kind: score'.");
  }
  out.kind = *kind;
  if (pos >= text.size())
    return fail(line, "The header row 'voter,sector,organisation,...' is missing.");

  CsvRecords records(text, pos, line);
  std::vector<std::string> cells;
  int start = 0;
  std::string error;
  if (!records.Next(cells, start, error)) return fail(start, error);
  if (cells.size() < 3 || cells[0] != "voter" || cells[1] != "sector" ||
      cells[2] != "organisation") {
    return fail(start,
                "The header row must start with 'voter,sector,organisation', then one column per "
                "candidate.");
  }
  std::map<std::string, std::size_t> names;
  for (std::size_t k = 3; k < cells.size(); ++k) {
    if (cells[k].empty())
      return fail(start, "Column " + std::to_string(k + 1) + " has no candidate name.");
    if (!names.emplace(cells[k], k).second) {
      return fail(start, "Two columns are both named " + Quote(cells[k]) +
                             ". Give every candidate its own name.");
    }
    out.election.candidates.push_back(cells[k]);
  }
  const std::size_t width = cells.size();
  const int m = static_cast<int>(width - 3);

  std::map<std::string, int> voter_lines;
  std::vector<std::pair<int64_t, int>> ranked;  // (rank, candidate) of the row being read
  std::vector<int> candidates;                  // its ranking, best first,
  std::vector<int> ends;                        // and where each rank's group ends
  while (!records.done()) {
    if (!records.Next(cells, start, error)) return fail(start, error);
    if (cells.size() == 1 && cells[0].empty()) continue;  // an empty line
    if (cells.size() != width) {
      return fail(start, "This row has " + std::to_string(cells.size()) +
                             " fields but the header has " + std::to_string(width) + ".");
    }
    if (!cells[0].empty()) {
      if (const auto [it, fresh] = voter_lines.emplace(cells[0], start); !fresh) {
        return fail(start, "Voter " + Quote(cells[0]) + " already voted on line " +
                               std::to_string(it->second) + ". Each voter has one row.");
      }
    }
    Ballot ballot;
    ballot.sector = cells[1];
    ballot.organisation = cells[2];
    ranked.clear();
    std::vector<int> approved;
    for (int c = 0; c < m; ++c) {
      const std::string& cell = cells[static_cast<std::size_t>(c) + 3];
      if (cell.empty()) continue;
      const auto value = WholeNumber(cell);
      auto where = [&] { return " for " + Quote(out.election.candidates[c]); };
      switch (out.kind) {
        case BallotKind::kRanked:
          if (!value || *value < 1) {
            return fail(start, "The rank " + Quote(cell) + where() +
                                   " must be a whole number from 1, or empty.");
          }
          ranked.emplace_back(*value, c);
          break;
        case BallotKind::kApproval:
          if (!value || (*value != 0 && *value != 1)) {
            return fail(start, "The approval " + Quote(cell) + where() + " must be 1, 0 or empty.");
          }
          if (*value == 1) approved.push_back(c);
          break;
        case BallotKind::kScore:
          if (!value)
            return fail(
                start, "The score " + Quote(cell) + where() + " must be a whole number, or empty.");
          ballot.scores[c] = *value;
          break;
      }
    }
    if (out.kind == BallotKind::kRanked) {
      // A group per rank, best first; candidates in a tie in column order.
      std::sort(ranked.begin(), ranked.end());
      candidates.clear();
      ends.clear();
      for (std::size_t i = 0; i < ranked.size(); ++i) {
        if (i > 0 && ranked[i].first != ranked[i - 1].first) ends.push_back(static_cast<int>(i));
        candidates.push_back(ranked[i].second);
      }
      if (!candidates.empty()) ends.push_back(static_cast<int>(candidates.size()));
      ballot.ranking = Ranking(candidates, ends);
    }
    if (out.kind == BallotKind::kApproval && !approved.empty())
      ballot.ranking = Ranking::OneGroup(approved);
    out.election.ballots.push_back(std::move(ballot));
  }
  return out;
}

std::string WriteBallotCsv(const Election& election, BallotKind kind) {
  const int m = static_cast<int>(election.candidates.size());
  std::string out = "# kind: " + std::string(ToString(kind)) + "\n";
  if (!election.title.empty()) {
    std::string title = election.title;
    std::replace(title.begin(), title.end(), '\n', ' ');
    out += "# title: " + std::string(Trim(title)) + "\n";
  }
  out += "# seats: " + std::to_string(std::max(1, election.seats)) + "\n";
  out += "voter,sector,organisation";
  for (const std::string& name : election.candidates) {
    out += ',';
    AppendField(out, name);
  }
  out += '\n';

  int64_t voter = 0;
  std::vector<std::string> cells(static_cast<std::size_t>(m));
  std::vector<bool> used;
  for (const Ballot& b : election.ballots) {
    std::fill(cells.begin(), cells.end(), std::string());
    used.assign(static_cast<std::size_t>(m), false);
    bool ok = true;
    if (kind == BallotKind::kScore) {
      for (const auto& [c, score] : b.scores) {
        if (c < 0 || c >= m) ok = false;
        if (ok) cells[c] = std::to_string(score);
      }
    } else {
      int64_t rank = 0;
      for (const std::span<const int> group : b.ranking.groups()) {
        if (group.empty()) continue;
        ++rank;
        for (const int c : group) {
          if (c < 0 || c >= m || used[c]) {
            ok = false;
            break;
          }
          used[c] = true;
          cells[c] = kind == BallotKind::kRanked ? std::to_string(rank) : "1";
        }
      }
    }
    if (!ok) continue;
    for (int64_t k = 0; k < b.multiplicity; ++k) {
      out += std::to_string(++voter);
      out += ',';
      AppendField(out, b.sector);
      out += ',';
      AppendField(out, b.organisation);
      for (const std::string& cell : cells) {
        out += ',';
        out += cell;
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace coproduce::tally
