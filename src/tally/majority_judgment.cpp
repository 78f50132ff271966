// Majority judgment (Balinski and Laraki, "Majority Judgment", MIT Press 2011).
//
// Every valid ballot grades every candidate; an ungraded candidate gets score_min ("to
// reject"), so all candidates have the same total weight W. The majority grade is the lower
// median: the grade at 0-based index floor((W-1)/2) of the weighted grades sorted ascending.
// Ties are broken by removing one median grade at a time from each tied candidate and
// comparing the new medians. Removing medians visits the sorted grades outwards from the
// middle, lower side first: for even W the indices L, L+1, L-1, L+2, ... (L = W/2 - 1); for
// odd W the centre C, then C-1, C+1, C-2, C+2, ... Two candidates are therefore compared at
// the first index in that order where their grades differ, which is found by stepping over
// runs of equal grades rather than removing one unit of weight at a time.
#include <map>

#include "tally/single_winner.hpp"

namespace coproduce::tally {
namespace {

constexpr int64_t kMaxGrade = int64_t{1} << 40;

// A candidate's grades as runs, ascending: grade and the index one past its last copy.
struct Profile {
  std::vector<std::pair<int64_t, int64_t>> runs;  // (grade, end)

  std::size_t RunAt(int64_t index) const {
    std::size_t lo = 0;
    std::size_t hi = runs.size() - 1;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (runs[mid].second > index) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
  int64_t RunStart(std::size_t run) const { return run == 0 ? 0 : runs[run - 1].second; }
};

constexpr int64_t kNever = INT64_MAX;

// The sign of (a better than b) under the removal order described above.
int CompareProfiles(const Profile& a, const Profile& b, int64_t total) {
  if (total <= 0) return 0;
  const bool odd = total % 2 == 1;
  const int64_t lower_start = (total - 1) / 2;
  const int64_t upper_start = lower_start + 1;

  int64_t lower_diff = -1;
  for (int64_t i = lower_start; i >= 0;) {
    const std::size_t ra = a.RunAt(i);
    const std::size_t rb = b.RunAt(i);
    if (a.runs[ra].first != b.runs[rb].first) {
      lower_diff = i;
      break;
    }
    i = std::max(a.RunStart(ra), b.RunStart(rb)) - 1;
  }
  int64_t upper_diff = -1;
  for (int64_t i = upper_start; i < total;) {
    const std::size_t ra = a.RunAt(i);
    const std::size_t rb = b.RunAt(i);
    if (a.runs[ra].first != b.runs[rb].first) {
      upper_diff = i;
      break;
    }
    i = std::min(a.runs[ra].second, b.runs[rb].second);
  }
  int64_t lower_step = kNever;
  if (lower_diff >= 0) {
    const int64_t t = lower_start - lower_diff;
    lower_step = odd ? (t == 0 ? 0 : 2 * t - 1) : 2 * t;
  }
  int64_t upper_step = kNever;
  if (upper_diff >= 0) {
    const int64_t t = upper_diff - upper_start;
    upper_step = odd ? 2 * t + 2 : 2 * t + 1;
  }
  if (lower_step == kNever && upper_step == kNever) return 0;
  const int64_t index = lower_step < upper_step ? lower_diff : upper_diff;
  const int64_t ga = a.runs[a.RunAt(index)].first;
  const int64_t gb = b.runs[b.RunAt(index)].first;
  return ga > gb ? 1 : -1;
}

}  // namespace

Result CountMajorityJudgment(const Election& election, const BallotWeights& weights,
                             const CountOptions& options, Lot& lot) {
  const int m = static_cast<int>(election.candidates.size());
  const int64_t lo = std::max(options.score_min, -kMaxGrade);
  const int64_t hi = std::min(options.score_max, kMaxGrade);
  std::vector<std::map<int64_t, int64_t>> grades(static_cast<std::size_t>(m));
  int64_t total = 0;
  BallotTally ballots;
  for (std::size_t i = 0; i < election.ballots.size(); ++i) {
    const Ballot& b = election.ballots[i];
    bool valid = lo <= hi;
    for (const auto& [c, g] : b.scores) {
      if (c < 0 || c >= m || g < lo || g > hi) valid = false;
    }
    ballots.Add(b, valid, b.scores.empty());
    const int64_t w = weights.UnitsOf(i);
    if (!valid || w == 0 || b.scores.empty()) continue;  // a blank ballot abstains
    total += w;
    for (int c = 0; c < m; ++c) {
      const auto it = b.scores.find(c);
      grades[c][it == b.scores.end() ? lo : it->second] += w;
    }
  }

  std::vector<Profile> profiles(static_cast<std::size_t>(m));
  nlohmann::json grades_json = nlohmann::json::object();
  nlohmann::json majority = nlohmann::json::object();
  for (int c = 0; c < m; ++c) {
    nlohmann::json row = nlohmann::json::object();
    int64_t end = 0;
    std::optional<int64_t> median;
    for (const auto& [g, w] : grades[c]) {
      end += w;
      profiles[c].runs.emplace_back(g, end);
      row[std::to_string(g)] = weights.Votes(w);
      // The lower median: the first grade whose cumulative weight reaches half.
      if (!median && 2 * static_cast<__int128>(end) >= total) median = g;
    }
    grades_json[election.candidates[c]] = std::move(row);
    majority[election.candidates[c]] = median ? nlohmann::json(*median) : nlohmann::json(nullptr);
  }

  nlohmann::json explanation;
  explanation["ballots"] = ballots.ToJson();
  explanation["scale"] = {lo, hi};
  explanation["grades"] = std::move(grades_json);
  explanation["majority_grade"] = std::move(majority);
  const auto ranking = GroupCandidates(
      m, [&](int a, int b) { return CompareProfiles(profiles[a], profiles[b], total) > 0; });
  return FinishResult("majority-judgment", election, weights, ranking, std::move(explanation), lot);
}

}  // namespace coproduce::tally
