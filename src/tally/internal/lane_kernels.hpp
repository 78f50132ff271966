// The inner loops of the Add1 steps of equal shares, which run kLanes MES counts at a time
// ("lanes", one per share; see equal_shares.cpp). Each ballot group has one line: its budget
// in every lane, then one bound on the error of all of them, so gathering a project's
// supporters reads one cache line per group for every lane.
//
// The loops are written once (lane_kernel_body.hpp) for vectors of 2, 4 or 8 doubles, and
// compiled three times: for every machine (pairs: SSE2, NEON), and on x86-64 for AVX2 and
// for AVX-512 in files of their own built with those instruction sets. ChooseLaneKernels
// picks the widest this processor runs. The results are the same with each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace coproduce::tally::internal {

inline constexpr int kLanes = 7;
inline constexpr int kLine = kLanes + 1;  // the last double is the error bound
inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// One group's line. A plain array, so that the files built for wider instruction sets
// instantiate no template that other files share.
struct alignas(64) Line final {
  double at[kLine] = {};
};

// What a pass over supporters at a threshold (lambda * utility, per lane) finds. Money,
// weight and error_max only on a first pass.
struct LaneSums final {
  Line paid;         // by the poor: supporters with money left, below the threshold
  Line poor_weight;  // their weight
  Line poor_error;   // sum of their weight * error bound
  Line poor_max;     // largest budget + error bound of the poor
  Line rich_min;     // smallest budget - error bound of the others
  Line money;        // sum of weight * budget of the supporters with money left
  Line weight;       // their weight
  // The largest error bound of any supporter. (Times the weight, it bounds the error of the
  // money: a sum per lane would cost registers that AVX2 does not have.)
  double error_max = 0;
};

// Passes over lines[groups[i]] for i < count, weights[i] each (1 if weights is null). The
// error slot should have threshold -infinity: it counts as rich and its sums are not read.
using LanePassFn = void (*)(const Line* lines, const int32_t* groups, const int64_t* weights,
                            std::size_t count, const Line& threshold, bool first, LaneSums& out);
// Each lane of each line pays its threshold, or all it has when that is less (keeping
// exactly 0). A lane with threshold 0 pays nothing; the error slot, with threshold -x,
// gains x.
using LaneChargeFn = void (*)(Line* lines, const int32_t* groups, std::size_t count,
                              const Line& threshold);

struct LaneKernels final {
  LanePassFn pass = nullptr;
  LaneChargeFn charge = nullptr;
  int width = 0;  // doubles per vector
};

// The widest kernels this processor runs, with at most `max_width` doubles per vector.
LaneKernels ChooseLaneKernels(int max_width);

void LanePass2(const Line* lines, const int32_t* groups, const int64_t* weights, std::size_t count,
               const Line& threshold, bool first, LaneSums& out);
void LaneCharge2(Line* lines, const int32_t* groups, std::size_t count, const Line& threshold);
#if defined(COPRODUCE_LANE_KERNELS_X86)
void LanePass4(const Line* lines, const int32_t* groups, const int64_t* weights, std::size_t count,
               const Line& threshold, bool first, LaneSums& out);
void LaneCharge4(Line* lines, const int32_t* groups, std::size_t count, const Line& threshold);
void LanePass8(const Line* lines, const int32_t* groups, const int64_t* weights, std::size_t count,
               const Line& threshold, bool first, LaneSums& out);
void LaneCharge8(Line* lines, const int32_t* groups, std::size_t count, const Line& threshold);
#endif

}  // namespace coproduce::tally::internal
