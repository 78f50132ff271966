#include "opinion/internal/clusters.hpp"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

namespace coproduce::opinion::internal {
namespace {

// Lloyd's method as the spec states it, comparing every point with every centre: the
// reference the bounded version must match exactly.
std::vector<Cluster> PlainKMeans(std::span<const Point> points, std::span<const double> weights,
                                 std::vector<Cluster> clusters, int max_iters) {
  for (int iter = 0;; ++iter) {
    std::vector<Cluster> next(clusters.size());
    for (std::size_t c = 0; c < clusters.size(); ++c) next[c].id = clusters[c].id;
    for (std::size_t i = 0; i < points.size(); ++i) {
      std::size_t best = 0;
      double best_d = std::numeric_limits<double>::infinity();
      for (std::size_t c = 0; c < clusters.size(); ++c) {
        const double dx = points[i].x - clusters[c].center.x;
        const double dy = points[i].y - clusters[c].center.y;
        if (dx * dx + dy * dy < best_d) {
          best_d = dx * dx + dy * dy;
          best = c;
        }
      }
      next[best].members.push_back(static_cast<int>(i));
    }
    std::erase_if(next, [](const Cluster& c) { return c.members.empty(); });
    for (Cluster& c : next) {
      double x = 0, y = 0, w = 0;
      for (const int m : c.members) {
        const double wm = weights.empty() ? 1.0 : weights[static_cast<std::size_t>(m)];
        x += wm * points[static_cast<std::size_t>(m)].x;
        y += wm * points[static_cast<std::size_t>(m)].y;
        w += wm;
      }
      c.center = {x / w, y / w};
    }
    bool same = next.size() == clusters.size();
    if (same) {
      auto sorted = [](const std::vector<Cluster>& cs) {
        std::vector<Point> p;
        p.reserve(cs.size());
        for (const Cluster& c : cs) p.push_back(c.center);
        std::sort(p.begin(), p.end(),
                  [](Point a, Point b) { return a.x != b.x ? a.x < b.x : a.y < b.y; });
        return p;
      };
      const auto a = sorted(clusters);
      const auto b = sorted(next);
      for (std::size_t i = 0; i < a.size(); ++i)
        same = same && std::hypot(a[i].x - b[i].x, a[i].y - b[i].y) < 0.01;
    }
    if (iter + 1 >= max_iters || same) return next;
    clusters = std::move(next);
  }
}

TEST(FirstDistinct, SkipsRepeatedPoints) {
  const std::vector<Point> points = {{0, 0}, {0, 0}, {1, 1}, {0, 0}, {2, 2}, {3, 3}};
  const std::vector<Cluster> c = FirstDistinct(points, 3);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].center, (Point{0, 0}));
  EXPECT_EQ(c[1].center, (Point{1, 1}));
  EXPECT_EQ(c[2].center, (Point{2, 2}));
  EXPECT_EQ(c[2].id, 2);
  EXPECT_EQ(FirstDistinct(points, 10).size(), 4u);
}

TEST(KMeans, TwoObviousClusters) {
  const std::vector<Point> points = {{0, 0}, {10, 10}, {0, 1}, {10, 11}, {1, 0}};
  const std::vector<Cluster> c = KMeans(points, {}, FirstDistinct(points, 2), 20);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].members, (std::vector<int>{0, 2, 4}));
  EXPECT_EQ(c[1].members, (std::vector<int>{1, 3}));
  EXPECT_NEAR(c[0].center.x, 1.0 / 3, 1e-12);
  EXPECT_NEAR(c[1].center.y, 10.5, 1e-12);
}

TEST(KMeans, FirstCentreWinsATie) {
  // (1, 0) is as far from both centres; the first one takes it.
  const std::vector<Point> points = {{0, 0}, {2, 0}, {1, 0}};
  const std::vector<Cluster> c = KMeans(points, {}, FirstDistinct(points, 2), 1);
  EXPECT_EQ(c[0].members, (std::vector<int>{0, 2}));
}

