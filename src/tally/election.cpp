#include "tally/election.hpp"

#include <algorithm>
#include <cassert>
#include <ostream>

namespace coproduce::tally {

Ranking::Ranking(std::span<const int> candidates, std::span<const int> group_ends) {
  assert((group_ends.empty() ? candidates.empty()
                             : static_cast<std::size_t>(group_ends.back()) == candidates.size()) &&
         "a ranking's last group must end with its last candidate");
  assert(group_ends.size() < kEndsStored && "a ranking has fewer than 2^31 groups");
  bool strict = group_ends.size() == candidates.size();
  for (std::size_t i = 0; strict && i < group_ends.size(); ++i) {
    strict = static_cast<std::size_t>(group_ends[i]) == i + 1;
  }
  size_ = static_cast<uint32_t>(candidates.size());
  groups_ = static_cast<uint32_t>(group_ends.size()) | (strict ? 0 : kEndsStored);
  int* out = std::copy(candidates.begin(), candidates.end(), Allocate());
  if (!strict) std::copy(group_ends.begin(), group_ends.end(), out);
}

Ranking::Ranking(const std::vector<std::vector<int>>& groups) {
  std::vector<int> candidates;
  std::vector<int> ends;
  ends.reserve(groups.size());
  for (const std::vector<int>& group : groups) {
    candidates.insert(candidates.end(), group.begin(), group.end());
    ends.push_back(static_cast<int>(candidates.size()));
  }
  *this = Ranking(candidates, ends);
}

Ranking::Ranking(std::initializer_list<std::initializer_list<int>> groups) {
  std::vector<int> candidates;
  std::vector<int> ends;
  ends.reserve(groups.size());
  for (const std::initializer_list<int>& group : groups) {
    candidates.insert(candidates.end(), group.begin(), group.end());
    ends.push_back(static_cast<int>(candidates.size()));
  }
  *this = Ranking(candidates, ends);
}

Ranking Ranking::Strict(std::span<const int> order) {
  assert(order.size() < kEndsStored && "a ranking has fewer than 2^31 groups");
  Ranking ranking;
  ranking.size_ = static_cast<uint32_t>(order.size());
  ranking.groups_ = ranking.size_;
  std::copy(order.begin(), order.end(), ranking.Allocate());
  return ranking;
}

Ranking Ranking::OneGroup(std::span<const int> candidates) {
  const int end = static_cast<int>(candidates.size());
  return Ranking(candidates, std::span<const int>(&end, 1));
}

std::ostream& operator<<(std::ostream& out, const Ranking& ranking) {
  bool first = true;
  for (const std::span<const int> group : ranking.groups()) {
    out << (first ? "{" : ",{");
    first = false;
    for (std::size_t k = 0; k < group.size(); ++k) out << (k > 0 ? "," : "") << group[k];
    out << '}';
  }
  return out;
}

std::string ParseError::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  return out + ": " + message;
}

std::size_t Lot::Draw(std::size_t n) {
  used_ = true;
  // Rejection sampling: the same draw on every platform, unlike uniform_int_distribution.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x = 0;
  do {
    x = engine_();
  } while (x >= limit);
  return static_cast<std::size_t>(x % n);
}

}  // namespace coproduce::tally
