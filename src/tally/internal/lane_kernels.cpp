#include "tally/internal/lane_kernels.hpp"

#include "tally/internal/lane_kernel_body.hpp"

namespace coproduce::tally::internal {

// Pairs of doubles: SSE2 on x86-64, NEON on arm64.
using Double2 = double __attribute__((vector_size(2 * sizeof(double))));

void LanePass2(const Line* lines, const int32_t* groups, const int64_t* weights, std::size_t count,
               const Line& threshold, bool first, LaneSums& out) {
  LaneKernel<Double2>::Pass(lines, groups, weights, count, threshold, first, out);
}

void LaneCharge2(Line* lines, const int32_t* groups, std::size_t count, const Line& threshold) {
  LaneKernel<Double2>::Charge(lines, groups, count, threshold);
}

LaneKernels ChooseLaneKernels(int max_width) {
#if defined(COPRODUCE_LANE_KERNELS_X86)
  if (max_width >= 8 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl")) {
    return LaneKernels{&LanePass8, &LaneCharge8, 8};
  }
  if (max_width >= 4 && __builtin_cpu_supports("avx2")) {
    return LaneKernels{&LanePass4, &LaneCharge4, 4};
  }
#else
  (void)max_width;
#endif
  return LaneKernels{&LanePass2, &LaneCharge2, 2};
}

}  // namespace coproduce::tally::internal
