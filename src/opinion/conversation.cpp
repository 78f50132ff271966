#include "opinion/conversation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <Eigen/Dense>

#include "opinion/internal/clusters.hpp"
#include "opinion/internal/co_votes.hpp"
#include "opinion/internal/pca.hpp"
#include "opinion/internal/statistics.hpp"

namespace coproduce::opinion {

using internal::Cell;
using internal::Cluster;
using internal::Counts;
using internal::Point;

namespace {

// The k-smoother of spec step 7.
struct KSmoother final {
  int last_k = 0;
  int last_k_count = 0;
  int smoothed_k = 0;
};

constexpr int8_t kAgreeValue = static_cast<int8_t>(Vote::kAgree);
constexpr int8_t kDisagreeValue = static_cast<int8_t>(Vote::kDisagree);

void AddVoteTo(Counts& c, int8_t v, int64_t times = 1) {
  c.seen += times;
  if (v == kAgreeValue) c.agree += times;
  if (v == kDisagreeValue) c.disagree += times;
}

// Below this many votes a pass over them is quicker than starting a thread.
constexpr int64_t kVotesForASecondThread = 200000;

int MiniBatchSize(int participants) {
  // linear from 100 rows at 1,500 participants to 1,500 rows at 150,000
  const double size = 100 + (participants - 1500) * (1400.0 / 148500.0);
  return static_cast<int>(std::clamp(size, 100.0, 1500.0));
}

// Votes of groups: per group, one counter per comment and answer, at 3 j + vote + 1
// (agree, pass, disagree), and the number of members.
struct GroupVotes final {
  std::vector<std::vector<int32_t>> counts;
  std::vector<int64_t> members;

  void Fit(std::size_t groups, std::size_t columns) {
    if (counts.size() < groups) {
      counts.resize(groups);
      members.resize(groups, 0);
    }
    for (auto& line : counts) line.resize(3 * columns, 0);
  }
  void Add(std::size_t g, std::span<const Cell> row, int32_t sign) {
    int32_t* line = counts[g].data();
    for (const Cell& cell : row) line[3 * cell.column + cell.value + 1] += sign;
    members[g] += sign;
  }
};

// Votes per label (opinion group or subgroup) kept from one update to the next: Relabel
// moves only the rows whose label changed, and OnVote keeps counted rows up to date.
struct KeptCounts final {
  std::vector<int> counted;  // per row: the label its votes are counted under, or -1
  GroupVotes votes;

  void OnVote(std::size_t r, std::size_t columns, int32_t j, std::optional<int8_t> old,
              int8_t value) {
    if (r >= counted.size() || counted[r] < 0) return;
    const auto g = static_cast<std::size_t>(counted[r]);
    votes.Fit(votes.counts.size(), columns);
    const auto at = [&](int8_t v) {
      return 3 * static_cast<std::size_t>(j) + static_cast<std::size_t>(v + 1);
    };
    if (old) --votes.counts[g][at(*old)];
    ++votes.counts[g][at(value)];
  }

  void Relabel(const std::vector<std::vector<Cell>>& rows, const std::vector<int>& label,
               std::size_t n_labels, std::size_t columns) {
    votes.Fit(n_labels, columns);
    counted.resize(rows.size(), -1);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const int now = label[r];
      const int before = counted[r];
      if (now == before) continue;
      if (before >= 0) votes.Add(static_cast<std::size_t>(before), rows[r], -1);
      if (now >= 0) votes.Add(static_cast<std::size_t>(now), rows[r], 1);
      counted[r] = now;
    }
  }
};

// Clusterings of base clusters for each k, warm-started from one update to the next, and
// the k-smoother that picks one (spec steps 6-7).
struct Grouping final {
  std::map<int, std::vector<Cluster>> by_k;  // members are base cluster ids
  KSmoother smoother;
};

}  // namespace

struct Conversation::State final {
  Options options;
  std::mt19937_64 random;

  std::vector<Id> participant_ids;
  std::unordered_map<Id, int> row_of;
  std::vector<Id> comment_ids;
  std::unordered_map<Id, int> column_of;
  std::vector<std::vector<Cell>> rows;  // sorted by column
  int64_t cells = 0;
  std::vector<Counts> column_totals;  // raw votes per column
  // Pair sums for the Gram matrix, built at the first update that uses them and then kept
  // up to date by AddVote.
  internal::CoVotes co_votes;
  bool co_votes_ready = false;
  std::unordered_set<Id> moderated_out;
  std::unordered_set<Id> meta;
  std::vector<Id> announced;  // comments known before any vote, in order
  std::unordered_set<Id> announced_set;

  // Carried from one update to the next (spec step 14).
  std::vector<char> in_conversation;
  internal::Components pca;
  std::vector<Cluster> base;  // members are participant rows
  Grouping groups;
  std::map<int, Grouping> subgroups;  // by group id
  KeptCounts group_counts;
  KeptCounts subgroup_counts;
  std::map<std::pair<int, int>, int> subgroup_label;  // (group, subgroup) -> counted label
  std::vector<double> priority;                       // per column, from the last update
  Map map;

