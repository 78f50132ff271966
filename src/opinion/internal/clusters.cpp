#include "opinion/internal/clusters.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_set>

namespace coproduce::opinion::internal {
namespace {

double Distance2(Point a, Point b) {
  const double dx = a.x - b.x;
  const double dy = a.y - b.y;
  return dx * dx + dy * dy;
}

double WeightOf(std::span<const double> weights, int i) {
  return weights.empty() ? 1.0 : weights[static_cast<std::size_t>(i)];
}

Point MeanOf(std::span<const Point> points, std::span<const double> weights,
             const std::vector<int>& members) {
  double x = 0;
  double y = 0;
  double total = 0;
  for (const int m : members) {
    const double w = WeightOf(weights, m);
    x += w * points[static_cast<std::size_t>(m)].x;
    y += w * points[static_cast<std::size_t>(m)].y;
    total += w;
  }
  if (total == 0) return {};
  return {x / total, y / total};
}

bool SameClustering(const std::vector<Cluster>& a, const std::vector<Cluster>& b) {
  if (a.size() != b.size()) return false;
  const auto sorted = [](const std::vector<Cluster>& clusters) {
    std::vector<Point> centers;
    centers.reserve(clusters.size());
    for (const Cluster& c : clusters) centers.push_back(c.center);
    std::sort(centers.begin(), centers.end(),
              [](Point p, Point q) { return p.x != q.x ? p.x < q.x : p.y < q.y; });
    return centers;
  };
  const std::vector<Point> pa = sorted(a);
  const std::vector<Point> pb = sorted(b);
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (std::sqrt(Distance2(pa[i], pb[i])) >= 0.01) return false;
  }
  return true;
}

// How many distinct points there are, counting no further than `limit`.
std::size_t CountDistinct(std::span<const Point> points, std::size_t limit) {
  struct Hash final {
    std::size_t operator()(Point p) const {
      return std::hash<double>()(p.x) * 31 + std::hash<double>()(p.y);
    }
  };
  std::unordered_set<Point, Hash> seen;
  for (const Point& p : points) {
    if (seen.size() >= limit) break;
    seen.insert(p);
  }
  return seen.size();
}

}  // namespace

std::vector<Cluster> FirstDistinct(std::span<const Point> points, int k) {
  std::vector<Cluster> clusters;
  for (std::size_t i = 0; i < points.size() && static_cast<int>(clusters.size()) < k; ++i) {
    const bool seen = std::any_of(clusters.begin(), clusters.end(),
                                  [&](const Cluster& c) { return c.center == points[i]; });
    if (seen) continue;
    clusters.push_back({static_cast<int>(clusters.size()), {}, points[i]});
  }
  return clusters;
}

std::vector<Cluster> CleanStart(std::span<const Point> points, std::span<const double> weights,
                                std::vector<Cluster> previous, int k) {
  std::erase_if(previous, [](const Cluster& c) { return c.members.empty(); });
  for (Cluster& c : previous) c.center = MeanOf(points, weights, c.members);
  std::vector<Cluster> clusters;
  for (Cluster& c : previous) {
    const auto same = std::find_if(clusters.begin(), clusters.end(),
                                   [&](const Cluster& d) { return d.center == c.center; });
    if (same == clusters.end()) {
      clusters.push_back(std::move(c));
      continue;
    }
    same->members.insert(same->members.end(), c.members.begin(), c.members.end());
  }
  const auto wanted = static_cast<std::size_t>(std::max(k, 0));
  const std::size_t target = CountDistinct(points, wanted);
  int next_id = 0;
  for (const Cluster& c : clusters) next_id = std::max(next_id, c.id + 1);
  while (clusters.size() < target) {
    std::size_t farthest = 0;
    double farthest_d = -1;
    for (std::size_t i = 0; i < points.size(); ++i) {
      double nearest = std::numeric_limits<double>::infinity();
      for (const Cluster& c : clusters) nearest = std::min(nearest, Distance2(points[i], c.center));
      if (nearest > farthest_d) {
        farthest_d = nearest;
        farthest = i;
      }
    }
    clusters.push_back({next_id++, {static_cast<int>(farthest)}, points[farthest]});
  }
  return clusters;
}

