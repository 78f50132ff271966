#include "tally/weighting.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>

namespace coproduce::tally {
namespace {

// Every method sums units in int64; keeping the total at 2^62 leaves room for one addition
// of two partial sums (Condorcet margins) without overflow.
constexpr __int128 kMaxTotalUnits = static_cast<__int128>(1) << 62;
// Rounded weights aim for this total: 15-16 significant digits, like a double.
constexpr long double kRoundedTotal = 4503599627370496.0L;  // 2^52

__int128 Gcd(__int128 a, __int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    const __int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// A per-voter weight before it is put over the common denominator.
struct Ratio {
  __int128 numerator = 1;
  __int128 denominator = 1;
};

Ratio Reduce(__int128 numerator, __int128 denominator) {
  if (numerator == 0) return {0, 1};
  const __int128 g = Gcd(numerator, denominator);
  return {numerator / g, denominator / g};
}

}  // namespace

std::optional<Fraction> Fraction::FromString(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  __int128 scale = 1;
  if (!text.empty() && text.back() == '%') {
    scale = 100;
    text.remove_suffix(1);
  }
  if (text.empty()) return std::nullopt;
  __int128 numerator = 0;
  __int128 denominator = 1;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    int64_t n = 0;
    int64_t d = 0;
    const std::string_view a = text.substr(0, slash);
    const std::string_view b = text.substr(slash + 1);
    auto r1 = std::from_chars(a.data(), a.data() + a.size(), n);
    auto r2 = std::from_chars(b.data(), b.data() + b.size(), d);
    if (a.empty() || b.empty() || r1.ec != std::errc() || r1.ptr != a.data() + a.size() ||
        r2.ec != std::errc() || r2.ptr != b.data() + b.size() || n < 0 || d <= 0) {
      return std::nullopt;
    }
    numerator = n;
    denominator = d;
  } else {
    // A decimal: digits, optionally one point and more digits. Parsed exactly, not as double.
    int digits = 0;
    bool point = false;
    for (const char c : text) {
      if (c == '.' && !point) {
        point = true;
        continue;
      }
      if (c < '0' || c > '9') return std::nullopt;
      if (++digits > 18) return std::nullopt;
      numerator = numerator * 10 + (c - '0');
      if (point) denominator *= 10;
    }
    if (digits == 0) return std::nullopt;
  }
  const Ratio r = Reduce(numerator, denominator * scale);
  if (r.numerator > INT64_MAX || r.denominator > INT64_MAX) return std::nullopt;
  return Fraction{static_cast<int64_t>(r.numerator), static_cast<int64_t>(r.denominator)};
}

std::string Fraction::ToString() const {
  if (denominator == 1) return std::to_string(numerator);
  return std::to_string(numerator) + "/" + std::to_string(denominator);
}

std::optional<Weighting> WeightingFromString(std::string_view text) {
  if (text == "person") return Weighting::kPerson;
  if (text == "organisation") return Weighting::kOrganisation;
  if (text == "sector") return Weighting::kSector;
  if (text == "given") return Weighting::kGiven;
  return std::nullopt;
}

std::string_view ToString(Weighting weighting) {
  switch (weighting) {
    case Weighting::kPerson:
      return "person";
    case Weighting::kOrganisation:
      return "organisation";
    case Weighting::kSector:
      return "sector";
    case Weighting::kGiven:
      return "given";
  }
  return "person";
}

nlohmann::json BallotWeights::Votes(__int128 amount, int64_t divisor) const {
  const __int128 unit = static_cast<__int128>(units_per_vote) * divisor;
  if (unit > 0 && amount % unit == 0) {
    const __int128 whole = amount / unit;
    if (whole >= INT64_MIN && whole <= INT64_MAX) return static_cast<int64_t>(whole);
  }
  return static_cast<double>(static_cast<long double>(amount) / static_cast<long double>(unit));
}

nlohmann::json BallotWeights::Describe() const {
  return {{"weighting", std::string(ToString(weighting))}, {"exact", exact}};
}

std::vector<std::string> SectorsOf(const Election& election, std::vector<int>& sector_of) {
  std::map<std::string, int> index;
  for (const Ballot& b : election.ballots) index.emplace(b.sector, 0);
  std::vector<std::string> sectors;
  for (auto& [name, i] : index) {
    i = static_cast<int>(sectors.size());
    sectors.push_back(name);
  }
  sector_of.clear();
  sector_of.reserve(election.ballots.size());
  for (const Ballot& b : election.ballots) sector_of.push_back(index.at(b.sector));
  return sectors;
}

// Sector weighting gives every voter in sector s the weight N / (S * n_s): N voters in all,
// S sectors, n_s voters in s. Each sector then weighs N / S in total, so the weighted totals
// still add up to the number of voters and a sector with exactly its fair share of voters
// keeps weight 1. (Every method is scale-invariant; the normalisation only makes the
// numbers on a results page read as votes.)
//
// Ballots share a few weight classes (one per organisation or sector), so the common
// denominator is taken over the classes and each ballot costs one multiplication: weighing
// 640,000 ballots takes a few milliseconds.
BallotWeights WeighBallots(const Election& election, Weighting weighting,
                           std::span<const Fraction> given) {
  const std::size_t n = election.ballots.size();
  // Read each ballot once: a Ballot is large, and passes over them cost more than the sums.
  std::vector<int64_t> voters_of(n);
  for (std::size_t i = 0; i < n; ++i)
    voters_of[i] = std::max<int64_t>(0, election.ballots[i].multiplicity);

  std::vector<Ratio> classes(1);  // classes[0] is weight 1
  // Every ballot's class; left empty when all are in class 0, which spares a pass over n.
  std::vector<uint32_t> class_of(weighting == Weighting::kPerson ? 0 : n, 0);
  const auto class_index = [&](std::size_t i) -> uint32_t {
    return class_of.empty() ? 0 : class_of[i];
  };
  switch (weighting) {
    case Weighting::kPerson:
      break;
    case Weighting::kOrganisation: {
      std::map<std::string_view, std::pair<uint32_t, __int128>> members;  // class, voters
      for (std::size_t i = 0; i < n; ++i) {
        const std::string& org = election.ballots[i].organisation;
        if (org.empty()) continue;
        auto [it, fresh] = members.try_emplace(org, static_cast<uint32_t>(classes.size()), 0);
        if (fresh) classes.emplace_back();
        it->second.second += voters_of[i];
        class_of[i] = it->second.first;
      }
      for (const auto& [org, entry] : members) {
        classes[entry.first] = entry.second > 0 ? Reduce(1, entry.second) : Ratio{0, 1};
      }
      break;
    }
    case Weighting::kSector: {
      std::vector<int> sector_of;
      const std::vector<std::string> sectors = SectorsOf(election, sector_of);
      std::vector<__int128> voters(sectors.size(), 0);
      for (std::size_t i = 0; i < n; ++i) voters[sector_of[i]] += voters_of[i];
      __int128 total = 0;
      __int128 present = 0;
      for (const __int128 v : voters) {
        total += v;
        if (v > 0) ++present;
      }
      classes.resize(sectors.size() + 1);
      for (std::size_t s = 0; s < sectors.size(); ++s) {
        classes[s + 1] = voters[s] > 0 ? Reduce(total, present * voters[s]) : Ratio{0, 1};
      }
      for (std::size_t i = 0; i < n; ++i) class_of[i] = static_cast<uint32_t>(sector_of[i] + 1);
      break;
    }
    case Weighting::kGiven:
      for (std::size_t i = 0; i < n && i < given.size(); ++i) {
        class_of[i] = static_cast<uint32_t>(classes.size());
        classes.push_back(Reduce(given[i].numerator, std::max<int64_t>(1, given[i].denominator)));
      }
      break;
  }
  std::vector<bool> used(classes.size(), false);
  for (std::size_t i = 0; i < n; ++i) {
    if (voters_of[i] > 0) used[class_index(i)] = true;
  }

  BallotWeights out;
  out.weighting = weighting;
  out.units.assign(n, 0);

  // Exact: put every weight over the least common denominator D; one vote is D units.
  bool fits = true;
  __int128 lcm = 1;
  for (std::size_t k = 0; k < classes.size() && fits; ++k) {
    if (!used[k] || classes[k].numerator == 0 || lcm % classes[k].denominator == 0) continue;
    const __int128 d = classes[k].denominator;
    if (__builtin_mul_overflow(lcm, d / Gcd(lcm, d), &lcm) || lcm > kMaxTotalUnits) fits = false;
  }
  // Units per voter of each class; then one int64 multiplication per ballot.
  std::vector<int64_t> factor(classes.size(), 0);
  for (std::size_t k = 0; k < classes.size() && fits; ++k) {
    if (!used[k] || classes[k].numerator == 0) continue;
    __int128 f = 0;
    if (__builtin_mul_overflow(classes[k].numerator, lcm / classes[k].denominator, &f) ||
        f > kMaxTotalUnits) {
      fits = false;
    } else {
      factor[k] = static_cast<int64_t>(f);
    }
  }
  int64_t total = 0;
  for (std::size_t i = 0; i < n && fits; ++i) {
    int64_t u = 0;
    if (__builtin_mul_overflow(voters_of[i], factor[class_index(i)], &u) ||
        __builtin_add_overflow(total, u, &total) || total > kMaxTotalUnits) {
      fits = false;
      break;
    }
    out.units[i] = u;
  }
  if (fits) {
    out.units_per_vote = static_cast<int64_t>(lcm);
    return out;
  }

  // Rounded: scale the real weights so that they total about 2^52 units.
  out.exact = false;
  std::vector<long double> real(n, 0.0L);
  long double real_total = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    const Ratio& r = classes[class_index(i)];
    real[i] = static_cast<long double>(voters_of[i]) * static_cast<long double>(r.numerator) /
              static_cast<long double>(r.denominator);
    real_total += real[i];
  }
  const long double scale = real_total > 0 ? kRoundedTotal / real_total : 1.0L;
  out.units_per_vote = std::max<int64_t>(1, std::llround(scale));
  for (std::size_t i = 0; i < n; ++i) out.units[i] = std::llround(real[i] * scale);
  return out;
}

}  // namespace coproduce::tally
