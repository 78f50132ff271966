// Conformance on Polis's own published conversations (../shared/data/polis): group-informed
// consensus from Polis's groups equals the published column, and our groups agree with
// Polis's (adjusted Rand index, reported for every conversation).
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "opinion/conversation.hpp"
#include "opinion/polis_export.hpp"

namespace coproduce::opinion {
namespace {

const std::filesystem::path kPolis = std::filesystem::path(COPRODUCE_SHARED_DATA) / "polis";

PolisExport Read(const std::string& name) {
  auto data = ReadPolisExport(kPolis / name);
  if (auto* e = std::get_if<tally::ParseError>(&data)) ADD_FAILURE() << e->ToString();
  return std::get<PolisExport>(std::move(data));
}

// Polis's published group per participant row of `map` (-1 when not clustered or absent).
std::vector<int> PublishedGroups(const PolisExport& data, const Map& map) {
  std::map<Id, int> published;
  for (const PolisParticipant& p : data.participants) published[p.id] = p.group.value_or(-1);
  std::vector<int> out;
  for (const Id id : map.participants) {
    const auto it = published.find(id);
    out.push_back(it == published.end() ? -1 : it->second);
  }
  return out;
}

#define SKIP_WITHOUT_SHARED_DATA()                                                              \
  if (!std::filesystem::exists(kPolis)) {                                                       \
    GTEST_SKIP() << "../shared/data/polis is absent: the Polis conformance tests are skipped."; \
  }

TEST(PolisConformance, GroupInformedConsensusFromPublishedGroupsMatchesPolis) {
  SKIP_WITHOUT_SHARED_DATA();
  const PolisExport data = Read("bg2050-volunteers");
  Conversation conversation;
  LoadAll(data, conversation);
  const Map& map = conversation.Recompute();
  const DeclaredGroupsReport report = conversation.DeclaredGroups(PublishedGroups(data, map));
  std::map<Id, double> published;
  for (const PolisComment& c : data.comments) {
    if (c.group_informed_consensus) published[c.id] = *c.group_informed_consensus;
  }
  ASSERT_EQ(published.size(), 371u);
  int compared = 0;
  for (std::size_t j = 0; j < map.comments.size(); ++j) {
    const auto it = published.find(map.comments[j].id);
    if (it == published.end()) continue;
    EXPECT_NEAR(report.group_informed_consensus[j], it->second, 1e-9)
        << "comment " << map.comments[j].id;
    ++compared;
  }
  EXPECT_EQ(compared, 371);
}

struct Agreement final {
  const char* conversation;
  double minimum_cold;    // the bar (0.95) where it sets one
  double minimum_replay;  // what replaying reached when measured, less a margin
};

std::string TestName(const testing::TestParamInfo<Agreement>& info) {
  std::string name = info.param.conversation;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

const Agreement kAll[] = {{"bg2050-volunteers", 0.95, 0.70},
                          {"scoop-hivemind.biodiversity", 0.95, 0.95},
                          {"15-per-hour-seattle", -1, 0.50},
                          {"scoop-hivemind.ubi", -1, 0.0}};

// One cold computation on the final votes.
class PolisGroups : public testing::TestWithParam<Agreement> {};

TEST_P(PolisGroups, ColdGroupsAgreeWithPolis) {
  SKIP_WITHOUT_SHARED_DATA();
  const PolisExport data = Read(GetParam().conversation);
  Conversation cold;
  LoadAll(data, cold);
  const Map& map = cold.Recompute();
  const double ari = AdjustedRandIndex(map.group, PublishedGroups(data, map));
  std::cout << GetParam().conversation
            << ": adjusted Rand index against Polis's groups, cold: " << ari << "\n";
  RecordProperty("ari_cold", std::to_string(ari));
  EXPECT_GE(ari, GetParam().minimum_cold);
}

INSTANTIATE_TEST_SUITE_P(Published, PolisGroups, testing::ValuesIn(kAll), TestName);

// The votes replayed in time order in Polis's 2-second batches, each batch an update
// warm-started from the one before, as Polis computed them.
class PolisReplay : public testing::TestWithParam<Agreement> {};

TEST_P(PolisReplay, ReplayedGroupsAgreeWithPolis) {
  SKIP_WITHOUT_SHARED_DATA();
  const PolisExport data = Read(GetParam().conversation);
  Conversation replayed;
  const int updates = Replay(data, replayed);
  const Map& map = replayed.map();
  const double ari = AdjustedRandIndex(map.group, PublishedGroups(data, map));
  std::cout << GetParam().conversation
            << ": adjusted Rand index against Polis's groups, replayed in " << updates
            << " updates: " << ari << "\n";
  RecordProperty("ari_replay", std::to_string(ari));
  EXPECT_GE(ari, GetParam().minimum_replay);
  Conversation cold;
  LoadAll(data, cold);
  EXPECT_EQ(cold.Update().votes, map.votes);
}

// Replaying is one update per batch (up to 29,000 for a conversation): under the
// sanitizers only the shortest conversation is replayed.
#ifdef COPRODUCE_SANITIZED
INSTANTIATE_TEST_SUITE_P(Published, PolisReplay, testing::Values(kAll[2]), TestName);
#else
INSTANTIATE_TEST_SUITE_P(Published, PolisReplay, testing::ValuesIn(kAll), TestName);
#endif

}  // namespace
}  // namespace coproduce::opinion