std::vector<Cluster> KMeans(std::span<const Point> points, std::span<const double> weights,
                            std::vector<Cluster> start, int max_iters) {
  if (start.empty() || points.empty()) return {};
  // Lloyd's steps, with Hamerly's bounds so that a point whose centre is certainly still the
  // nearest is not compared with every centre. Whenever the bounds cannot tell, every
  // centre is compared in order, so the outcome (first centre wins a tie) is exactly that
  // of the plain method.
  std::vector<Cluster> clusters = std::move(start);
  const std::size_t n = points.size();
  std::vector<std::size_t> assigned(n, 0);
  std::vector<double> upper(n, std::numeric_limits<double>::infinity());
  std::vector<double> lower(n, 0.0);
  std::vector<double> half_gap;
  const auto certain = [](double near, double bound) { return near + 1e-12 + near * 1e-9 < bound; };
  const auto full_scan = [&](std::size_t i) {
    double best = std::numeric_limits<double>::infinity();
    double second = std::numeric_limits<double>::infinity();
    std::size_t best_c = 0;
    for (std::size_t c = 0; c < clusters.size(); ++c) {
      const double d = Distance2(points[i], clusters[c].center);
      if (d < best) {
        second = best;
        best = d;
        best_c = c;
      } else if (d < second) {
        second = d;
      }
    }
    assigned[i] = best_c;
    upper[i] = std::sqrt(best);
    lower[i] = std::sqrt(second);
  };
  for (std::size_t i = 0; i < n; ++i) full_scan(i);
  for (int iter = 0;; ++iter) {
    // The step: members by assignment, weighted means, empty clusters dropped.
    std::vector<Cluster> next(clusters.size());
    for (std::size_t c = 0; c < clusters.size(); ++c) next[c].id = clusters[c].id;
    for (std::size_t i = 0; i < n; ++i) next[assigned[i]].members.push_back(static_cast<int>(i));
    std::vector<std::size_t> new_index(clusters.size(), 0);
    std::vector<double> moved;
    std::vector<Cluster> kept;
    for (std::size_t c = 0; c < next.size(); ++c) {
      if (next[c].members.empty()) continue;
      next[c].center = MeanOf(points, weights, next[c].members);
      new_index[c] = kept.size();
      moved.push_back(std::sqrt(Distance2(next[c].center, clusters[c].center)));
      kept.push_back(std::move(next[c]));
    }
    if (iter + 1 >= max_iters || SameClustering(clusters, kept)) return kept;
    clusters = std::move(kept);
    // Bounds follow the centres (removing an empty centre only helps the lower bound).
    const double max_moved = *std::max_element(moved.begin(), moved.end());
    half_gap.assign(clusters.size(), std::numeric_limits<double>::infinity());
    for (std::size_t c = 0; c < clusters.size(); ++c) {
      for (std::size_t d = c + 1; d < clusters.size(); ++d) {
        const double gap = std::sqrt(Distance2(clusters[c].center, clusters[d].center)) / 2;
        half_gap[c] = std::min(half_gap[c], gap);
        half_gap[d] = std::min(half_gap[d], gap);
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t a = new_index[assigned[i]];
      assigned[i] = a;
      upper[i] += moved[a];
      lower[i] -= max_moved;
      if (certain(upper[i], std::max(half_gap[a], lower[i]))) continue;
      upper[i] = std::sqrt(Distance2(points[i], clusters[a].center));
      if (certain(upper[i], std::max(half_gap[a], lower[i]))) continue;
      full_scan(i);
    }
  }
}

double Silhouette(std::span<const Point> points, std::span<const int> label) {
  if (points.empty()) return 0;
  std::map<int, int> cluster_size;
  for (const int l : label) ++cluster_size[l];
  double total = 0;
  std::map<int, double> sum;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (cluster_size[label[i]] <= 1) continue;
    for (auto& [l, s] : sum) s = 0;
    for (std::size_t j = 0; j < points.size(); ++j) {
      if (j != i) sum[label[j]] += std::sqrt(Distance2(points[i], points[j]));
    }
    const double a = sum[label[i]] / (cluster_size[label[i]] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (const auto& [l, s] : sum) {
      if (l != label[i]) b = std::min(b, s / cluster_size[l]);
    }
    if (!std::isfinite(b)) continue;
    const double m = std::max(a, b);
    if (m > 0) total += (b - a) / m;
  }
  return total / static_cast<double>(points.size());
}

}  // namespace coproduce::opinion::internal
