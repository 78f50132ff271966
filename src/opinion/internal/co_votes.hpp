// For every pair of comments, integer sums over the participants who voted on both, kept up
// to date vote by vote. From them the Gram matrix X'X of the mean-centred vote matrix
// follows for any column means in O(comments^2), whatever the number of participants:
//   sum_i (x_ij - m_j)(x_ik - m_k) = S_jk - m_k P_jk - m_j P_kj + m_j m_k N_jk
// where over the participants i who voted on both j and k: N_jk counts them, S_jk sums
// x_ij x_ik and P_jk sums x_ij. This is what makes an update after one vote cheap.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "opinion/internal/cell.hpp"

namespace coproduce::opinion::internal {

class CoVotes final {
 public:
  int columns() const { return columns_; }
  // Makes room for `columns` comments (new ones start at zero).
  void Resize(int columns);
  // Adds every participant's row (cells sorted by column) to empty sums.
  void Build(const std::vector<std::vector<Cell>>& rows);
  // A participant whose row is `row` (before the change) votes `value` on `column`, which
  // they had voted `old` on before, or not at all.
  void Change(std::span<const Cell> row, int32_t column, std::optional<int8_t> old, int8_t value);
  // The Gram matrix of the centred matrix: columns where `active` is 0 are all zero.
  void Gram(std::span<const double> mean, std::span<const char> active, Eigen::MatrixXd& out) const;

 private:
  // For j <= k: {n, s, p_low = sum of x_ij, p_high = sum of x_ik}, as one 16-byte vector so
  // that adding a participant's pair is a single vector add (GCC and Clang vector extension).
  using Pair = int32_t __attribute__((vector_size(16)));
  enum Field { kN = 0, kS = 1, kLow = 2, kHigh = 3 };
  Pair& At(int32_t j, int32_t k) {
    return pairs_[static_cast<std::size_t>(j) * capacity_ + static_cast<std::size_t>(k)];
  }
  const Pair& At(int32_t j, int32_t k) const {
    return pairs_[static_cast<std::size_t>(j) * capacity_ + static_cast<std::size_t>(k)];
  }

  int columns_ = 0;
  std::size_t capacity_ = 0;
  std::vector<Pair> pairs_;  // capacity_ x capacity_, upper triangle used
};

}  // namespace coproduce::opinion::internal
