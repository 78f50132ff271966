#include "tally/budgeting.hpp"

#include <algorithm>
#include <numeric>
#include <string_view>

namespace coproduce::tally {
namespace {

constexpr int kMaxDecimals = 6;
constexpr int kMaxIntegerDigits = 12;  // 10^12 currency units, times 10^6, fits in int64

struct Decimal final {
  std::string_view integer;
  std::string_view fraction;
};

std::optional<Decimal> SplitDecimal(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0) return std::nullopt;
  Decimal out{text.substr(0, i), {}};
  if (i == text.size()) return out;
  if (text[i] != '.' && text[i] != ',') return std::nullopt;
  const std::size_t start = ++i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == start || i != text.size()) return std::nullopt;
  out.fraction = text.substr(start);
  return out;
}

// Places that matter: trailing zeros do not force a finer unit.
int Places(const Decimal& d) {
  std::string_view fraction = d.fraction;
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  return static_cast<int>(fraction.size());
}

std::optional<int64_t> ToUnits(const Decimal& d, int decimals) {
  std::string_view integer = d.integer;
  while (integer.size() > 1 && integer.front() == '0') integer.remove_prefix(1);
  if (integer.size() > kMaxIntegerDigits || Places(d) > decimals) return std::nullopt;
  int64_t units = 0;
  for (char c : integer) units = units * 10 + (c - '0');
  for (int i = 0; i < decimals; ++i) {
    const int digit = i < static_cast<int>(d.fraction.size()) ? d.fraction[i] - '0' : 0;
    units = units * 10 + digit;
  }
  return units;
}

std::optional<int64_t> DecimalToUnits(std::string_view text, int decimals) {
  const auto d = SplitDecimal(text);
  if (!d) return std::nullopt;
  return ToUnits(*d, decimals);
}

// The threshold compared exactly with integer scores: score < threshold.
bool BelowThreshold(int64_t score, const Decimal& threshold) {
  const int places = Places(threshold);
  const auto units = ToUnits(threshold, places);
  if (!units) return true;  // a threshold above 10^12 excludes every realistic score
  __int128 scaled = score;
  for (int i = 0; i < places; ++i) scaled *= 10;
  return scaled < *units;
}

std::string VariantName(GreedyVariant variant) {
  switch (variant) {
    case GreedyVariant::kSkip:
      return "skip";
    case GreedyVariant::kNoSkip:
      return "no-skip";
    case GreedyVariant::kThreshold:
      return "threshold";
  }
  return "";
}

std::string ScoreRule(const BudgetInstance& instance, const std::vector<int64_t>& points) {
  if (instance.vote_type == "cumulative" || instance.vote_type == "scoring") {
    return "sum of points";
  }
  if (instance.vote_type != "ordinal") return "approvals";
  std::string rule = "ordinal points by rank";
  for (std::size_t r = 0; r < points.size(); ++r)
    rule += (r == 0 ? " " : "/") + std::to_string(points[r]);
  return rule;
}

}  // namespace

std::variant<BudgetAmounts, ParseError> ExactAmounts(const BudgetInstance& instance) {
  const auto error = [](std::string message) { return ParseError{"", 0, std::move(message)}; };
  std::vector<Decimal> costs;
  costs.reserve(instance.projects.size());
  int decimals = 0;
  for (const Project& project : instance.projects) {
    const auto d = SplitDecimal(project.cost);
    if (!d) {
      return error("Project " + project.id + " has the cost \"" + project.cost +
                   "\", which is not a non-negative decimal number.");
    }
    if (Places(*d) > kMaxDecimals) {
      return error("Project " + project.id + " has the cost " + project.cost + ", with more than " +
                   std::to_string(kMaxDecimals) + " decimal places; round it.");
    }
    decimals = std::max(decimals, Places(*d));
    costs.push_back(*d);
  }
  const auto budget = SplitDecimal(instance.budget);
  if (!budget) {
    return error("The budget \"" + instance.budget + "\" is not a non-negative decimal number.");
  }
  decimals = std::max(decimals, Places(*budget));
  if (decimals > kMaxDecimals) {
    return error("The budget has more than " + std::to_string(kMaxDecimals) +
                 " decimal places; round it.");
  }
  BudgetAmounts out;
  out.decimals = decimals;
  for (std::size_t i = 0; i < costs.size(); ++i) {
    const auto units = ToUnits(costs[i], decimals);
    if (!units) {
      return error("Project " + instance.projects[i].id + " costs more than 10^12; check it.");
    }
    out.costs.push_back(*units);
  }
  const auto budget_units = ToUnits(*budget, decimals);
  if (!budget_units) return error("The budget is more than 10^12; check it.");
  out.budget = *budget_units;
  return out;
}

std::string FormatAmount(int64_t units, int decimals) {
  const bool negative = units < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  std::string digits = std::to_string(magnitude);
  if (decimals > 0) {
    const auto places = static_cast<std::size_t>(decimals);
    if (digits.size() <= places) digits.insert(0, places + 1 - digits.size(), '0');
    digits.insert(digits.size() - places, ".");
  }
  return negative ? "-" + digits : digits;
}

std::vector<int64_t> OrdinalPoints(const BudgetInstance& instance,
                                   const std::vector<int64_t>& ordinal_points) {
  if (!ordinal_points.empty()) return ordinal_points;
  int64_t k = 0;
  const auto max_length = instance.meta.find("max_length");
  if (max_length != instance.meta.end()) {
    k = DecimalToUnits(max_length->second, 0).value_or(0);
  }
  if (k <= 0 || k > 1000) {
    k = 0;
    for (const Ballot& ballot : instance.ballots) {
      k = std::max<int64_t>(k, static_cast<int64_t>(ballot.ranking.group_count()));
    }
  }
  std::vector<int64_t> points;
  for (int64_t r = 0; r < k; ++r) points.push_back(k - r);
  return points;
}