  explicit State(Options o) : options(o), random(o.seed) {}

  void Forget() {
    co_votes = {};
    co_votes_ready = false;
    group_counts = {};
    subgroup_counts = {};
    subgroup_label.clear();
    in_conversation.clear();
    pca = {};
    base.clear();
    groups = {};
    subgroups.clear();
    random.seed(options.seed);
  }

  // Per column, 1 where the comment counts as a pass for everyone (moderated out or meta).
  std::vector<char> PassColumns() const {
    std::vector<char> pass(comment_ids.size(), 0);
    for (std::size_t j = 0; j < pass.size(); ++j) {
      pass[j] = moderated_out.contains(comment_ids[j]) || meta.contains(comment_ids[j]) ? 1 : 0;
    }
    return pass;
  }

  void Compute();
  void UpdateInConversation(int columns);
  // `counted`: 1 where the column counts (see PassColumns).
  void RunPca(const std::vector<double>& mean, std::span<const char> counted);
  bool UseGram() const;
  std::vector<Point> Project(std::span<const char> pass_column);
  void ClusterBase(const std::vector<int>& in_rows, const std::vector<Point>& positions);
  // The group of each listed base cluster (-1 for none), clustering them with `grouping`.
  std::vector<int> ClusterBaseClusters(std::span<const std::size_t> listed, Grouping& grouping);
  // Votes per group and column, in rating-mat (moderated-out comments as passes for every
  // member) and in the raw matrix.
  struct GroupTally final {
    std::vector<std::vector<Counts>> rating;
    std::vector<std::vector<Counts>> raw;
  };
  GroupTally CountByGroup(const std::vector<int>& group_of, int n_groups,
                          std::span<const char> pass_column) const;
  // The same for the opinion groups of `map`, kept from one update to the next.
  GroupTally Tally(const GroupVotes& votes, std::size_t n_groups,
                   std::span<const char> pass_column) const;
};

Conversation::Conversation(Options options) : state_(std::make_unique<State>(options)) {}
Conversation::~Conversation() = default;
Conversation::Conversation(Conversation&&) noexcept = default;
Conversation& Conversation::operator=(Conversation&&) noexcept = default;

bool Conversation::AddVote(Id participant, Id comment, Vote vote) {
  State& s = *state_;
  auto row = s.row_of.find(participant);
  auto column = s.column_of.find(comment);
  if (row == s.row_of.end() && static_cast<int>(s.rows.size()) >= s.options.max_participants)
    return false;
  if (column == s.column_of.end() && static_cast<int>(s.comment_ids.size()) >=
                                         std::min(s.options.max_comments, internal::kMaxColumns)) {
    return false;
  }
  if (row == s.row_of.end()) {
    row = s.row_of.emplace(participant, static_cast<int>(s.rows.size())).first;
    s.participant_ids.push_back(participant);
    s.rows.emplace_back();
  }
  if (column == s.column_of.end()) {
    column = s.column_of.emplace(comment, static_cast<int>(s.comment_ids.size())).first;
    s.comment_ids.push_back(comment);
  }
  std::vector<Cell>& cells = s.rows[static_cast<std::size_t>(row->second)];
  const auto j = static_cast<int32_t>(column->second);
  const auto value = static_cast<int8_t>(vote);
  const auto at = std::lower_bound(cells.begin(), cells.end(), j,
                                   [](const Cell& c, int32_t col) { return c.column < col; });
  const bool voted_before = at != cells.end() && at->column == j;
  const std::optional<int8_t> old = voted_before ? std::optional<int8_t>(at->value) : std::nullopt;
  if (s.co_votes_ready) {
    s.co_votes.Resize(static_cast<int>(s.comment_ids.size()));
    s.co_votes.Change(cells, j, old, value);
  }
  const auto r = static_cast<std::size_t>(row->second);
  s.group_counts.OnVote(r, s.comment_ids.size(), j, old, value);
  s.subgroup_counts.OnVote(r, s.comment_ids.size(), j, old, value);
  s.column_totals.resize(s.comment_ids.size());
  Counts& total = s.column_totals[static_cast<std::size_t>(j)];
  if (old) AddVoteTo(total, *old, -1);
  AddVoteTo(total, value);
  if (voted_before) {
    at->value = value;
    return true;
  }
  cells.insert(at, Cell{static_cast<uint16_t>(j), value});
  ++s.cells;
  return true;
}

void Conversation::AddComment(Id comment) {
  if (state_->announced_set.insert(comment).second) state_->announced.push_back(comment);
}

void Conversation::SetModeratedOut(Id comment, bool moderated_out) {
  if (moderated_out) {
    state_->moderated_out.insert(comment);
    return;
  }
  state_->moderated_out.erase(comment);
}

