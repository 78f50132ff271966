#include "opinion/internal/pca.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>
#include <Eigen/Dense>

#include "opinion/internal/co_votes.hpp"

namespace coproduce::opinion::internal {
namespace {

// Rows of votes from two camps that disagree on the first half of the comments, with
// missing votes and noise.
std::vector<std::vector<Cell>> TwoCamps(int participants, int comments, std::mt19937_64& random) {
  std::bernoulli_distribution voted(0.6);
  std::bernoulli_distribution noise(0.15);
  std::vector<std::vector<Cell>> rows(static_cast<std::size_t>(participants));
  for (int i = 0; i < participants; ++i) {
    for (int j = 0; j < comments; ++j) {
      if (!voted(random)) continue;
      int v = j < comments / 2 ? (i % 2 == 0 ? 1 : -1) : (j % 3 == 0 ? 1 : 0);
      if (noise(random)) v = -v;
      rows[static_cast<std::size_t>(i)].push_back(
          Cell{static_cast<uint16_t>(j), static_cast<int8_t>(v)});
    }
  }
  return rows;
}

std::vector<double> Means(const std::vector<std::vector<Cell>>& rows, int comments) {
  std::vector<double> sum(static_cast<std::size_t>(comments), 0.0);
  std::vector<double> count(static_cast<std::size_t>(comments), 0.0);
  for (const auto& row : rows) {
    for (const Cell& c : row) {
      sum[c.column] += c.value;
      count[c.column] += 1;
    }
  }
  for (std::size_t j = 0; j < sum.size(); ++j) sum[j] = count[j] > 0 ? sum[j] / count[j] : 0;
  return sum;
}

// The centred, mean-imputed matrix, dense.
Eigen::MatrixXd Dense(const std::vector<std::vector<Cell>>& rows, int comments,
                      const std::vector<double>& mean) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(rows.size()), comments);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const Cell& c : rows[i])
      x(static_cast<Eigen::Index>(i), c.column) = c.value - mean[c.column];
  }
  return x;
}

TEST(PowerIterationPca, FindsTheTopEigenvectorsOfTheCentredMatrix) {
  std::mt19937_64 random(5);
  const int comments = 12;
  const auto rows = TwoCamps(60, comments, random);
  const std::vector<double> mean = Means(rows, comments);
  const std::vector<char> counted(static_cast<std::size_t>(comments), 1);
  std::mt19937_64 start(1);
  const Components pca = PowerIterationPca(VoteRows{rows, mean, counted}, {}, 2, 1000, {}, start);
  EXPECT_EQ(pca.center, mean);
  const Eigen::MatrixXd x = Dense(rows, comments, mean);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(x.transpose() * x);
  for (int c = 0; c < 2; ++c) {
    const Eigen::VectorXd expected = solver.eigenvectors().col(comments - 1 - c);
    const Eigen::Map<const Eigen::VectorXd> found(pca.comps[static_cast<std::size_t>(c)].data(),
                                                  comments);
    EXPECT_NEAR(std::abs(found.dot(expected)), 1.0, 1e-6) << "component " << c;
  }
}

TEST(PowerIterationPca, SubsetIsCentredOnItsOwnMean) {
  std::mt19937_64 random(6);
  const int comments = 8;
  const auto rows = TwoCamps(40, comments, random);
  const std::vector<double> mean = Means(rows, comments);
  const std::vector<char> counted(static_cast<std::size_t>(comments), 1);
  const std::vector<int> subset = {0, 3, 4, 9, 10, 11, 20, 31};
  std::mt19937_64 start(1);
  const Components pca =
      PowerIterationPca(VoteRows{rows, mean, counted}, subset, 1, 1000, {}, start);
  // The reference: the subset's mean-imputed rows (global means), centred on their mean.
  Eigen::MatrixXd x(static_cast<Eigen::Index>(subset.size()), comments);
  for (std::size_t i = 0; i < subset.size(); ++i) {
    for (int j = 0; j < comments; ++j)
      x(static_cast<Eigen::Index>(i), j) = mean[static_cast<std::size_t>(j)];
    for (const Cell& c : rows[static_cast<std::size_t>(subset[i])])
      x(static_cast<Eigen::Index>(i), c.column) = c.value;
  }
  const Eigen::RowVectorXd center = x.colwise().mean();
  for (int j = 0; j < comments; ++j)
    EXPECT_NEAR(pca.center[static_cast<std::size_t>(j)], center(j), 1e-12);
  const Eigen::MatrixXd centred = x.rowwise() - center;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(centred.transpose() * centred);
  const Eigen::Map<const Eigen::VectorXd> found(pca.comps[0].data(), comments);
  EXPECT_NEAR(std::abs(found.dot(solver.eigenvectors().col(comments - 1))), 1.0, 1e-6);
}

