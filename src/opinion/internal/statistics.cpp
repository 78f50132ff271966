#include "opinion/internal/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace coproduce::opinion::internal {
namespace {

double Smoothed(int64_t successes, int64_t n) {
  return static_cast<double>(successes + 1) / static_cast<double>(n + 2);
}

Representative Finalize(const CommentStats& s, bool agree) {
  Representative r;
  r.comment = s.comment;
  r.agree = agree;
  r.n_trials = s.in.seen;
  r.n_success = agree ? s.in.agree : s.in.disagree;
  r.p_success = agree ? s.pa : s.pd;
  r.p_test = agree ? s.pat : s.pdt;
  r.repness = agree ? s.ra : s.rd;
  r.repness_test = agree ? s.rat : s.rdt;
  return r;
}

double Metric(const Representative& r) {
  return r.repness * r.repness_test * r.p_success * r.p_test;
}

bool Sufficient(const CommentStats& s) {
  return (s.rat > kZ90 && s.pat > kZ90) || (s.rdt > kZ90 && s.pdt > kZ90);
}

// The comment the group agrees with most distinctively, if any passes the first bar.
bool BeatsBestAgree(const CommentStats& s, const CommentStats* best) {
  if (s.in.agree == 0 && s.in.disagree == 0) return false;
  if (best != nullptr && best->ra != 0)
    return s.ra * s.rat * s.pa * s.pat > best->ra * best->rat * best->pa * best->pat;
  if (best != nullptr) return s.pa * s.pat > best->pa * best->pat;
  return s.pat > kZ90 && s.ra > 1.0 && s.pa > 0.5;
}

}  // namespace

double ProportionTest(int64_t successes, int64_t n) {
  const double n1 = static_cast<double>(n + 1);
  return 2 * std::sqrt(n1) * (static_cast<double>(successes + 1) / n1 - 0.5);
}

double TwoProportionTest(int64_t successes1, int64_t successes2, int64_t n1, int64_t n2) {
  const double s1 = static_cast<double>(successes1 + 1);
  const double s2 = static_cast<double>(successes2 + 1);
  const double m1 = static_cast<double>(n1 + 1);
  const double m2 = static_cast<double>(n2 + 1);
  const double pooled = (s1 + s2) / (m1 + m2);
  if (pooled == 1) return 0;
  return (s1 / m1 - s2 / m2) / std::sqrt(pooled * (1 - pooled) * (1 / m1 + 1 / m2));
}

CommentStats Compare(Id comment, const Counts& in, const Counts& rest) {
  CommentStats s;
  s.comment = comment;
  s.in = in;
  s.pa = Smoothed(in.agree, in.seen);
  s.pd = Smoothed(in.disagree, in.seen);
  s.pat = ProportionTest(in.agree, in.seen);
  s.pdt = ProportionTest(in.disagree, in.seen);
  s.ra = s.pa / Smoothed(rest.agree, rest.seen);
  s.rd = s.pd / Smoothed(rest.disagree, rest.seen);
  s.rat = TwoProportionTest(in.agree, rest.agree, in.seen, rest.seen);
  s.rdt = TwoProportionTest(in.disagree, rest.disagree, in.seen, rest.seen);
  return s;
}

std::vector<Representative> SelectRepresentative(std::span<const CommentStats> stats) {
  std::vector<Representative> sufficient;
  const CommentStats* best = nullptr;
  const CommentStats* best_agree = nullptr;
  for (const CommentStats& s : stats) {
    if (Sufficient(s)) sufficient.push_back(Finalize(s, s.rat > s.rdt));
    if (best == nullptr || std::max(s.rat, s.rdt) > std::max(best->rat, best->rdt)) best = &s;
    if (BeatsBestAgree(s, best_agree)) best_agree = &s;
  }
  if (sufficient.empty()) {
    if (best_agree != nullptr) {
      Representative r = Finalize(*best_agree, true);
      r.best_agree = true;
      return {r};
    }
    if (best != nullptr) return {Finalize(*best, best->rat > best->rdt)};
    return {};
  }
  std::stable_sort(
      sufficient.begin(), sufficient.end(),
      [](const Representative& a, const Representative& b) { return Metric(a) > Metric(b); });
  if (best_agree != nullptr) {
    std::erase_if(sufficient,
                  [&](const Representative& r) { return r.comment == best_agree->comment; });
    Representative r = Finalize(*best_agree, true);
    r.best_agree = true;
    sufficient.insert(sufficient.begin(), r);
  }
  if (sufficient.size() > 5) sufficient.resize(5);
  std::stable_partition(sufficient.begin(), sufficient.end(),
                        [](const Representative& r) { return r.agree; });
  return sufficient;
}

Consensus SelectConsensus(std::span<const Id> comments, std::span<const Counts> counts,
                          std::span<const char> eligible) {
  Consensus out;
  for (std::size_t j = 0; j < comments.size(); ++j) {
    if (eligible[j] == 0) continue;
    const Counts& c = counts[j];
    const double pa = Smoothed(c.agree, c.seen);
    const double pat = ProportionTest(c.agree, c.seen);
    if (pa > 0.5 && pat > kZ90) out.agree.push_back({comments[j], pa, pat});
    const double pd = Smoothed(c.disagree, c.seen);
    const double pdt = ProportionTest(c.disagree, c.seen);
    if (pd > 0.5 && pdt > kZ90) out.disagree.push_back({comments[j], pd, pdt});
  }
  for (auto* list : {&out.agree, &out.disagree}) {
    std::stable_sort(list->begin(), list->end(),
                     [](const Consensus::Entry& a, const Consensus::Entry& b) {
                       return a.p * a.p_test > b.p * b.p_test;
                     });
    if (list->size() > 5) list->resize(5);
  }
  return out;
}

double Priority(const Counts& counts, int64_t passes, double extremity) {
  const double p = Smoothed(passes, counts.seen);
  const double a = Smoothed(counts.agree, counts.seen);
  const double importance = (1 - p) * (extremity + 1) * a;
  const double novelty = 1 + 8 * std::exp2(-static_cast<double>(counts.seen) / 5);
  const double v = importance * novelty;
  return v * v;
}

}  // namespace coproduce::opinion::internal