void Conversation::SetMeta(Id comment, bool meta) {
  if (meta) {
    state_->meta.insert(comment);
    return;
  }
  state_->meta.erase(comment);
}

const Map& Conversation::Update() {
  state_->Compute();
  return state_->map;
}

const Map& Conversation::Recompute() {
  state_->Forget();
  state_->Compute();
  return state_->map;
}

const Map& Conversation::map() const { return state_->map; }

std::optional<int> Conversation::RowOf(Id participant) const {
  const auto it = state_->row_of.find(participant);
  if (it == state_->row_of.end()) return std::nullopt;
  return it->second;
}

void Conversation::State::UpdateInConversation(int columns) {
  const std::size_t n = rows.size();
  in_conversation.resize(n, 0);
  const std::size_t threshold = static_cast<std::size_t>(std::min(7, columns));
  std::size_t in = 0;
  for (std::size_t r = 0; r < n; ++r) {
    if (rows[r].size() >= threshold) in_conversation[r] = 1;
    in += in_conversation[r] != 0 ? 1 : 0;
  }
  const std::size_t wanted = std::min(static_cast<std::size_t>(options.min_in_conv), n);
  if (in >= wanted) return;
  std::vector<int> by_votes(n);
  std::iota(by_votes.begin(), by_votes.end(), 0);
  std::stable_sort(by_votes.begin(), by_votes.end(),
                   [&](int a, int b) { return rows[a].size() > rows[b].size(); });
  for (const int r : by_votes) {
    if (in >= wanted) break;
    if (in_conversation[r] != 0) continue;
    in_conversation[r] = 1;
    ++in;
  }
}

// Both ways give the same components; this picks the cheaper, counting what an iteration
// costs (measured: about 0.06 ns per Gram entry, 0.3 ns per vote and pass over the votes)
// and the one-off cost of the pair sums (1.1 ns per pair). Once built, the pair sums are
// kept, so warm updates (which come one after another) always use them.
bool Conversation::State::UseGram() const {
  const auto columns = static_cast<double>(comment_ids.size());
  if (columns > options.gram_max_columns) return false;
  if (co_votes_ready || !pca.comps.empty()) return true;
  double pairs = 0;
  for (const auto& row : rows)
    pairs += static_cast<double>(row.size()) * static_cast<double>(row.size() + 1) / 2;
  const double products = static_cast<double>((options.pca_iters + 1) * options.n_comps);
  const double gram = 1.1 * pairs + 0.06 * columns * columns * products;
  const double passes = 0.3 * 2 * static_cast<double>(cells) * products;
  return gram < passes;
}

void Conversation::State::RunPca(const std::vector<double>& mean, std::span<const char> counted) {
  const std::size_t columns = comment_ids.size();
  const int n = static_cast<int>(rows.size());
  // Warm start: the previous components, with 1 for comments that are new since.
  std::vector<std::vector<double>> start = pca.comps;
  for (auto& comp : start) comp.resize(columns, 1.0);
  if (n == 1) {
    // One participant: their row of rating-mat, normalised, and no centring.
    std::vector<double> row(columns, 0.0);
    for (const Cell& cell : rows[0]) {
      if (counted[static_cast<std::size_t>(cell.column)] != 0)
        row[static_cast<std::size_t>(cell.column)] = cell.value;
    }
    const double norm = std::sqrt(std::inner_product(row.begin(), row.end(), row.begin(), 0.0));
    if (norm > 0) {
      for (double& x : row) x /= norm;
    }
    pca.center.assign(columns, 0.0);
    pca.comps = {row};
    pca.comps.resize(static_cast<std::size_t>(options.n_comps), std::vector<double>(columns, 0.0));
    return;
  }
  if (columns == 1) {
    pca.center.assign(1, 0.0);
    pca.comps = {{1.0}};
    return;
  }
  const bool mini_batch = options.polis_mini_batch && n > options.large_conversation;
  if (!mini_batch && UseGram()) {
    // X'X from the pair sums: the cost no longer grows with the participants.
    if (!co_votes_ready) {
      co_votes = {};
      co_votes.Resize(static_cast<int>(columns));
      co_votes.Build(rows);
      co_votes_ready = true;
    }
    Eigen::MatrixXd gram;
    co_votes.Gram(mean, counted, gram);
    const auto product = [&](std::span<const double> v, std::vector<double>& y) {
      y.resize(v.size());
      Eigen::Map<Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(y.size())).noalias() =
          gram.selfadjointView<Eigen::Upper>() *
          Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
    };
    pca.center = mean;
    pca.comps = internal::PowerIteration(product, static_cast<int>(columns), options.n_comps,
                                         options.pca_iters, start, random);
    return;
  }
  const internal::VoteRows matrix{rows, mean, counted};
  if (!mini_batch) {
    pca =
        internal::PowerIterationPca(matrix, {}, options.n_comps, options.pca_iters, start, random);
    return;
  }
  const int sample_size = MiniBatchSize(n);
  std::vector<int> all(static_cast<std::size_t>(n));
  std::iota(all.begin(), all.end(), 0);
  std::optional<internal::Components> blended;
  if (!pca.comps.empty()) {
    blended = pca;
    blended->center.resize(columns, 0.0);
    blended->comps = start;
  }
  for (int round = 0; round < options.pca_iters; ++round) {
    // A partial Fisher-Yates shuffle draws the sample.
    for (int i = 0; i < sample_size; ++i) {
      std::uniform_int_distribution<int> pick(i, n - 1);
      std::swap(all[static_cast<std::size_t>(i)], all[static_cast<std::size_t>(pick(random))]);
    }
    const std::span<const int> sample(all.data(), static_cast<std::size_t>(sample_size));
    internal::Components part = internal::PowerIterationPca(
        matrix, sample, options.n_comps, 10, blended ? blended->comps : start, random);
    if (!blended) {
      blended = std::move(part);
      continue;
    }
    for (std::size_t j = 0; j < columns; ++j)
      blended->center[j] = 0.99 * blended->center[j] + 0.01 * part.center[j];
    for (std::size_t c = 0; c < blended->comps.size(); ++c) {
      for (std::size_t j = 0; j < columns; ++j) {
        blended->comps[c][j] = 0.99 * blended->comps[c][j] + 0.01 * part.comps[c][j];
      }
    }
  }
  pca = std::move(*blended);
}

