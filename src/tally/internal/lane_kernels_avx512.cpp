// The lane kernels with 8 doubles per vector, built with AVX-512 (F, DQ and VL) (see
// CMakeLists.txt). ChooseLaneKernels calls them only on a processor that has it.
#include "tally/internal/lane_kernels.hpp"

#if defined(COPRODUCE_LANE_KERNELS_X86)
#if !defined(__AVX512F__)
#error "This file must be built with AVX-512 (F, DQ and VL)."
#endif

#include "tally/internal/lane_kernel_body.hpp"

namespace coproduce::tally::internal {

using Double8 = double __attribute__((vector_size(8 * sizeof(double))));

void LanePass8(const Line* lines, const int32_t* groups, const int64_t* weights, std::size_t count,
               const Line& threshold, bool first, LaneSums& out) {
  LaneKernel<Double8>::Pass(lines, groups, weights, count, threshold, first, out);
}

void LaneCharge8(Line* lines, const int32_t* groups, std::size_t count, const Line& threshold) {
  LaneKernel<Double8>::Charge(lines, groups, count, threshold);
}

}  // namespace coproduce::tally::internal
#endif
