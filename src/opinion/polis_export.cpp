#include "opinion/polis_export.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "tally/csv_records.hpp"

namespace coproduce::opinion {
namespace {

using tally::ParseError;
using tally::Quote;
using tally::WholeNumber;

std::optional<double> Decimal(std::string_view s) {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Export sign: 1 agree, -1 disagree, 0 pass.
std::optional<Vote> VoteFromExport(std::string_view s) {
  if (s == "1") return Vote::kAgree;
  if (s == "-1") return Vote::kDisagree;
  if (s == "0") return Vote::kPass;
  return std::nullopt;
}

// A CSV file with a header row; cells are found by column name.
class Table final {
 public:
  Table(std::string_view text, std::string_view file) : records_(text, 0, 1), file_(file) {}

  // Reads the header; `required` columns must be present.
  std::optional<ParseError> Start(std::initializer_list<std::string_view> required) {
    int start = 1;
    std::string error;
    if (records_.done()) return Fail(1, "The file is empty: a header row is needed.");
    if (!records_.Next(header_, start, error)) return Fail(start, error);
    if (!header_.empty() && header_[0].starts_with("\xEF\xBB\xBF")) header_[0].erase(0, 3);
    for (std::size_t i = 0; i < header_.size(); ++i) index_[header_[i]] = i;
    for (const std::string_view name : required) {
      if (!index_.contains(std::string(name))) {
        return Fail(1, "The column " + Quote(name) + " is missing from the header row.");
      }
    }
    return std::nullopt;
  }

  const std::vector<std::string>& header() const { return header_; }

  // The next non-empty row; false at the end or on error (then `error` is set).
  bool Next(std::optional<ParseError>& error) {
    std::string message;
    while (!records_.done()) {
      if (!records_.Next(cells_, line_, message)) {
        error = Fail(line_, message);
        return false;
      }
      if (cells_.size() == 1 && cells_[0].empty()) continue;
      if (cells_.size() != header_.size()) {
        error =
            Fail(line_, "This row has " + std::to_string(cells_.size()) +
                            " cells but the header has " + std::to_string(header_.size()) + ".");
        return false;
      }
      return true;
    }
    return false;
  }

  std::string_view Cell(std::string_view name) const {
    const auto it = index_.find(std::string(name));
    return it == index_.end() ? std::string_view() : std::string_view(cells_[it->second]);
  }
  std::string_view Cell(std::size_t i) const { return cells_[i]; }
  bool Has(std::string_view name) const { return index_.contains(std::string(name)); }
  int line() const { return line_; }

  ParseError Fail(int line, std::string message) const {
    return {std::string(file_), line, std::move(message)};
  }

  std::optional<ParseError> Number(std::string_view name, int64_t& out) const {
    const std::optional<int64_t> v = WholeNumber(Cell(name));
    if (!v)
      return Fail(line_,
                  "The " + std::string(name) + " " + Quote(Cell(name)) + " is not a whole number.");
    out = *v;
    return std::nullopt;
  }

 private:
  tally::CsvRecords records_;
  std::string_view file_;
  std::vector<std::string> header_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::string> cells_;
  int line_ = 1;
};

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::variant<std::vector<PolisComment>, tally::ParseError> ReadPolisComments(
    std::string_view text, std::string_view file_name) {
  Table table(text, file_name);
  if (auto e = table.Start({"comment-id", "moderated"})) return *e;
  std::vector<PolisComment> out;
  std::optional<ParseError> error;
  while (table.Next(error)) {
    PolisComment c;
    if (auto e = table.Number("comment-id", c.id)) return *e;
    if (table.Has("timestamp") && !table.Cell("timestamp").empty()) {
      if (auto e = table.Number("timestamp", c.timestamp)) return *e;
    }
    int64_t moderated = 0;
    if (auto e = table.Number("moderated", moderated)) return *e;
    if (moderated < -1 || moderated > 1) {
      return table.Fail(table.line(),
                        "moderated must be 1, 0 or -1, not " + std::to_string(moderated) + ".");
    }
    c.moderated = static_cast<int>(moderated);
    const std::string_view meta = table.Cell("is-meta");
    if (!meta.empty() && meta != "true" && meta != "false") {
      return table.Fail(table.line(), "is-meta must be true or false, not " + Quote(meta) + ".");
    }
    c.meta = meta == "true";
    if (const std::string_view gic = table.Cell("group-informed-consensus"); !gic.empty()) {
      c.group_informed_consensus = Decimal(gic);
      if (!c.group_informed_consensus) {
        return table.Fail(table.line(),
                          "group-informed-consensus " + Quote(gic) + " is not a number.");
      }
    }
    c.body = std::string(table.Cell("comment-body"));
    out.push_back(std::move(c));
  }
  if (error) return *error;
  return out;
}

std::variant<std::vector<PolisVote>, tally::ParseError> ReadPolisVotes(std::string_view text,
                                                                       std::string_view file_name) {
  Table table(text, file_name);
  if (auto e = table.Start({"timestamp", "comment-id", "voter-id", "vote"})) return *e;
  std::vector<PolisVote> out;
  std::optional<ParseError> error;
  while (table.Next(error)) {
    PolisVote v;
    if (auto e = table.Number("timestamp", v.timestamp)) return *e;
    if (auto e = table.Number("comment-id", v.comment)) return *e;
    if (auto e = table.Number("voter-id", v.participant)) return *e;
    const std::optional<Vote> vote = VoteFromExport(table.Cell("vote"));
    if (!vote)
      return table.Fail(table.line(),
                        "The vote " + Quote(table.Cell("vote")) + " must be 1, -1 or 0.");
    v.vote = *vote;
    out.push_back(v);
  }
  if (error) return *error;
  return out;
}

std::variant<std::vector<PolisParticipant>, tally::ParseError> ReadPolisParticipants(
    std::string_view text, std::string_view file_name) {
  Table table(text, file_name);
  if (auto e = table.Start({"participant", "group-id"})) return *e;
  static constexpr std::string_view kKnown[] = {"participant", "xid",     "group-id",  "n-comments",
                                                "n-votes",     "n-agree", "n-disagree"};
  std::vector<std::pair<std::size_t, Id>> comment_columns;
  for (std::size_t i = 0; i < table.header().size(); ++i) {
    const std::string& name = table.header()[i];
    if (std::find(std::begin(kKnown), std::end(kKnown), name) != std::end(kKnown)) continue;
    const std::optional<int64_t> id = WholeNumber(name);
    if (!id)
      return table.Fail(1, "The column " + Quote(name) + " is not a comment id (a whole number).");
    comment_columns.emplace_back(i, *id);
  }
  std::vector<PolisParticipant> out;
  std::optional<ParseError> error;
  while (table.Next(error)) {
    PolisParticipant p;
    if (auto e = table.Number("participant", p.id)) return *e;
    if (const std::string_view group = table.Cell("group-id"); !group.empty()) {
      const std::optional<int64_t> g = WholeNumber(group);
      if (!g || *g < 0 || *g > 1000) {
        return table.Fail(table.line(), "The group-id " + Quote(group) +
                                            " must be empty or a whole number from 0.");
      }
      p.group = static_cast<int>(*g);
    }
    for (const auto& [column, id] : comment_columns) {
      const std::string_view cell = table.Cell(column);
      if (cell.empty()) continue;
      const std::optional<Vote> vote = VoteFromExport(cell);
      if (!vote) {
        return table.Fail(table.line(), "The vote " + Quote(cell) + " on comment " +
                                            std::to_string(id) + " must be 1, -1, 0 or empty.");
      }
      p.votes.emplace_back(id, *vote);
    }
    out.push_back(std::move(p));
  }
  if (error) return *error;
  return out;
}

std::variant<PolisExport, tally::ParseError> ReadPolisExport(const std::filesystem::path& folder) {
  PolisExport out;
  const auto read = [&](const char* name, auto reader, auto& into) -> std::optional<ParseError> {
    const std::filesystem::path path = folder / name;
    const std::optional<std::string> text = ReadFile(path);
    if (!text) return std::nullopt;
    auto parsed = reader(*text, path.string());
    if (auto* e = std::get_if<ParseError>(&parsed)) return *e;
    into = std::move(std::get<0>(parsed));
    return std::nullopt;
  };
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return ParseError{folder.string(), 0,
                      "This is not a folder. Give the folder of a Polis export."};
  }
  if (auto e = read("comments.csv", ReadPolisComments, out.comments)) return *e;
  if (auto e = read("votes.csv", ReadPolisVotes, out.votes)) return *e;
  if (auto e = read("participants-votes.csv", ReadPolisParticipants, out.participants)) return *e;
  if (out.votes.empty() && out.participants.empty()) {
    return ParseError{folder.string(), 0,
                      "The folder has no votes: it needs votes.csv or participants-votes.csv from "
                      "a Polis export."};
  }
  return out;
}

namespace {

void LoadModeration(const PolisExport& data, Conversation& conversation) {
  for (const PolisComment& c : data.comments) {
    conversation.AddComment(c.id);
    conversation.SetModeratedOut(c.id, c.moderated == -1);
    conversation.SetMeta(c.id, c.meta);
  }
}

std::vector<PolisVote> InTimeOrder(const std::vector<PolisVote>& votes) {
  std::vector<PolisVote> sorted = votes;
  std::stable_sort(sorted.begin(), sorted.end(), [](const PolisVote& a, const PolisVote& b) {
    return a.timestamp < b.timestamp;
  });
  return sorted;
}

}  // namespace

void LoadAll(const PolisExport& data, Conversation& conversation) {
  LoadModeration(data, conversation);
  if (!data.votes.empty()) {
    for (const PolisVote& v : InTimeOrder(data.votes))
      conversation.AddVote(v.participant, v.comment, v.vote);
    return;
  }
  for (const PolisParticipant& p : data.participants) {
    for (const auto& [comment, vote] : p.votes) conversation.AddVote(p.id, comment, vote);
  }
}

int Replay(const PolisExport& data, Conversation& conversation, int64_t batch_ms) {
  LoadModeration(data, conversation);
  const std::vector<PolisVote> sorted = InTimeOrder(data.votes);
  int updates = 0;
  std::size_t i = 0;
  while (i < sorted.size()) {
    // Polls fall every batch_ms from the first vote; a poll with new votes updates the map.
    const int64_t first = sorted.front().timestamp;
    const int64_t window_end = first + ((sorted[i].timestamp - first) / batch_ms + 1) * batch_ms;
    for (; i < sorted.size() && sorted[i].timestamp < window_end; ++i) {
      conversation.AddVote(sorted[i].participant, sorted[i].comment, sorted[i].vote);
    }
    conversation.Update();
    ++updates;
  }
  return updates;
}

}  // namespace coproduce::opinion