std::vector<int64_t> ProjectScores(const BudgetInstance& instance,
                                   const std::vector<int64_t>& ordinal_points) {
  std::vector<int64_t> scores(instance.projects.size(), 0);
  const auto valid = [&](int project) {
    return project >= 0 && static_cast<std::size_t>(project) < scores.size();
  };
  const bool scored = instance.vote_type == "cumulative" || instance.vote_type == "scoring";
  const bool ordinal = instance.vote_type == "ordinal";
  const std::vector<int64_t> points =
      ordinal ? OrdinalPoints(instance, ordinal_points) : std::vector<int64_t>{};
  for (const Ballot& ballot : instance.ballots) {
    if (scored) {
      for (const auto& [project, value] : ballot.scores) {
        if (valid(project)) scores[project] += value * ballot.multiplicity;
      }
      continue;
    }
    for (std::size_t rank = 0; rank < ballot.ranking.group_count(); ++rank) {
      int64_t value = 1;
      if (ordinal) value = rank < points.size() ? points[rank] : 0;
      for (const int project : ballot.ranking.group(rank)) {
        if (valid(project)) scores[project] += value * ballot.multiplicity;
      }
    }
  }
  return scores;
}

std::vector<int> GreedyOrder(const std::vector<int64_t>& scores, const std::vector<int64_t>& costs,
                             GreedyTieBreak tie_break) {
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (scores[a] != scores[b]) return scores[a] > scores[b];
    if (tie_break == GreedyTieBreak::kCheaperFirst && costs[a] != costs[b]) {
      return costs[a] < costs[b];
    }
    return false;
  });
  return order;
}

std::variant<Result, ParseError> CountGreedy(const BudgetInstance& instance,
                                             const GreedyOptions& options) {
  auto amounts_or = ExactAmounts(instance);
  if (auto* error = std::get_if<ParseError>(&amounts_or)) return *error;
  const BudgetAmounts& amounts = std::get<BudgetAmounts>(amounts_or);

  std::optional<Decimal> threshold;
  std::string threshold_text;
  if (options.variant == GreedyVariant::kThreshold) {
    if (options.threshold) {
      threshold_text = *options.threshold;
    } else if (const auto it = instance.meta.find("min_project_score_threshold");
               it != instance.meta.end()) {
      threshold_text = it->second;
    } else {
      return ParseError{"", 0,
                        "Greedy with a threshold needs one: give it in the options or as "
                        "min_project_score_threshold in META."};
    }
    threshold = SplitDecimal(threshold_text);
    if (!threshold) {
      return ParseError{
          "", 0, "The threshold \"" + threshold_text + "\" is not a non-negative decimal number."};
    }
  }

  const std::vector<int64_t> points = OrdinalPoints(instance, options.ordinal_points);
  const std::vector<int64_t> scores = ProjectScores(instance, points);
  const std::vector<int> order = GreedyOrder(scores, amounts.costs, options.tie_break);
  const int decimals = amounts.decimals;

  Result result;
  result.method = "greedy";
  nlohmann::json projects = nlohmann::json::array();
  int64_t left = amounts.budget;
  std::optional<std::string> stopped_at;
  for (int index : order) {
    const Project& project = instance.projects[index];
    const int64_t cost = amounts.costs[index];
    nlohmann::json entry = {
        {"id", project.id}, {"score", scores[index]}, {"cost", FormatAmount(cost, decimals)}};
    if (!project.name.empty()) entry["name"] = project.name;
    if (stopped_at) {
      entry["status"] = "not reached";
      entry["reason"] = "Counting stopped at project " + *stopped_at + ", which did not fit.";
    } else if (threshold && BelowThreshold(scores[index], *threshold)) {
      entry["status"] = "ineligible";
      entry["reason"] = "Its score is below the threshold of " + threshold_text + ".";
    } else if (cost > left) {
      entry["status"] = "skipped";
      entry["reason"] = "It costs " + FormatAmount(cost, decimals) + " but only " +
                        FormatAmount(left, decimals) + " was left.";
      if (options.variant == GreedyVariant::kNoSkip) {
        entry["reason"] = entry["reason"].get<std::string>() + " Counting stops here (no skip).";
        stopped_at = project.id;
      }
    } else {
      left -= cost;
      entry["status"] = "selected";
      entry["reason"] = "It fits; " + FormatAmount(left, decimals) + " is left after it.";
      result.winners.push_back(project.id);
    }
    projects.push_back(std::move(entry));
  }
  result.seats = static_cast<int>(result.winners.size());
  std::string tie_rule = options.tie_break == GreedyTieBreak::kCheaperFirst
                             ? "Equal scores: the cheaper project first, then file order."
                             : "Equal scores: file order.";
  result.explanation = {
      {"rule", "greedy"},
      {"variant", VariantName(options.variant)},
      {"score", ScoreRule(instance, points)},
      {"tie_break", tie_rule},
      {"budget", FormatAmount(amounts.budget, decimals)},
      {"used", FormatAmount(amounts.budget - left, decimals)},
      {"left", FormatAmount(left, decimals)},
      {"projects", std::move(projects)},
  };
  if (threshold) result.explanation["threshold"] = threshold_text;
  return result;
}

}  // namespace coproduce::tally
