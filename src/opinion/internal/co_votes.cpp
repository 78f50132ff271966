#include "opinion/internal/co_votes.hpp"

#include <algorithm>

namespace coproduce::opinion::internal {

void CoVotes::Resize(int columns) {
  if (static_cast<std::size_t>(columns) > capacity_) {
    const std::size_t capacity =
        std::max<std::size_t>(static_cast<std::size_t>(columns), 2 * capacity_);
    std::vector<Pair> pairs(capacity * capacity, Pair{0, 0, 0, 0});
    for (std::size_t j = 0; j < capacity_; ++j) {
      std::copy_n(pairs_.begin() + static_cast<std::ptrdiff_t>(j * capacity_), capacity_,
                  pairs.begin() + static_cast<std::ptrdiff_t>(j * capacity));
    }
    pairs_ = std::move(pairs);
    capacity_ = capacity;
  }
  columns_ = std::max(columns_, columns);
}

void CoVotes::Build(const std::vector<std::vector<Cell>>& rows) {
  for (const std::vector<Cell>& row : rows) {
    for (std::size_t a = 0; a < row.size(); ++a) {
      const int32_t xj = row[a].value;
      Pair* line = &At(row[a].column, 0);
      for (std::size_t b = a; b < row.size(); ++b) {
        const int32_t xk = row[b].value;
        line[row[b].column] += Pair{1, xj * xk, xj, xk};
      }
    }
  }
}

void CoVotes::Change(std::span<const Cell> row, int32_t column, std::optional<int8_t> old,
                     int8_t value) {
  const int32_t before = old.value_or(0);
  const int32_t after = value;
  const int32_t added = old ? 0 : 1;
  for (const Cell& cell : row) {
    const int32_t x = cell.value;
    if (cell.column == column) continue;
    if (static_cast<int32_t>(cell.column) < column) {
      At(cell.column, column) += Pair{added, x * (after - before), added * x, after - before};
    } else {
      At(column, cell.column) += Pair{added, x * (after - before), after - before, added * x};
    }
  }
  At(column, column) +=
      Pair{added, after * after - before * before, after - before, after - before};
}

void CoVotes::Gram(std::span<const double> mean, std::span<const char> active,
                   Eigen::MatrixXd& out) const {
  const auto m = static_cast<Eigen::Index>(columns_);
  out.resize(m, m);
  for (int32_t j = 0; j < columns_; ++j) {
    const double mj = mean[static_cast<std::size_t>(j)];
    const bool aj = active[static_cast<std::size_t>(j)] != 0;
    const Pair* line = &At(j, 0);
    for (int32_t k = j; k < columns_; ++k) {
      double g = 0;
      if (aj && active[static_cast<std::size_t>(k)] != 0) {
        const Pair& p = line[k];
        const double mk = mean[static_cast<std::size_t>(k)];
        g = p[kS] - mk * p[kLow] - mj * p[kHigh] + mj * mk * p[kN];
      }
      out(j, k) = g;
      out(k, j) = g;
    }
  }
}

}  // namespace coproduce::opinion::internal
