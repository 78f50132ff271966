#include "opinion/conversation.hpp"

#include <random>

#include <gtest/gtest.h>

namespace coproduce::opinion {
namespace {

constexpr Vote kA = Vote::kAgree;
constexpr Vote kD = Vote::kDisagree;
constexpr Vote kP = Vote::kPass;

// Two camps of `per_camp` participants (ids 1.. and 101..) on `comments` comments: they
// disagree on the even comments and both agree on the odd ones.
Conversation TwoCamps(int per_camp, int comments, Options options = {}) {
  Conversation c(options);
  for (int i = 0; i < per_camp; ++i) {
    for (int j = 0; j < comments; ++j) {
      const bool shared = j % 2 == 1;
      c.AddVote(1 + i, j, kA);
      c.AddVote(101 + i, j, shared ? kA : kD);
    }
  }
  return c;
}

TEST(Conversation, EmptyConversationHasAnEmptyMap) {
  Conversation c;
  const Map& map = c.Update();
  EXPECT_TRUE(map.participants.empty());
  EXPECT_TRUE(map.groups.empty());
  EXPECT_EQ(map.votes, 0);
}

TEST(Conversation, FindsTwoCampsAndWhatTheyShare) {
  Conversation c = TwoCamps(12, 8);
  const Map& map = c.Update();
  ASSERT_EQ(map.groups.size(), 2u);
  EXPECT_EQ(map.k, 2);
  EXPECT_EQ(map.votes, 24 * 8);
  // Each camp is one group.
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(map.group[static_cast<std::size_t>(*c.RowOf(1 + i))],
              map.group[static_cast<std::size_t>(*c.RowOf(1))]);
    EXPECT_EQ(map.group[static_cast<std::size_t>(*c.RowOf(101 + i))],
              map.group[static_cast<std::size_t>(*c.RowOf(101))]);
  }
  EXPECT_NE(map.group[static_cast<std::size_t>(*c.RowOf(1))],
            map.group[static_cast<std::size_t>(*c.RowOf(101))]);
  // Each group is represented by the even comments (where they differ).
  for (const Group& g : map.groups) {
    ASSERT_FALSE(g.representative.empty());
    for (const Representative& r : g.representative)
      EXPECT_EQ(r.comment % 2, 0) << "group " << g.id;
  }
  // The odd comments are the consensus; group-informed consensus is high on them only.
  ASSERT_FALSE(map.consensus.agree.empty());
  for (const auto& e : map.consensus.agree) EXPECT_EQ(e.comment % 2, 1);
  for (const CommentResult& r : map.comments) {
    if (r.id % 2 == 1) {
      EXPECT_GT(r.group_informed_consensus, 0.8);
    } else {
      EXPECT_LT(r.group_informed_consensus, 0.1);
    }
  }
}

TEST(Conversation, SubgroupsSplitAGroupThatIsDividedWithin) {
  // Camps A (ids 0-19) and B (ids 100-119) differ on comments 0-5; inside A, ids 0-9 and
  // 10-19 differ on comment 6 only.
  Conversation c;
  for (int p = 0; p < 20; ++p) {
    for (int j = 0; j < 8; ++j) {
      c.AddVote(p, j, j < 6 ? kA : (j == 6 ? (p < 10 ? kA : kD) : kP));
      c.AddVote(100 + p, j, j < 6 ? kD : kP);
    }
  }
  const Map& map = c.Update();
  ASSERT_EQ(map.groups.size(), 2u);
  const int group_a = map.group[static_cast<std::size_t>(*c.RowOf(0))];
  for (const Group& g : map.groups) {
    if (g.id != group_a) {
      EXPECT_EQ(g.subgroups.size(), 1u);
      continue;
    }
    ASSERT_EQ(g.subgroups.size(), 2u);
    for (const Group& sub : g.subgroups) {
      EXPECT_EQ(sub.members.size(), 10u);
      ASSERT_FALSE(sub.representative.empty());
      // What sets a subgroup apart within its group is comment 6.
      EXPECT_EQ(sub.representative[0].comment, 6);
      EXPECT_TRUE(sub.subgroups.empty());
    }
  }
}

TEST(Conversation, GroupInformedConsensusIsTheProductOverGroups) {
  Conversation c = TwoCamps(10, 6);
  const Map& map = c.Update();
  ASSERT_EQ(map.groups.size(), 2u);
  // comment 0: one camp all agree (10 of 10), the other all disagree (0 of 10)
  const CommentResult& first = map.comments[0];
  EXPECT_NEAR(first.group_informed_consensus, (11.0 / 12) * (1.0 / 12), 1e-12);
  EXPECT_EQ(first.agrees, 10);
  EXPECT_EQ(first.disagrees, 10);
}

TEST(Conversation, InConversationNeedsSevenVotesOrEveryComment) {
  Options options;
  options.min_in_conv = 3;  // keep the top-up small for this case
  Conversation c(options);
  for (int p = 0; p < 4; ++p) {
    for (int j = 0; j < 10; ++j) c.AddVote(p, j, j % 2 == 0 ? kA : kD);
  }
  for (int j = 0; j < 6; ++j) c.AddVote(50, j, kA);  // six votes: not enough
  const Map& map = c.Update();
  EXPECT_FALSE(map.in_conversation[static_cast<std::size_t>(*c.RowOf(50))]);
  EXPECT_EQ(map.group[static_cast<std::size_t>(*c.RowOf(50))], -1);
  EXPECT_TRUE(map.in_conversation[static_cast<std::size_t>(*c.RowOf(0))]);
}

TEST(Conversation, TopVotersAreAddedUntilFifteenAndMembershipSticks) {
  Conversation c;
  // Three comments: three votes are enough (min(7, 3)).
  for (int p = 0; p < 20; ++p) {
    for (int j = 0; j < (p < 5 ? 3 : 1); ++j) c.AddVote(p, j, kA);
  }
  const Map& first = c.Update();
  int in = 0;
  for (const bool b : first.in_conversation) in += b ? 1 : 0;
  EXPECT_EQ(in, 15);  // five by the rule, ten more as top voters (row order breaks ties)
  EXPECT_TRUE(first.in_conversation[static_cast<std::size_t>(*c.RowOf(14))]);
  EXPECT_FALSE(first.in_conversation[static_cast<std::size_t>(*c.RowOf(15))]);
  // Ten comments now: participant 0's three votes no longer reach min(7, 10), but it stays.
  for (int j = 3; j < 10; ++j) c.AddVote(100, j, kD);
  const Map& second = c.Update();
  EXPECT_TRUE(second.in_conversation[static_cast<std::size_t>(*c.RowOf(0))]);
}

TEST(Conversation, ALaterVoteReplacesTheEarlierOne) {
  Conversation c;
  c.AddVote(1, 1, kA);
  c.AddVote(1, 1, kD);
  c.AddVote(2, 1, kP);
  const Map& map = c.Update();
  EXPECT_EQ(map.votes, 2);
  ASSERT_EQ(map.comments.size(), 1u);
  EXPECT_EQ(map.comments[0].agrees, 0);
  EXPECT_EQ(map.comments[0].disagrees, 1);
  EXPECT_EQ(map.comments[0].passes, 1);
}

TEST(Conversation, ModeratedOutCommentsArePassesAndNeverRepresentative) {
  Conversation c = TwoCamps(10, 6);
  c.SetModeratedOut(0, true);
  const Map& map = c.Update();
  for (const Group& g : map.groups) {
    for (const Representative& r : g.representative) EXPECT_NE(r.comment, 0);
  }
  EXPECT_EQ(map.comments[0].priority, 0);
  // Raw counts still show the votes cast.
  EXPECT_EQ(map.comments[0].agrees, 10);
  for (const Id id : c.NextComments(999, 100)) EXPECT_NE(id, 0);
  c.SetMeta(2, true);
  EXPECT_EQ(c.Update().comments[2].priority, 49);
}

TEST(Conversation, CapsDropNewParticipantsAndComments) {
  Options options;
  options.max_participants = 2;
  options.max_comments = 2;
  Conversation c(options);
  EXPECT_TRUE(c.AddVote(1, 1, kA));
  EXPECT_TRUE(c.AddVote(2, 2, kA));
  EXPECT_FALSE(c.AddVote(3, 1, kA));
  EXPECT_FALSE(c.AddVote(1, 3, kA));
  EXPECT_TRUE(c.AddVote(2, 1, kD));
  EXPECT_EQ(c.Update().participants.size(), 2u);
}

TEST(Conversation, NextCommentsSkipsWhatWasAnsweredAndOffersNewOnes) {
  Conversation c = TwoCamps(10, 4);
  c.AddComment(77);  // nobody has voted on it yet
  c.Update();
  const std::vector<Id> next = c.NextComments(1, 10);
  EXPECT_EQ(next, (std::vector<Id>{77}));
  const std::vector<Id> newcomer = c.NextComments(555, 10);
  EXPECT_EQ(newcomer.size(), 5u);
  // Best first.
  const Map& map = c.map();
  for (std::size_t i = 0; i + 1 < newcomer.size(); ++i) {
    const auto priority = [&](Id id) {
      for (const auto& r : map.comments) {
        if (r.id == id) return r.priority;
      }
      return 5.0625;  // (1/2 * 1/2 * 9)^2 for a comment nobody has seen
    };
    EXPECT_GE(priority(newcomer[i]), priority(newcomer[i + 1]));
  }
  EXPECT_EQ(c.NextComments(555, 2).size(), 2u);
}

TEST(Conversation, DeclaredGroupsFindWhatEveryGroupAgreesWith) {
  Conversation c = TwoCamps(10, 6);
  const Map& map = c.Update();
  // Declared groups that cut across the camps: half of each camp in each.
  std::vector<int> declared(map.participants.size(), -1);
  for (std::size_t r = 0; r < map.participants.size(); ++r)
    declared[r] = static_cast<int>(map.participants[r] % 2);
  const DeclaredGroupsReport report = c.DeclaredGroups(declared);
  ASSERT_EQ(report.groups.size(), 2u);
  EXPECT_EQ(report.groups[0].size, 10);
  EXPECT_EQ(report.agreed_by_all, (std::vector<Id>{1, 3, 5}));
  EXPECT_TRUE(report.disagreed_by_all.empty());
  // With the camps as the declared groups, the figures are those of the opinion groups.
  const DeclaredGroupsReport same = c.DeclaredGroups(map.group);
  for (std::size_t j = 0; j < map.comments.size(); ++j) {
    EXPECT_DOUBLE_EQ(same.group_informed_consensus[j], map.comments[j].group_informed_consensus);
  }
  EXPECT_TRUE(same.agreed_by_all.size() == 3u);
}

TEST(Conversation, CountsKeptAcrossUpdatesEqualAFreshCount) {
  // Opinion-group counts are kept from update to update; they must equal a fresh count.
  std::mt19937_64 random(11);
  std::uniform_int_distribution<int> participant(0, 59);
  std::uniform_int_distribution<int> comment(0, 19);
  std::uniform_int_distribution<int> value(-1, 1);
  Conversation c;
  for (int step = 0; step < 30; ++step) {
    for (int v = 0; v < 60; ++v) {
      const int p = participant(random);
      const int j = comment(random);
      c.AddVote(p, j, static_cast<Vote>(p % 3 == 0 && j % 2 == 0 ? -1 : value(random)));
    }
    const Map& map = c.Update();
    const DeclaredGroupsReport fresh = c.DeclaredGroups(map.group);
    ASSERT_EQ(fresh.groups.size(), map.groups.size());
    for (std::size_t g = 0; g < map.groups.size(); ++g) {
      const auto& kept = map.groups[g].representative;
      const auto& counted = fresh.groups[g].representative;
      ASSERT_EQ(kept.size(), counted.size()) << "step " << step;
      for (std::size_t i = 0; i < kept.size(); ++i) {
        EXPECT_EQ(kept[i].comment, counted[i].comment);
        EXPECT_EQ(kept[i].n_success, counted[i].n_success);
        EXPECT_EQ(kept[i].n_trials, counted[i].n_trials);
      }
    }
    for (std::size_t j = 0; j < map.comments.size(); ++j) {
      EXPECT_DOUBLE_EQ(fresh.group_informed_consensus[j], map.comments[j].group_informed_consensus);
    }
    // Subgroups against the rest of their group, counted afresh the same way.
    for (const Group& g : map.groups) {
      std::vector<int> label(map.participants.size(), -1);
      for (std::size_t i = 0; i < g.subgroups.size(); ++i) {
        for (const int r : g.subgroups[i].members)
          label[static_cast<std::size_t>(r)] = static_cast<int>(i);
      }
      const DeclaredGroupsReport within = c.DeclaredGroups(label);
      ASSERT_EQ(within.groups.size(), g.subgroups.size());
      for (std::size_t i = 0; i < g.subgroups.size(); ++i) {
        const auto& kept = g.subgroups[i].representative;
        const auto& counted = within.groups[i].representative;
        ASSERT_EQ(kept.size(), counted.size()) << "step " << step;
        for (std::size_t k = 0; k < kept.size(); ++k) {
          EXPECT_EQ(kept[k].comment, counted[k].comment);
          EXPECT_EQ(kept[k].n_success, counted[k].n_success);
        }
      }
    }
  }
}

TEST(Conversation, SameVotesSameMap) {
  Conversation a = TwoCamps(15, 10);
  Conversation b = TwoCamps(15, 10);
  const Map& ma = a.Recompute();
  const Map& mb = b.Recompute();
  EXPECT_EQ(ma.group, mb.group);
  EXPECT_EQ(ma.positions, mb.positions);
}

TEST(Conversation, OneParticipant) {
  Conversation c;
  c.AddVote(1, 1, kA);
  c.AddVote(1, 2, kD);
  const Map& map = c.Update();
  ASSERT_EQ(map.participants.size(), 1u);
  EXPECT_TRUE(map.in_conversation[0]);
  EXPECT_EQ(map.groups.size(), 1u);
}

TEST(Conversation, GramAndRowPassesGiveTheSameMap) {
  Options rows_only;
  rows_only.gram_max_columns = 0;
  Conversation a;
  Conversation b(rows_only);
  // Three camps with some dissent, so that both components are well defined. The two ways
  // sum in different orders, and 100 iterations leave the second component near 1e-9.
  std::mt19937_64 random(2);
  std::bernoulli_distribution dissent(0.1);
  for (int p = 0; p < 45; ++p) {
    for (int j = 0; j < 12; ++j) {
      Vote v = (p % 3 == 0) == (j % 3 == 0) ? kA : (p % 3 == 1 && j % 2 == 0 ? kP : kD);
      if (dissent(random)) v = kP;
      a.AddVote(p, j, v);
      b.AddVote(p, j, v);
    }
  }
  const Map& ma = a.Recompute();
  const Map& mb = b.Recompute();
  EXPECT_EQ(ma.group, mb.group);
  for (std::size_t r = 0; r < ma.positions.size(); ++r) {
    EXPECT_NEAR(ma.positions[r][0], mb.positions[r][0], 1e-6);
    EXPECT_NEAR(ma.positions[r][1], mb.positions[r][1], 1e-6);
  }
}

TEST(AdjustedRandIndex, HandWorked) {
  EXPECT_DOUBLE_EQ(AdjustedRandIndex({0, 0, 1, 1}, {5, 5, 7, 7}), 1.0);
  // Unplaced items (-1) are left out.
  EXPECT_DOUBLE_EQ(AdjustedRandIndex({0, 0, 1, 1, -1}, {1, 1, 0, 0, 3}), 1.0);
  // {0,0,0,1,1,1} against {0,0,1,1,2,2}: pairs together in both 2, in each 6 and 3 of 15:
  // expected 6 * 3 / 15 = 1.2, maximum (6 + 3) / 2 = 4.5.
  EXPECT_NEAR(AdjustedRandIndex({0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 2, 2}), (2 - 1.2) / (4.5 - 1.2),
              1e-12);
}

}  // namespace
}  // namespace coproduce::opinion