TEST(PowerIterationPca, ColumnsThatDoNotCountAreZero) {
  std::mt19937_64 random(8);
  const int comments = 10;
  const auto rows = TwoCamps(50, comments, random);
  std::vector<double> mean = Means(rows, comments);
  std::vector<char> counted(static_cast<std::size_t>(comments), 1);
  counted[0] = 0;
  mean[0] = 0;  // as the engine has it for a moderated-out comment
  std::mt19937_64 start(1);
  const Components pca = PowerIterationPca(VoteRows{rows, mean, counted}, {}, 2, 1000, {}, start);
  Eigen::MatrixXd x = Dense(rows, comments, mean);
  x.col(0).setZero();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(x.transpose() * x);
  for (int c = 0; c < 2; ++c) {
    EXPECT_EQ(pca.comps[static_cast<std::size_t>(c)][0], 0.0);
    const Eigen::Map<const Eigen::VectorXd> found(pca.comps[static_cast<std::size_t>(c)].data(),
                                                  comments);
    EXPECT_NEAR(std::abs(found.dot(solver.eigenvectors().col(comments - 1 - c))), 1.0, 1e-6);
  }
}

TEST(PowerIteration, ZeroMatrixGivesZeroComponents) {
  std::mt19937_64 random(1);
  const auto comps = PowerIteration(
      [](std::span<const double> v, std::vector<double>& y) { y.assign(v.size(), 0); }, 3, 2, 100,
      {}, random);
  ASSERT_EQ(comps.size(), 2u);
  for (const auto& c : comps) EXPECT_EQ(c, (std::vector<double>{0, 0, 0}));
}

TEST(CoVotes, GramMatchesTheDenseProductAfterVotesAndChanges) {
  std::mt19937_64 random(9);
  const int comments = 9;
  auto rows = TwoCamps(30, comments, random);
  // Built in one go from the first half of the votes, then kept up to date vote by vote.
  CoVotes co_votes;
  co_votes.Resize(5);
  std::vector<std::vector<Cell>> current(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const Cell& c : rows[i]) {
      if (c.column < 5) current[i].push_back(c);
    }
  }
  co_votes.Build(current);
  std::uniform_int_distribution<int> value(-1, 1);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const Cell& c : rows[i]) {
      if (c.column < 5) continue;
      co_votes.Resize(comments);
      co_votes.Change(current[i], c.column, std::nullopt, c.value);
      current[i].push_back(c);
    }
    // and some changed votes
    for (Cell& c : current[i]) {
      if (value(random) != 0) continue;
      const auto v = static_cast<int8_t>(value(random));
      co_votes.Change(current[i], c.column, c.value, v);
      c.value = v;
    }
  }
  const std::vector<double> mean = Means(current, comments);
  std::vector<char> active(static_cast<std::size_t>(comments), 1);
  active[4] = 0;  // moderated out
  Eigen::MatrixXd gram;
  co_votes.Gram(mean, active, gram);
  Eigen::MatrixXd x = Dense(current, comments, mean);
  x.col(4).setZero();
  const Eigen::MatrixXd expected = x.transpose() * x;
  EXPECT_LT((gram - expected).cwiseAbs().maxCoeff(), 1e-9);
  // Built from scratch, the same.
  CoVotes fresh;
  fresh.Resize(comments);
  fresh.Build(current);
  Eigen::MatrixXd again;
  fresh.Gram(mean, active, again);
  EXPECT_EQ(gram, again);
}

}  // namespace
}  // namespace coproduce::opinion::internal