std::vector<Point> Conversation::State::Project(std::span<const char> pass_column) {
  const std::size_t columns = comment_ids.size();
  const double n_cmts = static_cast<double>(columns);
  // Per column, packed in one cache line's quarter: the centre, the two components (zero
  // where the column is all passes: its cells are 0 - centre for everyone, a constant added
  // once below) and whether a vote there counts.
  struct Column final {
    double center = 0;
    double pc0 = 0;
    double pc1 = 0;
    int64_t counted = 0;
  };
  std::vector<Column> column(columns);
  int64_t passes = 0;
  double base_x = 0;
  double base_y = 0;
  for (std::size_t j = 0; j < columns; ++j) {
    const double c0 = !pca.comps.empty() && j < pca.comps[0].size() ? pca.comps[0][j] : 0.0;
    const double c1 = pca.comps.size() > 1 && j < pca.comps[1].size() ? pca.comps[1][j] : 0.0;
    column[j].center = pca.center[j];
    if (pass_column[j] != 0) {
      ++passes;
      base_x -= pca.center[j] * c0;
      base_y -= pca.center[j] * c1;
      continue;
    }
    column[j] = {pca.center[j], c0, c1, 1};
  }
  std::vector<Point> positions(rows.size());
  const auto project_rows = [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      // Two sums for each coordinate, so that consecutive additions do not wait on each other.
      double x[2] = {base_x, 0};
      double y[2] = {base_y, 0};
      int64_t votes = passes;
      const std::vector<Cell>& row = rows[r];
      for (std::size_t k = 0; k < row.size(); ++k) {
        const Column& c = column[static_cast<std::size_t>(row[k].column)];
        votes += c.counted;
        const double d = row[k].value - c.center;
        x[k & 1] += d * c.pc0;
        y[k & 1] += d * c.pc1;
      }
      const double scale = std::sqrt(n_cmts / static_cast<double>(std::max<int64_t>(votes, 1)));
      positions[r] = {(x[0] + x[1]) * scale, (y[0] + y[1]) * scale};
    }
  };
  // Each row is independent: with many votes, a second thread takes the second half of them.
  if (cells < kVotesForASecondThread) {
    project_rows(0, rows.size());
  } else {
    std::size_t half = 0;
    for (int64_t seen = 0; half < rows.size() && 2 * seen < cells; ++half)
      seen += static_cast<int64_t>(rows[half].size());
    std::thread second([&] { project_rows(half, rows.size()); });
    project_rows(0, half);
    second.join();
  }
  map.comments.assign(columns, {});
  const double comment_scale = std::sqrt(n_cmts);
  for (std::size_t j = 0; j < columns; ++j) {
    const double c0 = !pca.comps.empty() && j < pca.comps[0].size() ? pca.comps[0][j] : 0.0;
    const double c1 = pca.comps.size() > 1 && j < pca.comps[1].size() ? pca.comps[1][j] : 0.0;
    const double d = -1.0 - pca.center[j];
    const double x = d * c0 * comment_scale;
    const double y = d * c1 * comment_scale;
    map.comments[j].id = comment_ids[j];
    map.comments[j].extremity = std::sqrt(x * x + y * y);
  }
  return positions;
}

