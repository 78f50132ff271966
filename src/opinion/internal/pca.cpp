#include "opinion/internal/pca.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace coproduce::opinion::internal {
namespace {

double Dot(std::span<const double> a, std::span<const double> b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

// y = X'X v for X = E - 1 mean_dev' over the chosen rows: E'E v - s (mean_dev . v) mean_dev,
// because the rows of X sum to zero.
class Gram final {
 public:
  Gram(const VoteRows& rows, std::span<const int> subset, std::vector<double> mean_dev)
      : rows_(rows), subset_(subset), mean_dev_(std::move(mean_dev)) {}

  void Multiply(std::span<const double> v, std::vector<double>& y) const {
    const std::size_t m = v.size();
    y.assign(m, 0.0);
    // v with the columns that do not count set to zero: their cells then add nothing to a
    // row's dot product, and their entries of y are cleared at the end.
    counted_v_.assign(v.begin(), v.end());
    for (std::size_t j = 0; j < m; ++j) {
      if (rows_.counted[j] == 0) counted_v_[j] = 0;
    }
    const auto one_row = [&](const std::vector<Cell>& row) {
      double dot = 0;
      for (const Cell& c : row) dot += (c.value - rows_.mean[c.column]) * counted_v_[c.column];
      if (dot == 0) return;
      for (const Cell& c : row) y[c.column] += dot * (c.value - rows_.mean[c.column]);
    };
    if (subset_.empty()) {
      for (const auto& row : rows_.rows) one_row(row);
    } else {
      for (const int r : subset_) one_row(rows_.rows[static_cast<std::size_t>(r)]);
      const double s = static_cast<double>(subset_.size());
      const double along = s * Dot(mean_dev_, v);
      for (std::size_t j = 0; j < m && along != 0; ++j) y[j] -= along * mean_dev_[j];
    }
    for (std::size_t j = 0; j < m; ++j) {
      if (rows_.counted[j] == 0) y[j] = 0;
    }
  }

 private:
  const VoteRows& rows_;
  std::span<const int> subset_;
  std::vector<double> mean_dev_;
  mutable std::vector<double> counted_v_;
};

// Removes from v its parts along the components already found (the deflated matrix is
// X (I - p p') for each unit component p).
void Deflate(std::vector<double>& v, const std::vector<std::vector<double>>& found) {
  for (const auto& p : found) {
    const double pp = Dot(p, p);
    if (pp == 0) continue;
    const double f = Dot(p, v) / pp;
    for (std::size_t j = 0; j < v.size(); ++j) v[j] -= f * p[j];
  }
}

}  // namespace

std::vector<std::vector<double>> PowerIteration(const GramProduct& product, int columns,
                                                int n_comps, int iters,
                                                const std::vector<std::vector<double>>& start,
                                                std::mt19937_64& random) {
  const auto m = static_cast<std::size_t>(columns);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<std::vector<double>> found;
  std::vector<double> y;
  for (int c = 0; c < n_comps; ++c) {
    std::vector<double> v;
    if (static_cast<std::size_t>(c) < start.size() && start[c].size() == m) v = start[c];
    if (std::all_of(v.begin(), v.end(), [](double x) { return x == 0; })) {
      v.resize(m);
      for (double& x : v) x = uniform(random);
    }
    double last = 0;
    for (int left = iters;; --left) {
      Deflate(v, found);
      product(v, y);
      Deflate(y, found);
      const double eigenvalue = std::sqrt(Dot(y, y));
      if (eigenvalue == 0) {
        v = y;  // nothing left to explain: a zero component
        break;
      }
      for (std::size_t j = 0; j < m; ++j) v[j] = y[j] / eigenvalue;
      if (left <= 0 || eigenvalue == last) break;
      last = eigenvalue;
    }
    found.push_back(std::move(v));
  }
  return found;
}

Components PowerIterationPca(const VoteRows& rows, std::span<const int> subset, int n_comps,
                             int iters, const std::vector<std::vector<double>>& start,
                             std::mt19937_64& random) {
  const std::size_t columns = rows.mean.size();
  std::vector<double> mean_dev(columns, 0.0);
  if (!subset.empty()) {
    for (const int r : subset) {
      for (const Cell& c : rows.rows[static_cast<std::size_t>(r)]) {
        if (rows.counted[c.column] != 0) mean_dev[c.column] += c.value - rows.mean[c.column];
      }
    }
    for (double& m : mean_dev) m /= static_cast<double>(subset.size());
  }
  Components out;
  out.center.resize(columns);
  for (std::size_t j = 0; j < columns; ++j) out.center[j] = rows.mean[j] + mean_dev[j];
  const Gram gram(rows, subset, std::move(mean_dev));
  out.comps = PowerIteration(
      [&](std::span<const double> v, std::vector<double>& y) { gram.Multiply(v, y); },
      static_cast<int>(columns), n_comps, iters, start, random);
  return out;
}

}  // namespace coproduce::opinion::internal
