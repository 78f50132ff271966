// Instant-runoff voting (alternative vote), with a rounds table for the results page.
//
// Each round a ballot counts for its highest-ranked continuing candidate. If its highest
// group holding a continuing candidate holds several (an equal ranking), it is set aside for
// that round: an equal ranking says nothing about which of them the voter prefers. It counts
// again once only one of them continues. A ballot with no continuing candidate is exhausted.
//
// Explanation "rounds": [{round, votes {name: v}, exhausted, set_aside, eliminated, tie?}];
// "tie" is {between, decided_by: "earlier round" | "lot", round?} when the fewest votes were
// shared. "majority_round" is the round in which the winner held a majority, if any.
#include "tally/single_winner.hpp"

namespace coproduce::tally {

Result CountInstantRunoff(const Election& election, const BallotWeights& weights,
                          const CountOptions& /*options*/, Lot& lot) {
  const int m = static_cast<int>(election.candidates.size());
  const int seats = std::max(1, election.seats);
  BallotTally ballots;
  // Each valid ballot is a paper that sits on the pile of the candidate it counts for. Only
  // the eliminated candidate's pile (and the set-aside papers) are looked at again, so a
  // round costs its transfers, not a pass over every ballot. Papers read their preferences
  // from one flat array, `ids`, where the last candidate c of each group is stored as ~c:
  // transfers then touch one cache line, not a ballot's nested vectors.
  struct Paper {
    std::size_t at;   // start of its highest group with a continuing candidate in `ids`
    std::size_t end;  // end of its groups in `ids`
    int64_t weight;
  };
  std::vector<Paper> papers;
  std::vector<int> ids;
  std::vector<uint32_t> seen(static_cast<std::size_t>(m), 0);  // stamp of the last ballot naming c
  uint32_t stamp = 0;
  for (std::size_t i = 0; i < election.ballots.size(); ++i) {
    const Ballot& b = election.ballots[i];
    if (++stamp == 0) {
      std::fill(seen.begin(), seen.end(), 0);
      stamp = 1;
    }
    // Validates as RankPositions does while copying the groups into `ids`.
    const std::size_t start = ids.size();
    bool ok = true;
    for (const std::span<const int> g : b.ranking.groups()) {
      if (g.empty()) continue;
      for (const int c : g) {
        if (c < 0 || c >= m || seen[c] == stamp) {
          ok = false;
          break;
        }
        seen[c] = stamp;
        ids.push_back(c);
      }
      if (!ok) break;
      ids.back() = ~ids.back();
    }
    ballots.Add(b, ok, ok && ids.size() == start);
    const int64_t w = weights.UnitsOf(i);
    if (!ok || w <= 0) {
      ids.resize(start);
      continue;
    }
    papers.push_back({start, ids.size(), w});
  }

  std::vector<bool> continuing(static_cast<std::size_t>(m), true);
  int continuing_count = m;
  constexpr int kSetAside = -2;
  constexpr int kExhausted = -1;
  // Moves a paper to its highest group with a continuing candidate: that candidate, or
  // kSetAside if the group holds several, or kExhausted.
  auto place = [&](Paper& paper) {
    while (paper.at < paper.end) {
      int holder = kExhausted;
      int held = 0;
      std::size_t t = paper.at;
      while (true) {
        const int v = ids[t++];
        const int c = v < 0 ? ~v : v;
        if (continuing[c]) {
          holder = c;
          ++held;
        }
        if (v < 0) break;
      }
      if (held == 1) return holder;
      if (held > 1) return kSetAside;
      paper.at = t;
    }
    return kExhausted;
  };
  // Piles hold the papers themselves, not indices, so a transfer reads one cache line of
  // `ids`; the next papers' lines are prefetched while one is placed.
  std::vector<std::vector<Paper>> piles(static_cast<std::size_t>(m));
  std::vector<Paper> aside;
  std::vector<int64_t> votes(static_cast<std::size_t>(m), 0);
  int64_t exhausted = 0;
  auto put_all = [&](std::vector<Paper>& from, std::vector<Paper>& next_aside) {
    constexpr std::size_t kAhead = 8;
    for (std::size_t k = 0; k < from.size(); ++k) {
      if (k + kAhead < from.size()) __builtin_prefetch(ids.data() + from[k + kAhead].at);
      Paper& paper = from[k];
      const int holder = place(paper);
      if (holder == kExhausted) {
        exhausted += paper.weight;
      } else if (holder == kSetAside) {
        next_aside.push_back(paper);
      } else {
        piles[holder].push_back(paper);
        votes[holder] += paper.weight;
      }
    }
  };
  put_all(papers, aside);
  papers = {};

  std::vector<std::vector<int64_t>> history;  // votes per round, -1 once excluded
  std::vector<int> eliminated;
  nlohmann::json rounds = nlohmann::json::array();
  std::optional<int> majority_winner;

  while (true) {
    if (!eliminated.empty()) {
      const int out = eliminated.back();
      std::vector<Paper> pile = std::move(piles[out]);
      piles[out] = {};
      votes[out] = 0;
      std::vector<Paper> next_aside;
      put_all(pile, next_aside);
      put_all(aside, next_aside);
      aside = std::move(next_aside);
    }
    int64_t set_aside = 0;
    for (const Paper& paper : aside) set_aside += paper.weight;
    for (int c = 0; c < m; ++c) {
      if (!continuing[c]) votes[c] = -1;
    }
    history.push_back(votes);

    nlohmann::json round;
    round["round"] = static_cast<int64_t>(history.size());
    nlohmann::json votes_json = nlohmann::json::object();
    int64_t in_play = 0;
    int top = -1;
    for (int c = 0; c < m; ++c) {
      if (!continuing[c]) continue;
      votes_json[election.candidates[c]] = weights.Votes(votes[c]);
      in_play += votes[c];
      if (top < 0 || votes[c] > votes[top]) top = c;
    }
    round["votes"] = std::move(votes_json);
    round["exhausted"] = weights.Votes(exhausted);
    round["set_aside"] = weights.Votes(set_aside);

    if (seats == 1 && top >= 0 && 2 * static_cast<__int128>(votes[top]) > in_play) {
      majority_winner = top;
      rounds.push_back(std::move(round));
      break;
    }
    if (continuing_count <= seats) {
      rounds.push_back(std::move(round));
      break;
    }

    // The fewest votes; ties go back to the latest round where the tied candidates differed.
    std::vector<int> tied;
    for (int c = 0; c < m; ++c) {
      if (!continuing[c]) continue;
      if (tied.empty() || votes[c] < votes[tied.front()]) {
        tied = {c};
      } else if (votes[c] == votes[tied.front()]) {
        tied.push_back(c);
      }
    }
    const std::vector<int> first_tied = tied;
    int decided_round = 0;
    for (std::size_t r = history.size() - 1; r-- > 0 && tied.size() > 1;) {
      int64_t least = INT64_MAX;
      for (const int c : tied) least = std::min(least, history[r][c]);
      std::vector<int> fewest;
      for (const int c : tied) {
        if (history[r][c] == least) fewest.push_back(c);
      }
      if (fewest.size() < tied.size()) {
        tied = std::move(fewest);
        decided_round = static_cast<int>(r) + 1;
      }
    }
    int out = tied.front();
    if (tied.size() > 1) out = tied[lot.Draw(tied.size())];
    if (first_tied.size() > 1) {
      nlohmann::json between = nlohmann::json::array();
      for (const int c : first_tied) between.push_back(election.candidates[c]);
      nlohmann::json tie = {{"between", between}};
      if (tied.size() > 1) {
        tie["decided_by"] = "lot";
      } else {
        tie["decided_by"] = "earlier round";
        tie["round"] = decided_round;
      }
      round["tie"] = std::move(tie);
    }
    round["eliminated"] = election.candidates[out];
    rounds.push_back(std::move(round));
    continuing[out] = false;
    --continuing_count;
    eliminated.push_back(out);
  }

  // Ranking: the majority winner; the other continuing candidates by their last votes; then
  // the eliminated, last eliminated first.
  const std::vector<int64_t>& last = history.back();
  auto ranking = GroupCandidates(m, [&](int a, int b) {
    if (continuing[a] != continuing[b]) return static_cast<bool>(continuing[a]);
    if (!continuing[a]) return false;
    if (majority_winner && (a == *majority_winner) != (b == *majority_winner)) {
      return a == *majority_winner;
    }
    return last[a] > last[b];
  });
  ranking.erase(std::remove_if(ranking.begin(), ranking.end(),
                               [&](const std::vector<int>& g) { return !continuing[g.front()]; }),
                ranking.end());
  for (auto it = eliminated.rbegin(); it != eliminated.rend(); ++it) ranking.push_back({*it});

  nlohmann::json explanation;
  explanation["ballots"] = ballots.ToJson();
  explanation["rounds"] = std::move(rounds);
  if (majority_winner) explanation["majority_round"] = static_cast<int64_t>(history.size());
  return FinishResult("irv", election, weights, ranking, std::move(explanation), lot);
}

}  // namespace coproduce::tally