void Conversation::State::ClusterBase(const std::vector<int>& in_rows,
                                      const std::vector<Point>& positions) {
  std::vector<Point> points;
  points.reserve(in_rows.size());
  std::vector<int> index_of_row(rows.size(), -1);
  for (std::size_t i = 0; i < in_rows.size(); ++i) {
    points.push_back(positions[static_cast<std::size_t>(in_rows[i])]);
    index_of_row[static_cast<std::size_t>(in_rows[i])] = static_cast<int>(i);
  }
  std::vector<Cluster> start;
  if (base.empty()) {
    start = internal::FirstDistinct(points, options.base_k);
  } else {
    for (Cluster c : base) {
      std::vector<int> members;
      for (const int row : c.members) {
        if (index_of_row[static_cast<std::size_t>(row)] >= 0)
          members.push_back(index_of_row[static_cast<std::size_t>(row)]);
      }
      c.members = std::move(members);
      start.push_back(std::move(c));
    }
    start = internal::CleanStart(points, {}, std::move(start), options.base_k);
  }
  base = internal::KMeans(points, {}, std::move(start), options.base_iters);
  for (Cluster& c : base) {
    for (int& m : c.members) m = in_rows[static_cast<std::size_t>(m)];
  }
}

std::vector<int> Conversation::State::ClusterBaseClusters(std::span<const std::size_t> listed,
                                                          Grouping& grouping) {
  std::vector<Point> points;
  std::vector<double> weights;
  std::unordered_map<int, int> index_of_id;
  for (const std::size_t b : listed) {
    index_of_id[base[b].id] = static_cast<int>(points.size());
    points.push_back(base[b].center);
    weights.push_back(static_cast<double>(base[b].members.size()));
  }
  if (points.empty()) return {};
  const int max_k = std::min(options.max_k, 2 + static_cast<int>(points.size()) / 12);
  std::map<int, std::vector<Cluster>> next;
  int best_k = 0;
  double best_silhouette = -std::numeric_limits<double>::infinity();
  for (int k = 2; k <= max_k; ++k) {
    std::vector<Cluster> start;
    const auto previous = grouping.by_k.find(k);
    if (previous == grouping.by_k.end()) {
      start = internal::FirstDistinct(points, k);
    } else {
      for (Cluster c : previous->second) {
        std::vector<int> members;
        for (const int id : c.members) {
          const auto at = index_of_id.find(id);
          if (at != index_of_id.end()) members.push_back(at->second);
        }
        c.members = std::move(members);
        start.push_back(std::move(c));
      }
      start = internal::CleanStart(points, weights, std::move(start), k);
    }
    std::vector<Cluster> clustering =
        internal::KMeans(points, weights, std::move(start), options.group_iters);
    std::vector<int> label(points.size(), 0);
    for (const Cluster& c : clustering) {
      for (const int m : c.members) label[static_cast<std::size_t>(m)] = c.id;
    }
    const double silhouette = internal::Silhouette(points, label);
    if (silhouette > best_silhouette) {
      best_silhouette = silhouette;
      best_k = k;
    }
    for (Cluster& c : clustering) {
      for (int& m : c.members) m = base[listed[static_cast<std::size_t>(m)]].id;
    }
    next[k] = std::move(clustering);
  }
  grouping.by_k = std::move(next);
  // k-smoothing: a new best k is taken once it has won group_k_buffer updates in a row.
  KSmoother& smoother = grouping.smoother;
  const int count = smoother.last_k == best_k ? smoother.last_k_count + 1 : 1;
  smoother.last_k = best_k;
  smoother.last_k_count = count;
  if (count >= options.group_k_buffer || smoother.smoothed_k == 0) smoother.smoothed_k = best_k;
  // A smoothed k outside today's range (fewer base clusters) gives way to today's best.
  auto chosen = grouping.by_k.find(smoother.smoothed_k);
  if (chosen == grouping.by_k.end()) chosen = grouping.by_k.find(best_k);
  std::vector<int> group_of(listed.size(), -1);
  if (chosen == grouping.by_k.end()) return group_of;
  for (const Cluster& g : chosen->second) {
    for (const int id : g.members) group_of[static_cast<std::size_t>(index_of_id[id])] = g.id;
  }
  return group_of;
}

Conversation::State::GroupTally Conversation::State::Tally(
    const GroupVotes& votes, std::size_t n_groups, std::span<const char> pass_column) const {
  const std::size_t columns = comment_ids.size();
  GroupTally out;
  out.rating.assign(n_groups, std::vector<Counts>(columns));
  out.raw.assign(n_groups, std::vector<Counts>(columns));
  for (std::size_t g = 0; g < n_groups && g < votes.counts.size(); ++g) {
    for (std::size_t j = 0; j < columns; ++j) {
      const int32_t* c = &votes.counts[g][3 * j];
      out.raw[g][j] = Counts{c[0], c[2], static_cast<int64_t>(c[0]) + c[1] + c[2]};
      // rating-mat: a moderated-out comment is a pass for every member
      out.rating[g][j] = pass_column[j] != 0 ? Counts{0, 0, votes.members[g]} : out.raw[g][j];
    }
  }
  return out;
}

