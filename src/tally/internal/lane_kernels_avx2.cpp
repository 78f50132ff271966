// The lane kernels with 4 doubles per vector, built with AVX2 (see CMakeLists.txt).
// ChooseLaneKernels calls them only on a processor that has it.
#include "tally/internal/lane_kernels.hpp"

#if defined(COPRODUCE_LANE_KERNELS_X86)
#if !defined(__AVX2__)
#error "This file must be built with AVX2."
#endif

#include "tally/internal/lane_kernel_body.hpp"

namespace coproduce::tally::internal {

using Double4 = double __attribute__((vector_size(4 * sizeof(double))));

void LanePass4(const Line* lines, const int32_t* groups, const int64_t* weights, std::size_t count,
               const Line& threshold, bool first, LaneSums& out) {
  LaneKernel<Double4>::Pass(lines, groups, weights, count, threshold, first, out);
}

void LaneCharge4(Line* lines, const int32_t* groups, std::size_t count, const Line& threshold) {
  LaneKernel<Double4>::Charge(lines, groups, count, threshold);
}

}  // namespace coproduce::tally::internal
#endif