TEST(KMeans, EmptyClustersAreDropped) {
  const std::vector<Point> points = {{0, 0}, {0, 1}};
  std::vector<Cluster> start = {{0, {}, {0, 0}}, {1, {}, {100, 100}}, {2, {}, {0, 1}}};
  const std::vector<Cluster> c = KMeans(points, {}, start, 10);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].id, 0);
  EXPECT_EQ(c[1].id, 2);
}

TEST(KMeans, WeightsPullTheCentre) {
  const std::vector<Point> points = {{0, 0}, {3, 0}};
  const std::vector<double> weights = {2, 1};
  const std::vector<Cluster> c = KMeans(points, weights, {{0, {}, {1, 0}}}, 5);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NEAR(c[0].center.x, 1.0, 1e-12);
}

TEST(KMeans, SameAsThePlainMethodOnRandomData) {
  std::mt19937_64 random(3);
  for (int round = 0; round < 20; ++round) {
    std::normal_distribution<double> noise(0, 1);
    std::vector<Point> points;
    for (int i = 0; i < 600; ++i) {
      const int blob = i % 4;
      // rounded coordinates make repeated points and exact ties likely
      points.push_back({std::round((blob * 3 + noise(random)) * 4) / 4,
                        std::round((blob % 2 * 3 + noise(random)) * 4) / 4});
    }
    std::vector<double> weights;
    if (round % 2 == 1) {
      for (std::size_t i = 0; i < points.size(); ++i)
        weights.push_back(1 + static_cast<double>(i % 7));
    }
    const int k = 2 + round % 30;
    const auto start = FirstDistinct(points, k);
    const auto fast = KMeans(points, weights, start, 100);
    const auto plain = PlainKMeans(points, weights, start, 100);
    ASSERT_EQ(fast.size(), plain.size()) << "round " << round;
    for (std::size_t c = 0; c < fast.size(); ++c) {
      EXPECT_EQ(fast[c].id, plain[c].id);
      EXPECT_EQ(fast[c].members, plain[c].members) << "round " << round << " cluster " << c;
      EXPECT_EQ(fast[c].center, plain[c].center);
    }
  }
}

TEST(CleanStart, RecentresMergesAndSplitsOffTheFarthestPoint) {
  const std::vector<Point> points = {{0, 0}, {0, 2}, {0, 1}, {9, 9}, {5, 5}};
  // Clusters 0 and 1 are recentred on the same point and merge; cluster 2 has no members.
  std::vector<Cluster> previous = {{0, {0, 1}, {}}, {1, {2}, {}}, {2, {}, {}}};
  const std::vector<Cluster> c = CleanStart(points, {}, previous, 3);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].center, (Point{0, 1}));
  EXPECT_EQ(c[0].members, (std::vector<int>{0, 1, 2}));
  // (9, 9) is the farthest from (0, 1), then (5, 5) from both; new ids follow the largest.
  EXPECT_EQ(c[1].center, (Point{9, 9}));
  EXPECT_EQ(c[1].id, 1);
  EXPECT_EQ(c[2].center, (Point{5, 5}));
  EXPECT_EQ(c[2].id, 2);
}

TEST(Silhouette, HandWorked) {
  const std::vector<Point> points = {{0, 0}, {0, 1}, {10, 0}};
  const std::vector<int> label = {0, 0, 1};
  // (0,0): a 1, b 10; (0,1): a 1, b sqrt(101); (10,0) is alone: 0.
  const double expected = (0.9 + (std::sqrt(101.0) - 1) / std::sqrt(101.0)) / 3;
  EXPECT_NEAR(Silhouette(points, label), expected, 1e-12);
  EXPECT_EQ(Silhouette({}, {}), 0.0);
}

}  // namespace
}  // namespace coproduce::opinion::internal