Conversation::State::GroupTally Conversation::State::CountByGroup(
    const std::vector<int>& group_of, int n_groups, std::span<const char> pass_column) const {
  GroupVotes votes;
  votes.Fit(static_cast<std::size_t>(n_groups), comment_ids.size());
  for (std::size_t r = 0; r < rows.size() && r < group_of.size(); ++r) {
    if (group_of[r] >= 0) votes.Add(static_cast<std::size_t>(group_of[r]), rows[r], 1);
  }
  return Tally(votes, static_cast<std::size_t>(n_groups), pass_column);
}

namespace {

std::vector<Representative> RepresentativeOf(std::size_t g,
                                             const std::vector<std::vector<Counts>>& counts,
                                             std::span<const Id> comment_ids,
                                             std::span<const char> skip) {
  std::vector<internal::CommentStats> stats;
  for (std::size_t j = 0; j < comment_ids.size(); ++j) {
    if (skip[j] != 0) continue;
    Counts rest;
    for (std::size_t h = 0; h < counts.size(); ++h) {
      if (h != g) rest += counts[h][j];
    }
    stats.push_back(internal::Compare(comment_ids[j], counts[g][j], rest));
  }
  return internal::SelectRepresentative(stats);
}

std::vector<double> GroupInformedConsensus(const std::vector<std::vector<Counts>>& raw_counts,
                                           std::size_t columns) {
  std::vector<double> gic(columns, 1.0);
  for (const auto& group : raw_counts) {
    for (std::size_t j = 0; j < columns; ++j) {
      gic[j] *= static_cast<double>(group[j].agree + 1) / static_cast<double>(group[j].seen + 2);
    }
  }
  return gic;
}

}  // namespace

