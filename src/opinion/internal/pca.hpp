// Principal components by power iteration on a sparse, mean-imputed vote matrix (spec step 3).
// The matrix is held as its deviations from the column means: after mean imputation every
// cell nobody voted is exactly the column mean, so the centred matrix is zero there.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <vector>

namespace coproduce::opinion::internal {

// Rows of deviations e_ij = x_ij - mean_j, only where the participant voted on a counted
// comment (compressed sparse rows).
struct SparseRows final {
  std::vector<int64_t> row_start{0};
  std::vector<int32_t> column;
  std::vector<double> value;
  int columns = 0;

  int rows() const { return static_cast<int>(row_start.size()) - 1; }
};

struct Components final {
  std::vector<double> center;
  std::vector<std::vector<double>> comps;  // n_comps vectors of `columns` entries
};

// y = X'X v for the matrix whose components are wanted.
using GramProduct = std::function<void(std::span<const double> v, std::vector<double>& y)>;

// Power iteration for n_comps components of X'X with Gram-Schmidt deflation. `start` gives
// start vectors (warm start); a missing or all-zero one is drawn from `random`. Each
// component stops after `iters` iterations or when the eigenvalue estimate repeats exactly.
std::vector<std::vector<double>> PowerIteration(const GramProduct& product, int columns,
                                                int n_comps, int iters,
                                                const std::vector<std::vector<double>>& start,
                                                std::mt19937_64& random);

// The same on the sparse rows listed in `subset` (all rows when empty), centred on their own
// mean (`global_mean` + the subset's mean deviation).
Components PowerIterationPca(const SparseRows& rows, std::span<const int> subset,
                             std::span<const double> global_mean, int n_comps, int iters,
                             const std::vector<std::vector<double>>& start,
                             std::mt19937_64& random);

}  // namespace coproduce::opinion::internal
