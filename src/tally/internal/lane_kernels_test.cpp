#include "tally/internal/lane_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace coproduce::tally::internal {
namespace {

// The kernels of each width this machine runs (2 always; 4 and 8 where it has AVX2 and
// AVX-512), each checked against the same sums written plainly.
std::vector<LaneKernels> Available() {
  std::vector<LaneKernels> out;
  for (const int width : {8, 4, 2}) {
    const LaneKernels kernels = ChooseLaneKernels(width);
    if (kernels.width == width) out.push_back(kernels);
  }
  return out;
}

struct Election final {
  std::vector<Line> lines;
  std::vector<int32_t> groups;  // the supporters: some of the lines, each once
  std::vector<int64_t> weights;
  Line threshold;
};

Election RandomElection(std::mt19937_64& random) {
  std::uniform_real_distribution<double> money(0.0, 100.0);
  std::uniform_int_distribution<int> coin(0, 3);
  Election e;
  e.lines.resize(300);
  for (Line& line : e.lines) {
    for (int k = 0; k < kLanes; ++k) line.at[k] = coin(random) == 0 ? 0.0 : money(random);
    line.at[kLanes] = money(random) * 1e-9;  // the error bound
  }
  for (int g = 0; g < 300; ++g) {
    if (coin(random) != 0) {
      e.groups.push_back(g);
      e.weights.push_back(1 + coin(random));
    }
  }
  for (int k = 0; k < kLanes; ++k) e.threshold.at[k] = money(random);
  e.threshold.at[kLanes] = -kInfinity;
  return e;
}

// Relative: the wider kernels may fuse a multiply and an add.
void ExpectNear(double expected, double actual, const char* what, int lane) {
  if (std::isinf(expected)) {
    EXPECT_EQ(expected, actual) << what << " in lane " << lane;
  } else {
    EXPECT_NEAR(expected, actual, 1e-12 * std::max(1.0, std::fabs(expected)))
        << what << " in lane " << lane;
  }
}

TEST(LaneKernels, PassSumsWhatThePoorPayAndFindsTheBudgetsNearestTheThreshold) {
  std::mt19937_64 random(7);
  const std::vector<LaneKernels> kernels = Available();
  ASSERT_FALSE(kernels.empty());
  for (int trial = 0; trial < 20; ++trial) {
    const Election e = RandomElection(random);
    const bool weighted = trial % 2 == 1;
    LaneSums expected;
    for (int k = 0; k < kLanes; ++k) {
      double paid = 0;
      double poor_weight = 0;
      double poor_error = 0;
      double poor_max = -kInfinity;
      double rich_min = kInfinity;
      double money = 0;
      double weight = 0;
      for (std::size_t i = 0; i < e.groups.size(); ++i) {
        const Line& line = e.lines[e.groups[i]];
        const double w = weighted ? static_cast<double>(e.weights[i]) : 1.0;
        const double x = line.at[k];
        const double error = line.at[kLanes];
        if (x > 0) {
          money += w * x;
          weight += w;
        }
        if (x > 0 && x < e.threshold.at[k]) {
          paid += w * x;
          poor_weight += w;
          poor_error += w * error;
          poor_max = std::max(poor_max, x + error);
        } else if (x >= e.threshold.at[k]) {
          rich_min = std::min(rich_min, x - error);
        }
      }
      expected.paid.at[k] = paid;
      expected.poor_weight.at[k] = poor_weight;
      expected.poor_error.at[k] = poor_error;
      expected.poor_max.at[k] = poor_max;
      expected.rich_min.at[k] = rich_min;
      expected.money.at[k] = money;
      expected.weight.at[k] = weight;
    }
    for (const LaneKernels& kernel : kernels) {
      SCOPED_TRACE("width " + std::to_string(kernel.width) + ", trial " + std::to_string(trial));
      for (const bool first : {true, false}) {
        LaneSums sums;
        kernel.pass(e.lines.data(), e.groups.data(), weighted ? e.weights.data() : nullptr,
                    e.groups.size(), e.threshold, first, sums);
        if (first) {
          double error_max = 0;
          for (const int32_t g : e.groups) error_max = std::max(error_max, e.lines[g].at[kLanes]);
          EXPECT_EQ(error_max, sums.error_max);
        }
        for (int k = 0; k < kLanes; ++k) {
          ExpectNear(expected.paid.at[k], sums.paid.at[k], "paid", k);
          EXPECT_EQ(expected.poor_weight.at[k], sums.poor_weight.at[k]) << "poor weight " << k;
          ExpectNear(expected.poor_error.at[k], sums.poor_error.at[k], "poor error", k);
          ExpectNear(expected.poor_max.at[k], sums.poor_max.at[k], "poor max", k);
          ExpectNear(expected.rich_min.at[k], sums.rich_min.at[k], "rich min", k);
          if (first) {
            ExpectNear(expected.money.at[k], sums.money.at[k], "money", k);
            EXPECT_EQ(expected.weight.at[k], sums.weight.at[k]) << "weight " << k;
          }
        }
      }
    }
  }
}

TEST(LaneKernels, ChargeTakesTheThresholdOrAllThatIsLeft) {
  std::mt19937_64 random(11);
  for (const LaneKernels& kernel : Available()) {
    SCOPED_TRACE("width " + std::to_string(kernel.width));
    Election e = RandomElection(random);
    e.threshold.at[2] = 0;          // a lane not charged
    e.threshold.at[kLanes] = -0.5;  // the error bound grows by 0.5
    std::vector<Line> lines = e.lines;
    kernel.charge(lines.data(), e.groups.data(), e.groups.size(), e.threshold);
    std::vector<bool> charged(e.lines.size(), false);
    for (const int32_t g : e.groups) charged[g] = true;
    for (std::size_t g = 0; g < lines.size(); ++g) {
      for (int k = 0; k < kLanes; ++k) {
        const double before = e.lines[g].at[k];
        const double t = e.threshold.at[k];
        const double expected = !charged[g] ? before : before < t ? 0.0 : before - t;
        EXPECT_EQ(expected, lines[g].at[k]) << "group " << g << ", lane " << k;
      }
      EXPECT_EQ(e.lines[g].at[kLanes] + (charged[g] ? 0.5 : 0.0), lines[g].at[kLanes]);
    }
  }
}

}  // namespace
}  // namespace coproduce::tally::internal
