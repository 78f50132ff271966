// Plurality and approval: one count per candidate, most first.
#include "tally/single_winner.hpp"

namespace coproduce::tally {
namespace {

// The approval threshold per sector: approvals_s(c) / voters_s >= threshold, exactly.
bool ClearsShare(__int128 support, __int128 voters, const Fraction& share) {
  return support * share.denominator >= voters * share.numerator;
}

}  // namespace

Result CountPlurality(const Election& election, const BallotWeights& weights,
                      const CountOptions& /*options*/, Lot& lot) {
  const int m = static_cast<int>(election.candidates.size());
  std::vector<int64_t> votes(static_cast<std::size_t>(m), 0);
  BallotTally ballots;
  std::vector<int> position;
  for (std::size_t i = 0; i < election.ballots.size(); ++i) {
    const Ballot& b = election.ballots[i];
    if (!RankPositions(b, m, position)) {
      ballots.Add(b, false, false);
      continue;
    }
    std::span<const int> first;
    for (const std::span<const int> group : b.ranking.groups()) {
      if (!group.empty()) {
        first = group;
        break;
      }
    }
    if (first.empty()) {
      ballots.Add(b, true, true);
      continue;
    }
    // Several first choices is an over-vote: nobody can say whom it was for.
    if (first.size() != 1) {
      ballots.Add(b, false, false);
      continue;
    }
    ballots.Add(b, true, false);
    votes[first.front()] += weights.UnitsOf(i);
  }
  nlohmann::json explanation;
  explanation["ballots"] = ballots.ToJson();
  nlohmann::json votes_json = nlohmann::json::object();
  for (int c = 0; c < m; ++c) votes_json[election.candidates[c]] = weights.Votes(votes[c]);
  explanation["votes"] = std::move(votes_json);
  const auto ranking = GroupCandidates(m, [&](int a, int b) { return votes[a] > votes[b]; });
  return FinishResult("plurality", election, weights, ranking, std::move(explanation), lot);
}

// With a sector threshold, only candidates that clear it in every sector are ranked (and can
// win); the others are listed under "failed" with their shares.
Result CountApproval(const Election& election, const BallotWeights& weights,
                     const CountOptions& options, Lot& lot) {
  const int m = static_cast<int>(election.candidates.size());
  std::vector<int> sector_of;
  const std::vector<std::string> sectors = SectorsOf(election, sector_of);
  const std::size_t s_count = sectors.size();
  std::vector<int64_t> approvals(static_cast<std::size_t>(m), 0);
  // approvals by sector, flat [sector * m + candidate]
  std::vector<int64_t> sector_approvals(s_count * static_cast<std::size_t>(m), 0);
  std::vector<int64_t> sector_voters(s_count, 0);
  BallotTally ballots;
  std::vector<int> position;
  for (std::size_t i = 0; i < election.ballots.size(); ++i) {
    const Ballot& b = election.ballots[i];
    if (!RankPositions(b, m, position)) {
      ballots.Add(b, false, false);
      continue;
    }
    const int64_t w = weights.UnitsOf(i);
    const auto s = static_cast<std::size_t>(sector_of[i]);
    sector_voters[s] += w;
    bool blank = true;
    for (int c = 0; c < m; ++c) {
      if (position[c] == m) continue;
      blank = false;
      approvals[c] += w;
      sector_approvals[s * m + c] += w;
    }
    ballots.Add(b, true, blank);
  }

  nlohmann::json explanation;
  explanation["ballots"] = ballots.ToJson();
  nlohmann::json approvals_json = nlohmann::json::object();
  for (int c = 0; c < m; ++c) approvals_json[election.candidates[c]] = weights.Votes(approvals[c]);
  explanation["approvals"] = std::move(approvals_json);

  std::vector<bool> eligible(static_cast<std::size_t>(m), true);
  if (options.sector_threshold) {
    const Fraction& share = *options.sector_threshold;
    nlohmann::json shares = nlohmann::json::object();
    nlohmann::json voters = nlohmann::json::object();
    for (std::size_t s = 0; s < s_count; ++s) {
      voters[sectors[s]] = weights.Votes(sector_voters[s]);
      nlohmann::json row = nlohmann::json::object();
      for (int c = 0; c < m; ++c) {
        const int64_t support = sector_approvals[s * m + c];
        row[election.candidates[c]] =
            sector_voters[s] > 0
                ? static_cast<double>(support) / static_cast<double>(sector_voters[s])
                : 0.0;
        // A sector with no (weighted) voters has nobody to convince.
        if (sector_voters[s] > 0 && !ClearsShare(support, sector_voters[s], share)) {
          eligible[c] = false;
        }
      }
      shares[sectors[s]] = std::move(row);
    }
    nlohmann::json failed = nlohmann::json::array();
    for (int c = 0; c < m; ++c) {
      if (!eligible[c]) failed.push_back(election.candidates[c]);
    }
    explanation["sector_threshold"] = share.ToString();
    explanation["sector_voters"] = std::move(voters);
    explanation["sector_shares"] = std::move(shares);
    explanation["failed"] = std::move(failed);
  }

  auto ranking = GroupCandidates(m, [&](int a, int b) {
    if (eligible[a] != eligible[b]) return static_cast<bool>(eligible[a]);
    return approvals[a] > approvals[b];
  });
  std::erase_if(ranking, [&](const std::vector<int>& g) { return !eligible[g.front()]; });
  return FinishResult("approval", election, weights, ranking, std::move(explanation), lot);
}

}  // namespace coproduce::tally
