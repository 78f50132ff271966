#include "domain/votes.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "domain/demo.hpp"
#include "domain/forums.hpp"
#include "domain/partnerships.hpp"
#include "domain/sessions.hpp"
#include "domain/solutions.hpp"
#include "domain/testing/test_database.hpp"

namespace coproduce::domain {
namespace {

constexpr std::string_view kSecret = "a test ballot secret of 32 bytes";
constexpr int64_t kNow = 1'900'000'000;  // 2030-03-17, before the votes below open

using Fields = std::multimap<std::string, std::string>;

class VotesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SeedDemo(db(), 1'800'000'000);
    pid_ = FindPartnership(db(), kDemoSlug)->id;
    forum_ = ListForums(db(), pid_).at(0).id;
    facilitator_ = ActorFor("jordan.reid@example.org", Role::kFacilitator);
    member_ = ActorFor(kDemoMemberEmail, Role::kMember);
    Phase(Phase::kSolutions);
    const int64_t issue = db().Query("SELECT id FROM issues ORDER BY id LIMIT 1")[0].Int(0);
    for (const auto& [title, cost] : std::vector<std::pair<std::string, std::string>>{
             {"Minibus", "40,000"}, {"Befriending", "25,000"}, {"Carers' breaks", "30,000"}}) {
      const Outcome s = ProposeSolution(db(), kNow, member_, pid_, forum_,
                                        {title, "Details.", "", cost, {std::to_string(issue)}});
      EXPECT_TRUE(s.ok());
      solutions_.push_back(s.id);
    }
  }
  db::Connection& db() { return test_.db(); }
  Actor ActorFor(const std::string& email, Role role) {
    const db::Row r = db().Query("SELECT id, full_name FROM people WHERE email = $1", {email})[0];
    return {r.Int(0), r.Text(1), role, false};
  }
  void Phase(domain::Phase phase) {
    ASSERT_TRUE(
        SetForumPhase(db(), kNow, Actor::System(), pid_, forum_, std::string(ToString(phase)))
            .ok());
  }
  void ShortlistAll() {
    for (int64_t s : solutions_)
      ASSERT_TRUE(SetShortlisted(db(), kNow, facilitator_, pid_, s, true).ok());
  }
  VoteInput Input(std::string method, std::string weighting = "person") {
    return {"Which should come first?",
            std::move(method),
            "",
            "5",
            "10",
            "60,000",
            "members",
            std::move(weighting),
            "2030-04-01T09:00",
            "2030-04-08T17:00",
            false,
            {}};
  }
  // A vote set up and open: returns it; `now_` is inside its opening hours.
  Vote OpenVote(const std::string& method, const std::string& weighting = "person",
                const std::string& eligibility = "members") {
    ShortlistAll();
    Phase(Phase::kPrioritise);
    VoteInput input = Input(method, weighting);
    input.eligibility = eligibility;
    const Outcome created = CreateVote(db(), kNow, facilitator_, pid_, forum_, input, 7);
    EXPECT_TRUE(created.ok()) << (created.errors.empty() ? "" : created.errors[0].message);
    return *FindVote(db(), pid_, created.id);
  }
  int Count(const std::string& table) {
    return static_cast<int>(db().Query("SELECT count(*) FROM " + table)[0].Int(0));
  }
  // Adds a member who represents no organisation.
  Actor AddMember(int n) {
    const std::string email = "voter" + std::to_string(n) + "@example.org";
    const int64_t id = db().Query(
                               "INSERT INTO people (email, full_name, created_at) VALUES ($1, $1, "
                               "1) RETURNING id",
                               {email})[0]
                           .Int(0);
    db().Execute(
        "INSERT INTO memberships (person_id, partnership_id, role, created_at) VALUES ($1, $2, "
        "'member', 1)",
        {id, pid_});
    return {id, email, Role::kMember, false};
  }

