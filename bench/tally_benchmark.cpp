// Speed of the vote-counting engine (issue 3): the counts on large elections and the readers'
// throughput. Inputs are files that bench/js/generate.mjs writes into the folder named by
// TALLY_BENCH_DATA (bench/tally does both, then compares with the npm packages on the same
// files). Files are read and parsed once, outside the timed loops; only the parse benchmarks
// time a reader, on text already in memory.
//
//   TALLY_BENCH_DATA=/tmp/in build/bench/tally_benchmark --benchmark_filter=Schulze
//
// Each count benchmark labels its result with the winners, so that a run also shows the C++
// and the JS packages agree on the outcome.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tally/blt.hpp"
#include "tally/budgeting.hpp"
#include "tally/election.hpp"
#include "tally/equal_shares.hpp"
#include "tally/pabulib.hpp"
#include "tally/preflib.hpp"
#include "tally/single_winner.hpp"
#include "tally/stv_meek.hpp"
#include "tally/stv_scottish.hpp"
#include "tally/weighting.hpp"

namespace {

namespace fs = std::filesystem;
using coproduce::tally::BudgetInstance;
using coproduce::tally::Election;
using coproduce::tally::Lot;
using coproduce::tally::ParseError;
using coproduce::tally::Result;

// The text of an input file, or an error message saying why it is not there.
struct Input final {
  std::string text;
  std::string error;
};

const Input& InputFile(const std::string& name) {
  static std::map<std::string, Input> cache;
  auto found = cache.find(name);
  if (found != cache.end()) return found->second;
  Input input;
  const char* dir = std::getenv("TALLY_BENCH_DATA");
  if (dir == nullptr || *dir == '\0') {
    input.error =
        "TALLY_BENCH_DATA is not set: run bench/tally, or node bench/js/generate.mjs DIR first";
  } else {
    const fs::path path = fs::path(dir) / name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      input.error = "cannot read " + path.string();
    } else {
      std::ostringstream text;
      text << in.rdbuf();
      input.text = std::move(text).str();
    }
  }
  return cache.emplace(name, std::move(input)).first->second;
}

// A parsed input, kept for every benchmark that counts it.
template <typename T>
struct Parsed final {
  std::shared_ptr<const T> value;
  std::string error;
};

template <typename T, typename Reader>
const Parsed<T>& ParsedFile(const std::string& name, Reader reader) {
  static std::map<std::string, Parsed<T>> cache;
  auto found = cache.find(name);
  if (found != cache.end()) return found->second;
  Parsed<T> parsed;
  const Input& input = InputFile(name);
  if (!input.error.empty()) {
    parsed.error = input.error;
  } else {
    auto result = reader(input.text, name);
    if (auto* error = std::get_if<ParseError>(&result)) {
      parsed.error = error->ToString();
    } else {
      parsed.value = std::make_shared<const T>(std::get<T>(std::move(result)));
    }
  }
  return cache.emplace(name, std::move(parsed)).first->second;
}

const Parsed<Election>& Soc14() {
  return ParsedFile<Election>("schulze14.soc", coproduce::tally::ReadPreflib);
}
const Parsed<Election>& Ward() {
  return ParsedFile<Election>("stv.blt", coproduce::tally::ReadBlt);
}
const Parsed<BudgetInstance>& Mes() {
  return ParsedFile<BudgetInstance>("mes.pb", coproduce::tally::ReadPabulib);
}

std::string Winners(const Result& result) {
  std::string out;
  for (const auto& w : result.winners) out += (out.empty() ? "" : ", ") + w;
  return out;
}

// The ward as a CSV upload would give it: one Ballot (multiplicity 1) per paper, so that the
// count itself has to merge identical papers.
const Election& WardOnePerPaper() {
  static const Election election = [] {
    Election e = *Ward().value;
    std::vector<coproduce::tally::Ballot> ballots;
    for (const auto& b : e.ballots) {
      for (int64_t i = 0; i < b.multiplicity; ++i) {
        ballots.push_back(b);
        ballots.back().multiplicity = 1;
      }
    }
    e.ballots = std::move(ballots);
    return e;
  }();
  return election;
}

