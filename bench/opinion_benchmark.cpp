// Speed of the opinion-map engine (issue 6): a cold compute of a 2,000 x 900 conversation
// with 225,000 votes and of a 33,000 x 800 one with 2 million, and one incremental update
// after a new vote at the larger size. Inputs are Polis export folders that
// bench/opinion/generate.py writes under OPINION_BENCH_DATA (bench/opinion/run does both,
// then times the numpy reference on the same folders). Files are read once, outside the
// timed loops. Each benchmark reports `peak_MB`: the most memory the process held while the
// engine ran (VmHWM, reset after the files were read).
//
//   OPINION_BENCH_DATA=/tmp/opinion build/bench/opinion_benchmark
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <variant>

#include "opinion/conversation.hpp"
#include "opinion/polis_export.hpp"

namespace {

using coproduce::opinion::Conversation;
using coproduce::opinion::PolisExport;

// A conversation with every vote of the folder loaded, or an error message.
struct Loaded final {
  std::unique_ptr<Conversation> conversation;
  std::string error;
};

Loaded Load(const std::string& name, coproduce::opinion::Options options = {}) {
  Loaded out;
  const char* dir = std::getenv("OPINION_BENCH_DATA");
  if (dir == nullptr || *dir == '\0') {
    out.error =
        "OPINION_BENCH_DATA is not set: run bench/opinion/run, or bench/opinion/generate.py first";
    return out;
  }
  auto data = coproduce::opinion::ReadPolisExport(std::string(dir) + "/" + name);
  if (auto* e = std::get_if<coproduce::tally::ParseError>(&data)) {
    out.error = e->ToString();
    return out;
  }
  out.conversation = std::make_unique<Conversation>(options);
  coproduce::opinion::LoadAll(std::get<PolisExport>(data), *out.conversation);
  return out;
}

// Resets the peak resident size so that it covers only what follows (Linux).
void ResetPeakMemory() { std::ofstream("/proc/self/clear_refs") << "5"; }

double PeakMegabytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      double kb = 0;
      status >> kb;
      return kb / 1024;
    }
    status.ignore(1 << 12, '\n');
  }
  return 0;
}

void Report(benchmark::State& state, const Conversation& conversation) {
  const auto& map = conversation.map();
  state.counters["peak_MB"] = PeakMegabytes();
  state.counters["groups"] = static_cast<double>(map.groups.size());
  state.counters["votes"] = static_cast<double>(map.votes);
}

void Cold(benchmark::State& state, const std::string& name,
          coproduce::opinion::Options options = {}) {
  Loaded loaded = Load(name, options);
  if (!loaded.conversation) {
    state.SkipWithError(loaded.error.c_str());
    return;
  }
  ResetPeakMemory();
  for (auto _ : state) {
    benchmark::DoNotOptimize(&loaded.conversation->Recompute());
  }
  Report(state, *loaded.conversation);
}

void BM_ColdCompute_2000x900(benchmark::State& state) { Cold(state, "medium"); }
void BM_ColdCompute_33000x800(benchmark::State& state) { Cold(state, "large"); }
// As Polis computes it past 10,000 participants (mini-batch PCA), the same steps as the
// numpy reference.
void BM_ColdCompute_33000x800_PolisMiniBatch(benchmark::State& state) {
  coproduce::opinion::Options options;
  options.polis_mini_batch = true;
  Cold(state, "large", options);
}

// One new vote, then an update warm-started from the previous one.
void BM_UpdateAfterOneVote_33000x800(benchmark::State& state) {
  Loaded loaded = Load("large");
  if (!loaded.conversation) {
    state.SkipWithError(loaded.error.c_str());
    return;
  }
  Conversation& conversation = *loaded.conversation;
  conversation.Recompute();
  const auto& map = conversation.map();
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::size_t> participant(0, map.participants.size() - 1);
  std::uniform_int_distribution<std::size_t> comment(0, map.comments.size() - 1);
  std::uniform_int_distribution<int> vote(-1, 1);
  ResetPeakMemory();
  for (auto _ : state) {
    state.PauseTiming();
    const auto p = map.participants[participant(random)];
    const auto c = map.comments[comment(random)].id;
    state.ResumeTiming();
    conversation.AddVote(p, c, static_cast<coproduce::opinion::Vote>(vote(random)));
    benchmark::DoNotOptimize(&conversation.Update());
  }
  Report(state, conversation);
}

}  // namespace

BENCHMARK(BM_ColdCompute_2000x900)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ColdCompute_33000x800)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ColdCompute_33000x800_PolisMiniBatch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UpdateAfterOneVote_33000x800)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
