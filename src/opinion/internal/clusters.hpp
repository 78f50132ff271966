// K-means as the opinion map uses it (spec steps 5-7): deterministic starts, warm starts from
// the previous update's clusters, weighted centres, and the silhouette that chooses k.
#pragma once

#include <span>
#include <vector>

namespace coproduce::opinion::internal {

struct Point final {
  double x = 0;
  double y = 0;
  bool operator==(const Point&) const = default;
};

struct Cluster final {
  int id = 0;
  std::vector<int> members;  // indices into the points
  Point center;
};

// The first k distinct points, in order, as clusters 0..k-1.
std::vector<Cluster> FirstDistinct(std::span<const Point> points, int k);

// A warm start (spec step 5): `previous` clusters, whose members are already indices into
// `points` (members no longer present removed), are recentred, emptied ones dropped and
// identical ones merged; then the point farthest from every centre becomes a new cluster
// until there are min(k, distinct points) clusters.
std::vector<Cluster> CleanStart(std::span<const Point> points, std::span<const double> weights,
                                std::vector<Cluster> previous, int k);

// Lloyd iterations from `start`: nearest centre (first wins a tie), weighted mean, empty
// clusters dropped; stops when the sorted centres all move less than 0.01, or after
// max_iters steps. `weights` empty means every point weighs 1.
std::vector<Cluster> KMeans(std::span<const Point> points, std::span<const double> weights,
                            std::vector<Cluster> start, int max_iters);

// Mean silhouette of a labelling on Euclidean distances; a point alone in its cluster
// scores 0.
double Silhouette(std::span<const Point> points, std::span<const int> label);

}  // namespace coproduce::opinion::internal