void Conversation::State::Compute() {
  const std::size_t columns = comment_ids.size();
  const std::size_t n = rows.size();
  map = Map{};
  map.participants = participant_ids;
  map.votes = cells;
  if (n == 0 || columns == 0) {
    priority.assign(columns, 0.0);
    return;
  }
  const std::vector<char> pass_column = PassColumns();
  std::vector<char> counted(columns);
  for (std::size_t j = 0; j < columns; ++j) counted[j] = pass_column[j] == 0 ? 1 : 0;

  UpdateInConversation(static_cast<int>(columns));

  // Column means over the votes cast; a moderated-out column is 0 everywhere.
  column_totals.resize(columns);
  std::vector<double> mean(columns, 0.0);
  for (std::size_t j = 0; j < columns; ++j) {
    const Counts& t = column_totals[j];
    if (pass_column[j] == 0 && t.seen > 0)
      mean[j] = static_cast<double>(t.disagree - t.agree) / static_cast<double>(t.seen);
  }
  RunPca(mean, counted);

  const std::vector<Point> positions = Project(pass_column);
  map.positions.resize(n);
  for (std::size_t r = 0; r < n; ++r) map.positions[r] = {positions[r].x, positions[r].y};
  map.in_conversation.assign(n, false);
  std::vector<int> in_rows;
  for (std::size_t r = 0; r < n; ++r) {
    if (in_conversation[r] == 0) continue;
    map.in_conversation[r] = true;
    in_rows.push_back(static_cast<int>(r));
  }

  ClusterBase(in_rows, positions);
  std::vector<std::size_t> every_base(base.size());
  std::iota(every_base.begin(), every_base.end(), 0);
  const std::vector<int> group_of_base = ClusterBaseClusters(every_base, groups);
  map.k = groups.smoother.smoothed_k;
  map.group.assign(n, -1);
  int max_group = -1;
  std::map<int, std::vector<std::size_t>> base_of_group;
  for (std::size_t b = 0; b < base.size(); ++b) {
    for (const int row : base[b].members)
      map.group[static_cast<std::size_t>(row)] = group_of_base[b];
    max_group = std::max(max_group, group_of_base[b]);
    if (group_of_base[b] >= 0) base_of_group[group_of_base[b]].push_back(b);
  }
  const int n_groups = max_group + 1;
  // Subgroups: each group's base clusters clustered again (spec step 8).
  std::vector<int> subgroup_of(n, -1);
  std::map<int, std::set<int>> subgroup_ids;  // per group, the ids of its subgroups
  for (const auto& [g, listed] : base_of_group) {
    const std::vector<int> sub = ClusterBaseClusters(listed, subgroups[g]);
    for (std::size_t i = 0; i < listed.size(); ++i) {
      if (sub[i] < 0) continue;
      const auto at =
          subgroup_label.emplace(std::pair{g, sub[i]}, static_cast<int>(subgroup_label.size()))
              .first;
      subgroup_ids[g].insert(sub[i]);
      for (const int row : base[listed[i]].members)
        subgroup_of[static_cast<std::size_t>(row)] = at->second;
    }
  }
  std::erase_if(subgroups, [&](const auto& entry) { return !base_of_group.contains(entry.first); });

  group_counts.Relabel(rows, map.group, static_cast<std::size_t>(n_groups), columns);
  const GroupTally tally =
      Tally(group_counts.votes, static_cast<std::size_t>(n_groups), pass_column);
  subgroup_counts.Relabel(rows, subgroup_of, subgroup_label.size(), columns);
  const GroupTally sub_tally = Tally(subgroup_counts.votes, subgroup_label.size(), pass_column);
  const std::vector<std::vector<Counts>>& counts = tally.rating;
  const std::vector<std::vector<Counts>>& raw_counts = tally.raw;
  std::vector<std::vector<int>> members_of(static_cast<std::size_t>(n_groups));
  std::map<int, std::vector<int>> members_of_subgroup;
  for (std::size_t r = 0; r < n; ++r) {
    if (map.group[r] >= 0)
      members_of[static_cast<std::size_t>(map.group[r])].push_back(static_cast<int>(r));
    if (subgroup_of[r] >= 0) members_of_subgroup[subgroup_of[r]].push_back(static_cast<int>(r));
  }
  for (int g = 0; g < n_groups; ++g) {
    Group group;
    group.id = g;
    group.members = std::move(members_of[static_cast<std::size_t>(g)]);
    if (group.members.empty()) continue;
    group.representative =
        RepresentativeOf(static_cast<std::size_t>(g), counts, comment_ids, pass_column);
    // Each subgroup against the rest of its group.
    const std::vector<int> labels(subgroup_ids[g].begin(), subgroup_ids[g].end());
    std::vector<std::vector<Counts>> within;
    within.reserve(labels.size());
    for (const int s_id : labels) {
      within.push_back(sub_tally.rating[static_cast<std::size_t>(subgroup_label[{g, s_id}])]);
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
      Group sub;
      sub.id = labels[i];
      sub.members = members_of_subgroup[subgroup_label[{g, labels[i]}]];
      if (sub.members.empty()) continue;
      sub.representative = RepresentativeOf(i, within, comment_ids, pass_column);
      group.subgroups.push_back(std::move(sub));
    }
    map.groups.push_back(std::move(group));
  }
  const std::vector<double> gic = GroupInformedConsensus(raw_counts, columns);

  // Whole-matrix counts: rating-mat for consensus, raw for priority.
  const std::vector<Counts>& all_raw = column_totals;
  std::vector<Counts> all(columns);
  for (std::size_t j = 0; j < columns; ++j) {
    all[j] = pass_column[j] != 0 ? Counts{0, 0, static_cast<int64_t>(n)} : all_raw[j];
  }
  map.consensus = internal::SelectConsensus(comment_ids, all, counted);
  priority.assign(columns, 0.0);
  for (std::size_t j = 0; j < columns; ++j) {
    CommentResult& c = map.comments[j];
    c.agrees = all_raw[j].agree;
    c.disagrees = all_raw[j].disagree;
    c.passes = all_raw[j].seen - all_raw[j].agree - all_raw[j].disagree;
    c.group_informed_consensus = gic[j];
    if (moderated_out.contains(comment_ids[j])) {
      c.priority = 0;
    } else if (meta.contains(comment_ids[j])) {
      c.priority = 49;
    } else {
      c.priority = internal::Priority(all_raw[j], c.passes, c.extremity);
    }
    priority[j] = c.priority;
  }
}