// --- Ranked counts ---------------------------------------------------------------------------

using RankedCount = Result (*)(const Election&, const coproduce::tally::BallotWeights&,
                               const coproduce::tally::CountOptions&, Lot&);

// Weighing the ballots (one vote per person) is part of every count, so it is timed too.
void RunRanked(benchmark::State& state, const Election& election, RankedCount count) {
  const coproduce::tally::CountOptions options;
  std::string label;
  for (auto _ : state) {
    const auto weights =
        coproduce::tally::WeighBallots(election, coproduce::tally::Weighting::kPerson);
    Lot lot(1);
    Result result = count(election, weights, options, lot);
    benchmark::DoNotOptimize(result);
    if (label.empty()) label = Winners(result);
  }
  state.SetLabel("winner: " + label);
}

void BM_Schulze_14x640k(benchmark::State& state) {
  const auto& soc = Soc14();
  if (!soc.value) return state.SkipWithError(soc.error.c_str());
  RunRanked(state, *soc.value, coproduce::tally::CountSchulze);
}
BENCHMARK(BM_Schulze_14x640k)->Unit(benchmark::kMillisecond);

void BM_Irv_14x640k(benchmark::State& state) {
  const auto& soc = Soc14();
  if (!soc.value) return state.SkipWithError(soc.error.c_str());
  RunRanked(state, *soc.value, coproduce::tally::CountInstantRunoff);
}
BENCHMARK(BM_Irv_14x640k)->Unit(benchmark::kMillisecond);

void BM_Irv_Ward(benchmark::State& state) {
  const auto& ward = Ward();
  if (!ward.value) return state.SkipWithError(ward.error.c_str());
  Election single = *ward.value;
  single.seats = 1;
  RunRanked(state, single, coproduce::tally::CountInstantRunoff);
}
BENCHMARK(BM_Irv_Ward)->Unit(benchmark::kMillisecond);

// --- STV -------------------------------------------------------------------------------------

template <typename Count>
void RunStv(benchmark::State& state, const Election& election, Count count) {
  std::string label;
  for (auto _ : state) {
    Lot lot(1);
    Result result = count(election, lot);
    benchmark::DoNotOptimize(result);
    if (label.empty()) label = Winners(result);
  }
  state.SetLabel("elected: " + label);
}

void BM_ScottishStv_Ward(benchmark::State& state) {
  const auto& ward = Ward();
  if (!ward.value) return state.SkipWithError(ward.error.c_str());
  RunStv(state, *ward.value,
         [](const Election& e, Lot& lot) { return coproduce::tally::CountScottishStv(e, lot); });
}
BENCHMARK(BM_ScottishStv_Ward)->Unit(benchmark::kMillisecond);

void BM_ScottishStv_WardOneBallotPerPaper(benchmark::State& state) {
  const auto& ward = Ward();
  if (!ward.value) return state.SkipWithError(ward.error.c_str());
  RunStv(state, WardOnePerPaper(),
         [](const Election& e, Lot& lot) { return coproduce::tally::CountScottishStv(e, lot); });
}
BENCHMARK(BM_ScottishStv_WardOneBallotPerPaper)->Unit(benchmark::kMillisecond);

void BM_MeekStv_Ward(benchmark::State& state) {
  const auto& ward = Ward();
  if (!ward.value) return state.SkipWithError(ward.error.c_str());
  RunStv(state, *ward.value, coproduce::tally::CountMeekStv);
}
BENCHMARK(BM_MeekStv_Ward)->Unit(benchmark::kMillisecond);

// --- Participatory budgeting -----------------------------------------------------------------

// Equal shares with the add1u completion and the options the site and the CLI use (arg 1), the
// same listing what each group of identical ballots paid (arg 2, `--voter-groups`), and plain
// MES with B/n per voter (arg 0): one explained MES run.
void RunEqualShares(benchmark::State& state, const coproduce::tally::MesOptions& options) {
  const auto& mes = Mes();
  if (!mes.value) return state.SkipWithError(mes.error.c_str());
  std::string label;
  for (auto _ : state) {
    auto result = coproduce::tally::CountEqualShares(*mes.value, options);
    benchmark::DoNotOptimize(result);
    if (auto* error = std::get_if<ParseError>(&result)) {
      return state.SkipWithError(error->ToString().c_str());
    }
    if (label.empty()) {
      const Result& r = std::get<Result>(result);
      label = std::to_string(r.winners.size()) + " projects funded";
      const auto add1 = r.explanation.find("add1");
      if (add1 != r.explanation.end() && add1->contains("steps")) {
        label += ", " + add1->at("steps").dump() + " Add1 steps";
      }
    }
  }
  state.SetLabel(label);
}

