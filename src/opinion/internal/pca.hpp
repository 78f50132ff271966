// Principal components by power iteration on the mean-imputed vote matrix (spec step 3).
// After mean imputation every cell nobody voted is exactly the column mean, so the centred
// matrix is zero there and only the votes are visited.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <vector>

#include "opinion/internal/cell.hpp"

namespace coproduce::opinion::internal {

// The vote matrix as the PCA sees it: each participant's votes (cells sorted by column),
// the column means, and which columns count (a moderated-out column is 0 everywhere). The
// centred, mean-imputed matrix is then e_ij = x_ij - mean_j where i voted on a counted j,
// and 0 elsewhere; it is never stored.
struct VoteRows final {
  const std::vector<std::vector<Cell>>& rows;
  std::span<const double> mean;
  std::span<const char> counted;
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

// The same over the rows listed in `subset` (all rows when empty), centred on their own
// mean (the column means + the subset's mean deviation).
Components PowerIterationPca(const VoteRows& rows, std::span<const int> subset, int n_comps,
                             int iters, const std::vector<std::vector<double>>& start,
                             std::mt19937_64& random);

}  // namespace coproduce::opinion::internal