DeclaredGroupsReport Conversation::DeclaredGroups(const std::vector<int>& group_of) const {
  const State& s = *state_;
  const std::size_t columns = s.comment_ids.size();
  DeclaredGroupsReport out;
  const std::vector<char> pass_column = s.PassColumns();
  std::vector<int> groups(s.rows.size(), -1);
  int n_groups = 0;
  for (std::size_t r = 0; r < groups.size() && r < group_of.size(); ++r) {
    groups[r] = group_of[r];
    n_groups = std::max(n_groups, group_of[r] + 1);
  }
  const State::GroupTally tally = s.CountByGroup(groups, n_groups, pass_column);
  const auto& counts = tally.rating;
  const auto& raw_counts = tally.raw;
  std::vector<int64_t> size(static_cast<std::size_t>(n_groups), 0);
  for (const int g : groups) {
    if (g >= 0) ++size[static_cast<std::size_t>(g)];
  }
  std::vector<std::vector<Counts>> present_raw;
  for (int g = 0; g < n_groups; ++g) {
    if (size[static_cast<std::size_t>(g)] == 0) continue;
    out.groups.push_back(
        {g, size[static_cast<std::size_t>(g)],
         RepresentativeOf(static_cast<std::size_t>(g), counts, s.comment_ids, pass_column)});
    present_raw.push_back(raw_counts[static_cast<std::size_t>(g)]);
  }
  out.group_informed_consensus = GroupInformedConsensus(present_raw, columns);
  std::vector<std::size_t> agreed;
  std::vector<std::size_t> disagreed;
  for (std::size_t j = 0; j < columns && !present_raw.empty(); ++j) {
    if (pass_column[j] != 0) continue;
    bool all_agree = true;
    bool all_disagree = true;
    for (int g = 0; g < n_groups; ++g) {
      if (size[static_cast<std::size_t>(g)] == 0) continue;
      const Counts& c = counts[static_cast<std::size_t>(g)][j];
      const double pa = static_cast<double>(c.agree + 1) / static_cast<double>(c.seen + 2);
      const double pd = static_cast<double>(c.disagree + 1) / static_cast<double>(c.seen + 2);
      all_agree =
          all_agree && pa > 0.5 && internal::ProportionTest(c.agree, c.seen) > internal::kZ90;
      all_disagree =
          all_disagree && pd > 0.5 && internal::ProportionTest(c.disagree, c.seen) > internal::kZ90;
    }
    if (all_agree) agreed.push_back(j);
    if (all_disagree) disagreed.push_back(j);
  }
  // Best first by group-informed consensus (for disagreement, on disagree counts).
  std::vector<double> disagree_gic(columns, 1.0);
  for (const auto& group : present_raw) {
    for (std::size_t j = 0; j < columns; ++j) {
      disagree_gic[j] *=
          static_cast<double>(group[j].disagree + 1) / static_cast<double>(group[j].seen + 2);
    }
  }
  std::stable_sort(agreed.begin(), agreed.end(), [&](std::size_t a, std::size_t b) {
    return out.group_informed_consensus[a] > out.group_informed_consensus[b];
  });
  std::stable_sort(disagreed.begin(), disagreed.end(),
                   [&](std::size_t a, std::size_t b) { return disagree_gic[a] > disagree_gic[b]; });
  for (const std::size_t j : agreed) out.agreed_by_all.push_back(s.comment_ids[j]);
  for (const std::size_t j : disagreed) out.disagreed_by_all.push_back(s.comment_ids[j]);
  return out;
}

std::vector<Id> Conversation::NextComments(Id participant, std::size_t limit) const {
  const State& s = *state_;
  std::unordered_set<int> voted;
  if (const auto row = s.row_of.find(participant); row != s.row_of.end()) {
    for (const Cell& cell : s.rows[static_cast<std::size_t>(row->second)])
      voted.insert(cell.column);
  }
  struct Candidate final {
    Id id;
    double priority;
    std::size_t order;
  };
  std::vector<Candidate> candidates;
  const std::size_t columns = s.comment_ids.size();
  for (std::size_t j = 0; j < columns; ++j) {
    const Id id = s.comment_ids[j];
    if (voted.contains(static_cast<int>(j)) || s.moderated_out.contains(id)) continue;
    const double p = j < s.priority.size() ? s.priority[j] : internal::Priority({}, 0, 0);
    candidates.push_back({id, p, j});
  }
  // Comments nobody has voted on yet: S = 0 and no extremity.
  for (std::size_t i = 0; i < s.announced.size(); ++i) {
    const Id id = s.announced[i];
    if (s.column_of.contains(id) || s.moderated_out.contains(id)) continue;
    candidates.push_back(
        {id, s.meta.contains(id) ? 49.0 : internal::Priority({}, 0, 0), columns + i});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     return a.priority != b.priority ? a.priority > b.priority : a.order < b.order;
                   });
  std::vector<Id> out;
  for (std::size_t i = 0; i < candidates.size() && i < limit; ++i) out.push_back(candidates[i].id);
  return out;
}

double AdjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b) {
  std::map<std::pair<int, int>, int64_t> table;
  std::map<int, int64_t> rows;
  std::map<int, int64_t> cols;
  int64_t n = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] < 0 || b[i] < 0) continue;
    ++table[{a[i], b[i]}];
    ++rows[a[i]];
    ++cols[b[i]];
    ++n;
  }
  const auto pairs = [](int64_t x) {
    return static_cast<double>(x) * static_cast<double>(x - 1) / 2;
  };
  double index = 0;
  for (const auto& [key, c] : table) index += pairs(c);
  double sum_rows = 0;
  for (const auto& [key, c] : rows) sum_rows += pairs(c);
  double sum_cols = 0;
  for (const auto& [key, c] : cols) sum_cols += pairs(c);
  const double total = pairs(n);
  if (total == 0) return 1;
  const double expected = sum_rows * sum_cols / total;
  const double maximum = (sum_rows + sum_cols) / 2;
  if (maximum == expected) return 1;
  return (index - expected) / (maximum - expected);
}

}  // namespace coproduce::opinion