  testing::TestDatabase test_;
  int64_t pid_ = 0;
  int64_t forum_ = 0;
  Actor facilitator_;
  Actor member_;
  std::vector<int64_t> solutions_;
  int64_t now_ = ParseUkTime("2030-04-02T12:00").value();
};

TEST(UkTimeTest, GreenwichInWinterAndBritishSummerTimeInSummer) {
  EXPECT_EQ(ParseUkTime("2030-01-15T12:00"), 1'894'708'800);  // 12:00 UTC
  EXPECT_EQ(ParseUkTime("2030-07-15T12:00"), 1'910'343'600);  // 11:00 UTC
  EXPECT_EQ(FormatUkTime(1'910'343'600), "2030-07-15 12:00");
  EXPECT_EQ(FormatUkTimeInput(1'894'708'800), "2030-01-15T12:00");
  // Clocks go forward at 01:00 UTC on Sunday 31 March 2030.
  EXPECT_EQ(FormatUkTime(*ParseUkTime("2030-03-31T00:59")), "2030-03-31 00:59");
  EXPECT_EQ(FormatUkTime(*ParseUkTime("2030-03-31T02:00")), "2030-03-31 02:00");
  EXPECT_EQ(*ParseUkTime("2030-03-31T02:00") - *ParseUkTime("2030-03-31T00:59"), 60);
  for (const char* bad : {"", "2030-02-30T10:00", "2030-13-01T10:00", "2030-01-01T24:00",
                          "2030-01-01", "01/02/2030 10:00", "2030-01-01T10:00Z"}) {
    EXPECT_FALSE(ParseUkTime(bad)) << bad;
  }
}

TEST_F(VotesTest, SettingUpAVoteNeedsThePrioritisePhaseAShortlistAndGoodAnswers) {
  EXPECT_EQ(CreateVote(db(), kNow, facilitator_, pid_, forum_, Input("schulze"), 1).status,
            Outcome::Status::kConflict);  // still in solutions
  Phase(Phase::kPrioritise);
  const Outcome no_shortlist =
      CreateVote(db(), kNow, facilitator_, pid_, forum_, Input("schulze"), 1);
  ASSERT_EQ(no_shortlist.status, Outcome::Status::kConflict);
  EXPECT_NE(no_shortlist.errors[0].message.find("at least two"), std::string::npos);
  ShortlistAll();
  EXPECT_EQ(CreateVote(db(), kNow, member_, pid_, forum_, Input("schulze"), 1).status,
            Outcome::Status::kDenied);
  VoteInput bad = Input("dictator");
  bad.title = "";
  bad.seats = "4";
  bad.eligibility = "everyone";
  bad.opens_at = "tomorrow";
  bad.closes_at = "2030-01-01T10:00";
  const Outcome invalid = CreateVote(db(), kNow, facilitator_, pid_, forum_, bad, 1);
  ASSERT_EQ(invalid.status, Outcome::Status::kInvalid);
  EXPECT_EQ(invalid.errors.size(), 6u);  // title, method, seats, eligibility, opens, closes
  const Outcome stv =
      CreateVote(db(), kNow, facilitator_, pid_, forum_, Input("stv-scottish", "sector"), 1);
  ASSERT_EQ(stv.status, Outcome::Status::kInvalid);
  EXPECT_EQ(stv.errors[0].field, "weighting");
  EXPECT_EQ(Count("votes"), 0);
  const Outcome ok = CreateVote(db(), kNow, facilitator_, pid_, forum_, Input("pb-mes"), 1);
  ASSERT_TRUE(ok.ok());
  const Vote vote = *FindVote(db(), pid_, ok.id);
  ASSERT_EQ(vote.options.size(), 3u);
  EXPECT_EQ(vote.options[0].title, "Minibus");
  EXPECT_EQ(vote.options[0].cost_pence, 4'000'000);
  EXPECT_EQ(vote.budget_pence, 6'000'000);
  EXPECT_FALSE(vote.IsOpen(kNow));
  EXPECT_TRUE(vote.IsOpen(now_));
}

TEST_F(VotesTest, BallotsAreCheckedAndOnlyCountedWhileTheVoteIsOpen) {
  const Vote vote = OpenVote("irv");
  const Fields ranked = {{"o0", "2"}, {"o1", "1"}, {"o2", ""}};
  EXPECT_EQ(CastBallot(db(), kNow, member_, pid_, vote.id, ranked, 0, kSecret).outcome.status,
            Outcome::Status::kConflict);  // not open yet
  EXPECT_EQ(
      CastBallot(db(), vote.closes_at, member_, pid_, vote.id, ranked, 0, kSecret).outcome.status,
      Outcome::Status::kConflict);  // closed
  EXPECT_EQ(CastBallot(db(), now_, Actor{}, pid_, vote.id, ranked, 0, kSecret).outcome.status,
            Outcome::Status::kDenied);
  for (const Fields& bad : {Fields{{"o0", "1"}, {"o1", "1"}},  // IRV cannot count ties
                            Fields{{"o0", "4"}}, Fields{{"o0", "x"}}, Fields{}}) {
    const CastResult r = CastBallot(db(), now_, member_, pid_, vote.id, bad, 0, kSecret);
    EXPECT_EQ(r.outcome.status, Outcome::Status::kInvalid);
    EXPECT_FALSE(r.outcome.errors.at(0).message.empty());
  }
  EXPECT_EQ(CastBallot(db(), now_, member_, pid_, vote.id, ranked, 999, kSecret).outcome.status,
            Outcome::Status::kInvalid);  // an organisation Sam does not represent
  EXPECT_EQ(Count("ballots"), 0);
  EXPECT_EQ(Count("vote_voters"), 0);
  EXPECT_EQ(CastBallot(db(), now_, member_, pid_, 999, ranked, 0, kSecret).outcome.status,
            Outcome::Status::kNotFound);
}

TEST_F(VotesTest, ARepeatedBallotChangesNothingAndAChangedOneReplacesIt) {
  const Vote vote = OpenVote("schulze");
  const Fields first = {{"o0", "1"}, {"o1", "2"}, {"o2", "2"}};
  const CastResult a = CastBallot(db(), now_, member_, pid_, vote.id, first, 0, kSecret);
  ASSERT_TRUE(a.outcome.ok());
  EXPECT_EQ(a.receipt.size(), 14u);  // XXXX-XXXX-XXXX
  const CastResult again = CastBallot(db(), now_, member_, pid_, vote.id, first, 0, kSecret);
  EXPECT_EQ(again.receipt, a.receipt);
  EXPECT_FALSE(again.replaced);
  EXPECT_EQ(Count("ballots"), 1);
  EXPECT_TRUE(HasVoted(db(), vote, member_.person_id, 0));
  EXPECT_EQ(CurrentBallot(db(), vote, member_.person_id, 0, kSecret), first);

  const Fields second = {{"o2", "1"}};
  const CastResult b = CastBallot(db(), now_, member_, pid_, vote.id, second, 0, kSecret);
  ASSERT_TRUE(b.outcome.ok());
  EXPECT_TRUE(b.replaced);
  EXPECT_NE(b.receipt, a.receipt);
  EXPECT_EQ(Count("ballots"), 1);
  EXPECT_EQ(Count("vote_voters"), 1);
  EXPECT_EQ(LookUpReceipt(db(), vote.id, b.receipt), ReceiptStatus::kIncluded);
  EXPECT_EQ(LookUpReceipt(db(), vote.id, a.receipt), ReceiptStatus::kReplaced);
  std::string typed = b.receipt;  // as a person might type it: lower case, no dashes
  std::erase(typed, '-');
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(LookUpReceipt(db(), vote.id, typed), ReceiptStatus::kIncluded);
  EXPECT_EQ(LookUpReceipt(db(), vote.id, "0000-0000-0000"), ReceiptStatus::kUnknown);
}

TEST_F(VotesTest, WhoVotedAndWhatWasVotedShareNothing) {
  const Vote vote = OpenVote("approval");
  ASSERT_TRUE(
      CastBallot(db(), now_, member_, pid_, vote.id, {{"o1", "yes"}}, 0, kSecret).outcome.ok());
  const auto columns = [&](const std::string& table) {
    std::set<std::string> out;
    const std::string sql =
        db().Engine() == "sqlite"
            ? "SELECT name FROM pragma_table_info($1)"
            : "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND "
              "table_schema = current_schema()";
    for (const db::Row& r : db().Query(sql, {table})) {
      out.insert(r.Text(0));
    }
    return out;
  };
  const auto voters = columns("vote_voters");
  const auto ballots = columns("ballots");
  EXPECT_EQ(voters, (std::set<std::string>{"vote_id", "person_id", "organisation_id"}));
  for (const std::string& c : ballots) {
    EXPECT_TRUE(c == "vote_id" || !voters.contains(c)) << c;
    EXPECT_EQ(c.find("person"), std::string::npos) << c;
    EXPECT_EQ(c.find("_at"), std::string::npos) << c;  // no timestamps to line up
  }
  // The slot is a keyed hash: another secret gives another slot, so the tables alone cannot
  // be joined by recomputing it.
  const std::string slot = db().Query("SELECT slot FROM ballots")[0].Text(0);
  EXPECT_EQ(CurrentBallot(db(), vote, member_.person_id, 0, kSecret).size(), 1u);
  EXPECT_TRUE(
      CurrentBallot(db(), vote, member_.person_id, 0, "another secret of 32 bytes!!").empty());
  EXPECT_EQ(slot.size(), 64u);
}

TEST_F(VotesTest, OnePerOrganisationGivesAnOrganisationOneBallot) {
  const Vote vote = OpenVote("plurality", "person", "organisations");
  const auto standings = StandingsOf(db(), pid_, member_.person_id);
  ASSERT_EQ(standings.size(), 1u);
  const int64_t org = standings[0].organisation_id;
  // A second representative of Sam's organisation.
  const Actor colleague = AddMember(1);
  db().Execute(
      "INSERT INTO representations (person_id, organisation_id, role, starts_on, created_at) "
      "VALUES ($1, $2, 'Trustee', '2025-01-01', 1)",
      {colleague.person_id, org});
  ASSERT_TRUE(
      CastBallot(db(), now_, member_, pid_, vote.id, {{"choice", "0"}}, 0, kSecret).outcome.ok());
  const CastResult second =
      CastBallot(db(), now_, colleague, pid_, vote.id, {{"choice", "2"}}, 0, kSecret);
  ASSERT_TRUE(second.outcome.ok());
  EXPECT_TRUE(second.replaced);  // the organisation's ballot, changed by its other representative
  EXPECT_EQ(Count("ballots"), 1);
  EXPECT_TRUE(HasVoted(db(), vote, 0, org));
  const Actor loner = AddMember(2);
  EXPECT_EQ(
      CastBallot(db(), now_, loner, pid_, vote.id, {{"choice", "0"}}, 0, kSecret).outcome.status,
      Outcome::Status::kConflict);
  const StoredBallots stored = LoadBallots(db(), vote);
  ASSERT_EQ(stored.election.ballots.size(), 1u);
  EXPECT_EQ(stored.election.ballots[0].organisation, std::to_string(org));
  EXPECT_EQ(CountVote(vote, stored).winners, (std::vector<std::string>{"Carers' breaks"}));
}

TEST_F(VotesTest, PaperBallotsAreEnteredByFacilitatorsWithTheVotersSector) {
  const Vote vote = OpenVote("score", "sector");
  EXPECT_EQ(EnterPaperBallot(db(), now_, member_, pid_, vote.id, {{"o0", "3"}}, "third", 0)
                .outcome.status,
            Outcome::Status::kDenied);
  const CastResult bad =
      EnterPaperBallot(db(), now_, facilitator_, pid_, vote.id, {{"o0", "11"}}, "nobody", 0);
  ASSERT_EQ(bad.outcome.status, Outcome::Status::kInvalid);
  EXPECT_EQ(bad.outcome.errors.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const CastResult paper = EnterPaperBallot(db(), now_, facilitator_, pid_, vote.id,
                                              {{"o0", "2"}, {"o1", "9"}}, "statutory", 0);
    ASSERT_TRUE(paper.outcome.ok());
    EXPECT_FALSE(paper.receipt.empty());
  }
  EXPECT_EQ(Count("ballots"), 2);  // each paper is its own ballot, even when identical
  ASSERT_TRUE(
      CastBallot(db(), now_, member_, pid_, vote.id, {{"o0", "10"}, {"o1", "0"}}, 0, kSecret)
          .outcome.ok());
  const StoredBallots stored = LoadBallots(db(), vote);
  EXPECT_EQ(stored.paper, 2);
  EXPECT_EQ(stored.voters, 3);
  // Equal per sector: Sam's third-sector ballot weighs as much as the two statutory papers
  // together. Minibus: (10 + 2/2 + 2/2) / 2 = 6; Befriending: (0 + 9/2 + 9/2) / 2 = 4.5.
  const tally::Result result = CountVote(vote, stored);
  ASSERT_EQ(result.winners.size(), 1u);
  EXPECT_EQ(result.winners[0], "Minibus");
  const Vote per_person = [&] {
    Vote v = vote;
    v.weighting = "person";
    return v;
  }();
  // One vote each: Befriending (0 + 9 + 9) / 3 = 6 beats Minibus (10 + 2 + 2) / 3 = 4.67.
  EXPECT_EQ(CountVote(per_person, stored).winners[0], "Befriending");
}

TEST_F(VotesTest, EqualSharesFundsWhatFitsTheBudget) {
  const Vote vote = OpenVote("pb-mes");
  for (int i = 0; i < 6; ++i) {
    const Actor voter = AddMember(10 + i);
    const Fields ballot = i < 4 ? Fields{{"o0", "yes"}, {"o1", "yes"}} : Fields{{"o2", "yes"}};
    ASSERT_TRUE(CastBallot(db(), now_, voter, pid_, vote.id, ballot, 0, kSecret).outcome.ok());
  }
  const tally::Result result = CountVote(vote, LoadBallots(db(), vote));
  // £60,000 over 6 voters: four back the minibus and befriending, two carers' breaks. Whatever
  // is funded must fit the budget, and projects are reported by their ids (position + 1).
  int64_t spent = 0;
  for (const std::string& id : result.winners)
    spent += vote.options.at(std::stoi(id) - 1).cost_pence.value();
  EXPECT_LE(spent, 6'000'000);
  EXPECT_FALSE(result.winners.empty());
  EXPECT_EQ(result.explanation["rule"], "equal shares");
}

TEST_F(VotesTest, ASessionVoteIsForThoseWithAPlaceAtTheChosenSessions) {
  const int64_t session = CreateForumSession(db(), kNow, facilitator_, pid_, forum_,
                                             {"Forum day", "in-person", "Eastfield Hall", "",
                                              "2030-03-20T10:00", "2030-03-20T15:00", "40"})
                              .id;
  ASSERT_TRUE(Register(db(), kNow, member_, pid_, session, {}, "http://x").outcome.ok());
  ShortlistAll();
  Phase(Phase::kPrioritise);
  VoteInput input = Input("approval");
  input.eligibility = "sessions";
  EXPECT_EQ(CreateVote(db(), kNow, facilitator_, pid_, forum_, input, 1).status,
            Outcome::Status::kInvalid);  // no session chosen
  input.session_ids = {std::to_string(session)};
  const Outcome created = CreateVote(db(), kNow, facilitator_, pid_, forum_, input, 1);
  ASSERT_TRUE(created.ok());
  const Vote vote = *FindVote(db(), pid_, created.id);
  EXPECT_EQ(vote.session_ids, (std::vector<int64_t>{session}));
  EXPECT_TRUE(
      CastBallot(db(), now_, member_, pid_, vote.id, {{"o0", "yes"}}, 0, kSecret).outcome.ok());
  const Actor absent = AddMember(1);
  EXPECT_EQ(
      CastBallot(db(), now_, absent, pid_, vote.id, {{"o0", "yes"}}, 0, kSecret).outcome.status,
      Outcome::Status::kConflict);
  EXPECT_EQ(Count("ballots"), 1);
}

// 200 voters submit at once, each twice (a double click): exactly 200 ballots are stored.
TEST_F(VotesTest, TwoHundredVotersAtOnceStoreTwoHundredBallots) {
  const Vote vote = OpenVote("approval");
  std::vector<Actor> voters;
  voters.reserve(200);
  for (int i = 0; i < 200; ++i) voters.push_back(AddMember(100 + i));
  constexpr int kThreads = 8;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto connection = test_.Open();
      for (std::size_t i = static_cast<std::size_t>(t); i < voters.size(); i += kThreads) {
        const Fields ballot = {{"o" + std::to_string(i % 3), "yes"}};
        for (int repeat = 0; repeat < 2; ++repeat) {
          // Each thread acts as a request: on PostgreSQL a cast that loses to another
          // transaction runs again, as App::Handle does.
          const auto cast = [&] {
            return CastBallot(*connection, now_, voters[i], pid_, vote.id, ballot, 0, kSecret);
          };
          if (!db::RetryOnBusy(cast).outcome.ok()) {
            ++failures;
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count("ballots"), 200);
  EXPECT_EQ(Count("vote_voters"), 200);
  EXPECT_EQ(LoadBallots(db(), vote).voters, 200);
}

}  // namespace
}  // namespace coproduce::domain
