// The per-comment statistics of spec steps 9-13: proportions with their tests, how a comment
// sets a group apart from the rest, which comments represent a group, consensus, and the
// priority of showing a comment next.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "opinion/conversation.hpp"

namespace coproduce::opinion::internal {

inline constexpr double kZ90 = 1.2816;  // one-sided 90%

// Votes on one comment by some participants: agrees, disagrees, and all votes (passes too).
struct Counts final {
  int64_t agree = 0;
  int64_t disagree = 0;
  int64_t seen = 0;
  Counts& operator+=(const Counts& o) {
    agree += o.agree;
    disagree += o.disagree;
    seen += o.seen;
    return *this;
  }
};

// 2 sqrt(n + 1) ((successes + 1) / (n + 1) - 1/2).
double ProportionTest(int64_t successes, int64_t n);
// z of two proportions with one added to each count; 0 when the pooled proportion is 1.
double TwoProportionTest(int64_t successes1, int64_t successes2, int64_t n1, int64_t n2);

// A group's statistics on one comment against the other groups pooled (spec step 9).
struct CommentStats final {
  Id comment = 0;
  Counts in;
  double pa = 0, pd = 0, pat = 0, pdt = 0;
  double ra = 0, rd = 0, rat = 0, rdt = 0;
};
CommentStats Compare(Id comment, const Counts& in, const Counts& rest);

// Up to five comments that represent a group (spec step 10), agrees first. `stats` holds
// the comments that may be chosen (moderated-out ones already left out), in column order.
std::vector<Representative> SelectRepresentative(std::span<const CommentStats> stats);

// Comments most agreed (and disagreed) with overall, best first, at most five (spec step 11).
// `counts` is per comment in column order, `eligible` says which may be chosen.
Consensus SelectConsensus(std::span<const Id> comments, std::span<const Counts> counts,
                          std::span<const char> eligible);

// (importance (1 + 8 * 2^(-S/5)))^2 (spec step 13).
double Priority(const Counts& counts, int64_t passes, double extremity);

}  // namespace coproduce::opinion::internal