void BM_EqualShares_90kx160(benchmark::State& state) {
  coproduce::tally::MesOptions options;
  options.completion = state.range(0) != 0 ? coproduce::tally::MesCompletion::kAdd1Utilitarian
                                           : coproduce::tally::MesCompletion::kNone;
  options.explain_voter_groups = state.range(0) == 2;
  RunEqualShares(state, options);
}
// One repetition: with add1u a single count may take long, and the loop already repeats it
// while it is fast.
BENCHMARK(BM_EqualShares_90kx160)
    ->ArgName("add1u")
    ->Arg(1)
    ->Arg(2)
    ->Arg(0)
    ->Repetitions(1)
    ->Unit(benchmark::kMillisecond);

// The add1u count with narrower vectors in the Add1 steps, as on a processor without AVX-512
// (4 doubles: AVX2) or without AVX2 (2 doubles: SSE2).
void BM_EqualShares_90kx160_Width(benchmark::State& state) {
  coproduce::tally::MesOptions options;
  options.max_vector_width = static_cast<int>(state.range(0));
  RunEqualShares(state, options);
}
BENCHMARK(BM_EqualShares_90kx160_Width)
    ->ArgName("width")
    ->Arg(4)
    ->Arg(2)
    ->Repetitions(1)
    ->Unit(benchmark::kMillisecond);

void BM_Greedy_90kx160(benchmark::State& state) {
  const auto& mes = Mes();
  if (!mes.value) return state.SkipWithError(mes.error.c_str());
  std::string label;
  for (auto _ : state) {
    auto result = coproduce::tally::CountGreedy(*mes.value);
    benchmark::DoNotOptimize(result);
    if (auto* error = std::get_if<ParseError>(&result)) {
      return state.SkipWithError(error->ToString().c_str());
    }
    if (label.empty()) {
      label = std::to_string(std::get<Result>(result).winners.size()) + " projects funded";
    }
  }
  state.SetLabel(label);
}
BENCHMARK(BM_Greedy_90kx160)->Unit(benchmark::kMillisecond);

// --- Readers (text already in memory) --------------------------------------------------------

template <typename Reader>
void RunParse(benchmark::State& state, const std::string& name, Reader reader) {
  const Input& input = InputFile(name);
  if (!input.error.empty()) return state.SkipWithError(input.error.c_str());
  std::size_t ballots = 0;
  for (auto _ : state) {
    auto result = reader(input.text, name);
    benchmark::DoNotOptimize(result);
    if (auto* error = std::get_if<ParseError>(&result)) {
      return state.SkipWithError(error->ToString().c_str());
    }
    std::visit(
        [&](const auto& value) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(value)>, ParseError>) {
            ballots = value.ballots.size();
          }
        },
        result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(input.text.size()));
  state.SetLabel(std::to_string(input.text.size() / 1000000) + " MB, " + std::to_string(ballots) +
                 " distinct ballots");
}

void BM_Parse_Blt(benchmark::State& state) {
  RunParse(state, "parse.blt", coproduce::tally::ReadBlt);
}
BENCHMARK(BM_Parse_Blt)->Unit(benchmark::kMillisecond);

void BM_Parse_Preflib(benchmark::State& state) {
  RunParse(state, "parse.soi", coproduce::tally::ReadPreflib);
}
BENCHMARK(BM_Parse_Preflib)->Unit(benchmark::kMillisecond);

void BM_Parse_Pabulib(benchmark::State& state) {
  RunParse(state, "parse.pb", coproduce::tally::ReadPabulib);
}
BENCHMARK(BM_Parse_Pabulib)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
