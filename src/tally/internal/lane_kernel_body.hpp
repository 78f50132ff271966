// The loops of lane_kernels.hpp for a vector type V of 2, 4 or 8 doubles (GCC and clang
// vector extensions). Included only by the lane_kernels*.cpp files, each built for its own
// instruction set; everything here has internal linkage, so no file's copy is used by
// another, and nothing here calls a library template (whose shared copy the linker could
// take from a file built for a wider instruction set).
#pragma once

#include <cstddef>
#include <cstring>

#include "tally/internal/lane_kernels.hpp"

namespace coproduce::tally::internal {
namespace {

constexpr std::size_t kAhead = 24;  // groups between a prefetch and its use

template <typename V>
struct LaneKernel final {
  static constexpr std::ptrdiff_t kPer = sizeof(V) / sizeof(double);
  static constexpr int kParts = static_cast<int>(kLine / kPer);

  static void Load(const Line& line, std::ptrdiff_t part, V& v) {
    std::memcpy(&v, line.at + part * kPer, sizeof(V));
  }
  static void Store(Line& line, std::ptrdiff_t part, const V& v) {
    std::memcpy(line.at + part * kPer, &v, sizeof(V));
  }

  // The groups are scattered in memory: each line is asked for kAhead groups before its use.
  static void PrefetchFirst(const Line* lines, const int32_t* groups, std::size_t count) {
    for (std::size_t i = 0; i < count && i < kAhead; ++i) __builtin_prefetch(lines + groups[i]);
  }

  template <bool kFirst>
  static void Pass(const Line* lines, const int32_t* groups, const int64_t* weights,
                   std::size_t count, const Line& threshold, LaneSums& out) {
    V t[kParts];
    V paid[kParts];
    V poor_weight[kParts];
    V poor_error[kParts];
    V poor_max[kParts];
    V rich_min[kParts];
    V money[kParts];
    V weight[kParts];
    double error_max = 0;
    for (int p = 0; p < kParts; ++p) {
      Load(threshold, p, t[p]);
      paid[p] = poor_weight[p] = poor_error[p] = money[p] = weight[p] = V{};
      poor_max[p] = V{} - kInfinity;
      rich_min[p] = V{} + kInfinity;
    }
    PrefetchFirst(lines, groups, count);
    for (std::size_t i = 0; i < count; ++i) {
      if (i + kAhead < count) __builtin_prefetch(lines + groups[i + kAhead]);
      const Line& line = lines[groups[i]];
      const double w = weights == nullptr ? 1.0 : static_cast<double>(weights[i]);
      const double e = line.at[kLanes];
      if constexpr (kFirst) error_max = e > error_max ? e : error_max;
        // Unrolled, so that each part's sums stay in registers.
#pragma GCC unroll 4
      for (int p = 0; p < kParts; ++p) {
        V x;
        Load(line, p, x);
        const auto alive = x > 0;
        const auto poor = alive & (x < t[p]);
        paid[p] += poor ? w * x : 0;
        poor_weight[p] += poor ? w : 0;
        poor_error[p] += poor ? w * e : 0;
        // Blends first, then max and min: the chain from one group to the next stays short.
        const V high = poor ? x + e : -kInfinity;
        const V low = x >= t[p] ? x - e : kInfinity;
        poor_max[p] = high > poor_max[p] ? high : poor_max[p];
        rich_min[p] = low < rich_min[p] ? low : rich_min[p];
        if constexpr (kFirst) {
          money[p] += alive ? w * x : 0;
          weight[p] += alive ? w : 0;
        }
      }
    }
    for (int p = 0; p < kParts; ++p) {
      Store(out.paid, p, paid[p]);
      Store(out.poor_weight, p, poor_weight[p]);
      Store(out.poor_error, p, poor_error[p]);
      Store(out.poor_max, p, poor_max[p]);
      Store(out.rich_min, p, rich_min[p]);
      if constexpr (kFirst) {
        Store(out.money, p, money[p]);
        Store(out.weight, p, weight[p]);
      }
    }
    if constexpr (kFirst) out.error_max = error_max;
  }

  static void Pass(const Line* lines, const int32_t* groups, const int64_t* weights,
                   std::size_t count, const Line& threshold, bool first, LaneSums& out) {
    if (first) {
      Pass<true>(lines, groups, weights, count, threshold, out);
    } else {
      Pass<false>(lines, groups, weights, count, threshold, out);
    }
  }

  static void Charge(Line* lines, const int32_t* groups, std::size_t count, const Line& threshold) {
    V t[kParts];
    for (int p = 0; p < kParts; ++p) Load(threshold, p, t[p]);
    PrefetchFirst(lines, groups, count);
    for (std::size_t i = 0; i < count; ++i) {
      if (i + kAhead < count) __builtin_prefetch(lines + groups[i + kAhead], 1);
      Line& line = lines[groups[i]];
#pragma GCC unroll 4
      for (int p = 0; p < kParts; ++p) {
        V x;
        Load(line, p, x);
        const V left = x < t[p] ? V{} : x - t[p];
        Store(line, p, left);
      }
    }
  }
};

}  // namespace
}  // namespace coproduce::tally::internal
