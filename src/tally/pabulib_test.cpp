#include "tally/pabulib.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace coproduce::tally {
namespace {

BudgetInstance Ok(std::variant<BudgetInstance, ParseError> parsed) {
  if (const auto* error = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << error->ToString();
    return {};
  }
  return std::move(std::get<BudgetInstance>(parsed));
}

ParseError Err(const std::variant<BudgetInstance, ParseError>& parsed) {
  if (const auto* error = std::get_if<ParseError>(&parsed)) return *error;
  ADD_FAILURE() << "expected a parse error";
  return {};
}

void ExpectSameInstance(const BudgetInstance& a, const BudgetInstance& b) {
  EXPECT_EQ(a.budget, b.budget);
  EXPECT_EQ(a.vote_type, b.vote_type);
  EXPECT_EQ(a.meta, b.meta);
  ASSERT_EQ(a.projects.size(), b.projects.size());
  for (std::size_t i = 0; i < a.projects.size(); ++i) {
    EXPECT_EQ(a.projects[i].id, b.projects[i].id);
    EXPECT_EQ(a.projects[i].name, b.projects[i].name);
    EXPECT_EQ(a.projects[i].cost, b.projects[i].cost);
    EXPECT_EQ(a.projects[i].fields, b.projects[i].fields);
  }
  ASSERT_EQ(a.ballots.size(), b.ballots.size());
  for (std::size_t i = 0; i < a.ballots.size(); ++i) {
    EXPECT_EQ(a.ballots[i].ranking, b.ballots[i].ranking) << "ballot " << i;
    EXPECT_EQ(a.ballots[i].scores, b.ballots[i].scores) << "ballot " << i;
    EXPECT_EQ(a.ballots[i].multiplicity, b.ballots[i].multiplicity) << "ballot " << i;
  }
}

const std::string kApproval =
    "\xEF\xBB\xBFMETA\r\n"
    "key;value\r\n"
    "description;\"A test; with a semicolon\"\r\n"
    "budget;1000,50\r\n"
    "vote_type;approval\r\n"
    "rule;greedy\r\n"
    "PROJECTS\r\n"
    "project_id;cost;votes;name;category;selected\r\n"
    "1;500,25;3;\"Park \"\"Zielony\"\"; phase 2\";none;1\r\n"
    "2;400;2;\"Two\nlines\";roads;0\r\n"
    "3;100;0;Plain;None;0\r\n"
    "\r\n"
    "VOTES\r\n"
    "voter_id;vote;age;sex\r\n"
    "a;1,2;30;F\r\n"
    "b;2,1;40;M\r\n"
    "c;1;50;\r\n"
    "d;;20;F\r\n";

TEST(Pabulib, ReadsQuotingDecimalCommasAndNone) {
  const BudgetInstance& instance = Ok(ReadPabulib(kApproval, "test.pb"));
  EXPECT_EQ(instance.budget, "1000.50");
  EXPECT_EQ(instance.vote_type, "approval");
  EXPECT_EQ(instance.meta.at("description"), "A test; with a semicolon");
  EXPECT_EQ(instance.meta.at("budget"), "1000,50");  // META is kept as written
  ASSERT_EQ(instance.projects.size(), 3u);
  EXPECT_EQ(instance.projects[0].id, "1");
  EXPECT_EQ(instance.projects[0].cost, "500.25");
  EXPECT_EQ(instance.projects[0].name, "Park \"Zielony\"; phase 2");
  EXPECT_EQ(instance.projects[0].fields.count("category"), 0u);  // none means absent
  EXPECT_EQ(instance.projects[0].fields.at("selected"), "1");
  EXPECT_EQ(instance.projects[0].fields.at("votes"), "3");
  EXPECT_EQ(instance.projects[1].name, "Two\nlines");
  EXPECT_EQ(instance.projects[1].fields.at("category"), "roads");
  EXPECT_EQ(instance.projects[2].fields.count("category"), 0u);  // "None" too
}

TEST(Pabulib, AggregatesIdenticalApprovalBallotsInAnyOrder) {
  const BudgetInstance& instance = Ok(ReadPabulib(kApproval, "test.pb"));
  ASSERT_EQ(instance.ballots.size(), 3u);
  EXPECT_EQ(instance.ballots[0].ranking, (Ranking{{0, 1}}));
  EXPECT_EQ(instance.ballots[0].multiplicity, 2);
  EXPECT_EQ(instance.ballots[1].ranking, (Ranking{{0}}));
  EXPECT_EQ(instance.ballots[2].ranking, (Ranking{{}}));  // empty vote
  EXPECT_EQ(instance.ballots[2].multiplicity, 1);
}

std::string Header(const std::string& vote_type, const std::string& votes_header) {
  return "META\nkey;value\nbudget;100\nvote_type;" + vote_type +
         "\nPROJECTS\nproject_id;cost\nA;10\nB;20\nC;30\nVOTES\n" + votes_header + "\n";
}

TEST(Pabulib, ReadsCumulativePointsIntoScores) {
  const BudgetInstance& instance = Ok(ReadPabulib(
      Header("cumulative", "voter_id;vote;points") + "1;A,C;2,1\n2;C,A;1,2\n3;B;3\n", "c.pb"));
  ASSERT_EQ(instance.ballots.size(), 2u);
  EXPECT_EQ(instance.ballots[0].scores, (std::map<int, int64_t>{{0, 2}, {2, 1}}));
  EXPECT_EQ(instance.ballots[0].multiplicity, 2);
  EXPECT_TRUE(instance.ballots[0].ranking.empty());
  EXPECT_EQ(instance.ballots[1].scores, (std::map<int, int64_t>{{1, 3}}));
}

TEST(Pabulib, ReadsOrdinalBestFirstAndChooseOne) {
  const BudgetInstance& ordinal =
      Ok(ReadPabulib(Header("ordinal", "voter_id;vote") + "1;C,A,B\n2;A,C\n3;C,A,B\n", "o.pb"));
  ASSERT_EQ(ordinal.ballots.size(), 2u);
  EXPECT_EQ(ordinal.ballots[0].ranking, (Ranking{{2}, {0}, {1}}));
  EXPECT_EQ(ordinal.ballots[0].multiplicity, 2);
  EXPECT_EQ(ordinal.ballots[1].ranking, (Ranking{{0}, {2}}));

  const BudgetInstance& choose =
      Ok(ReadPabulib(Header("choose-1", "voter_id;vote") + "1;B\n2;B\n", "c1.pb"));
  ASSERT_EQ(choose.ballots.size(), 1u);
  EXPECT_EQ(choose.ballots[0].ranking, (Ranking{{1}}));
  EXPECT_EQ(choose.ballots[0].multiplicity, 2);
}

// Ids that are plain numbers are looked up by value, others by text; "01" and "1" are
// different projects, and an id is found however the vote spaces it.
TEST(Pabulib, FindsProjectsByNumberAndByText) {
  const std::string text =
      "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
      "1;10\n01;10\nA;10\n900000000;10\n0;10\nVOTES\nvoter_id;vote\n"
      "1;01,1\n2;1 ,\t01\n3;900000000,A,0\n4; A ,0,900000000,\n";
  const BudgetInstance& instance = Ok(ReadPabulib(text, "ids.pb"));
  ASSERT_EQ(instance.ballots.size(), 2u);
  EXPECT_EQ(instance.ballots[0].ranking, (Ranking{{0, 1}}));
  EXPECT_EQ(instance.ballots[0].multiplicity, 2);
  EXPECT_EQ(instance.ballots[1].ranking, (Ranking{{2, 3, 4}}));
  EXPECT_EQ(instance.ballots[1].multiplicity, 2);

  const std::string unknown[] = {"02", "2", "00", "1 1", "900000001"};
  for (const std::string& id : unknown) {
    std::string with_vote = text;
    with_vote += "5;1," + id + "\n";
    const ParseError error = Err(ReadPabulib(with_vote, "ids.pb"));
    EXPECT_EQ(error.line, 18) << id;
    EXPECT_EQ(error.message, "The vote names project \"" + id + "\", which is not in PROJECTS.");
  }
}

// Beyond a few thousand projects an approval vote is sorted rather than put on a bitmap.
TEST(Pabulib, AggregatesApprovalBallotsWithManyProjects) {
  std::string text = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n";
  for (int id = 1; id <= 5000; ++id) text += std::to_string(id) + ";1\n";
  text += "VOTES\nvoter_id;vote\n1;4999,3,4500\n2;3,4500,4999\n3;4500\n";
  const BudgetInstance& instance = Ok(ReadPabulib(text, "many.pb"));
  ASSERT_EQ(instance.ballots.size(), 2u);
  EXPECT_EQ(instance.ballots[0].ranking, (Ranking{{2, 4499, 4998}}));
  EXPECT_EQ(instance.ballots[0].multiplicity, 2);
  EXPECT_EQ(instance.ballots[1].ranking, (Ranking{{4499}}));
}

struct BadCase {
  const char* name;
  std::string text;
  int line;
  const char* words;  // part of the message
};

TEST(Pabulib, ReportsMalformedFilesWithTheirLine) {
  const std::string meta = "META\nkey;value\nbudget;100\nvote_type;approval\n";
  const std::string projects = "PROJECTS\nproject_id;cost\nA;10\nB;20\n";
  const BadCase cases[] = {
      {"empty", "", 0, "empty"},
      {"no META", "PROJECTS\nproject_id;cost\n", 1, "META"},
      {"no PROJECTS", meta, 0, "PROJECTS"},
      {"no VOTES", meta + projects, 0, "VOTES"},
      {"no VOTES header", meta + projects + "VOTES\n", 9, "header"},
      {"no budget", "META\nkey;value\nvote_type;approval\n" + projects + "VOTES\nvoter_id;vote\n",
       1, "budget"},
      {"bad vote_type", "META\nkey;value\nbudget;1\nvote_type;magic\n" + projects, 4, "vote_type"},
      {"no cost column", meta + "PROJECTS\nproject_id;price\nA;1\nVOTES\nvoter_id;vote\n", 6,
       "cost"},
      {"bad cost", meta + "PROJECTS\nproject_id;cost\nA;12k\nVOTES\nvoter_id;vote\n", 7, "12k"},
      {"bad budget", "META\nkey;value\nbudget;-5\nvote_type;approval\n" + projects, 3, "budget"},
      {"duplicate id", meta + "PROJECTS\nproject_id;cost\nA;1\nA;2\nVOTES\nvoter_id;vote\n", 8,
       "twice"},
      {"unknown project", meta + projects + "VOTES\nvoter_id;vote\n1;A\n2;A,Z\n", 12, "\"Z\""},
      {"repeated project", meta + projects + "VOTES\nvoter_id;vote\n1;A,B,A\n", 11, "twice"},
      {"no vote column", meta + projects + "VOTES\nvoter_id;ballot\n", 10, "vote column"},
      {"no points column",
       "META\nkey;value\nbudget;1\nvote_type;cumulative\n" + projects + "VOTES\nvoter_id;vote\n",
       10, "points"},
      {"points mismatch",
       "META\nkey;value\nbudget;1\nvote_type;cumulative\n" + projects +
           "VOTES\nvoter_id;vote;points\n1;A,B;3\n",
       11, "points"},
      {"bad points",
       "META\nkey;value\nbudget;1\nvote_type;scoring\n" + projects +
           "VOTES\nvoter_id;vote;points\n1;A;1.5\n",
       11, "whole number"},
      {"unterminated quote", meta + projects + "VOTES\nvoter_id;vote\n1;\"A\n", 11, "quoted"},
      {"shifted columns", meta + "PROJECTS\nproject_id;cost\nA;1;x\nVOTES\nvoter_id;vote\n", 7,
       "fields"},
      {"section after VOTES", meta + projects + "VOTES\nvoter_id;vote\nMETA\n", 11, "last"},
  };
  for (const BadCase& c : cases) {
    const ParseError error = Err(ReadPabulib(c.text, "bad.pb"));
    EXPECT_EQ(error.file, "bad.pb") << c.name;
    EXPECT_EQ(error.line, c.line) << c.name << ": " << error.message;
    EXPECT_NE(error.message.find(c.words), std::string::npos) << c.name << ": " << error.message;
  }
}

TEST(Pabulib, WriterOutputReadsBackToTheSameInstance) {
  const std::string texts[] = {
      kApproval,
      Header("cumulative", "voter_id;vote;points") + "1;A,C;2,1\n2;C,A;1,2\n3;B;3\n4;;\n",
      Header("ordinal", "voter_id;vote") + "1;C,A,B\n2;A,C\n3;C,A,B\n",
      Header("scoring", "voter_id;vote;points") + "1;A,B;-1,5\n",
  };
  for (const std::string& text : texts) {
    const BudgetInstance& first = Ok(ReadPabulib(text, "a.pb"));
    const std::string written = WritePabulib(first);
    const BudgetInstance& second = Ok(ReadPabulib(written, "b.pb"));
    ExpectSameInstance(first, second);
  }
}

TEST(Pabulib, WriterQuotesWhatNeedsQuoting) {
  BudgetInstance instance;
  instance.budget = "10";
  instance.vote_type = "approval";
  instance.meta["VOTES"] = "";  // a key that would read as a section line
  instance.meta["note"] = " padded; \"quoted\"\nnext line ";
  instance.projects.push_back({"p;1", "Name \"x\"", "5.5", {{"selected", "1"}, {"x", ""}}});
  instance.projects.push_back({"META", "", "4", {}});
  Ballot ballot;
  ballot.ranking = {{0, 1}};
  ballot.multiplicity = 3;
  instance.ballots.push_back(ballot);
  const BudgetInstance& read = Ok(ReadPabulib(WritePabulib(instance), "q.pb"));
  BudgetInstance expected = instance;
  expected.meta["budget"] = "10";
  expected.meta["vote_type"] = "approval";
  ExpectSameInstance(expected, read);
  EXPECT_EQ(read.meta.at("note"), " padded; \"quoted\"\nnext line ");
  EXPECT_EQ(read.projects[0].id, "p;1");
  EXPECT_EQ(read.projects[0].fields.at("x"), "");
  EXPECT_EQ(read.projects[1].fields.count("selected"), 0u);
  EXPECT_EQ(read.ballots[0].multiplicity, 3);
}

std::filesystem::path SharedPabulib() {
  return std::filesystem::path(COPRODUCE_SHARED_DATA) / "votes" / "pabulib";
}

TEST(Pabulib, ReadsAndRoundTripsTheSharedFiles) {
  if (!std::filesystem::is_directory(SharedPabulib())) {
    GTEST_SKIP() << "The shared Pabulib folder " << SharedPabulib() << " is absent.";
  }
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SharedPabulib())) {
    if (entry.path().extension() != ".pb") continue;
    ++files;
    const BudgetInstance& instance = Ok(ReadPabulibFile(entry.path()));
    int64_t voters = 0;
    for (const Ballot& ballot : instance.ballots) voters += ballot.multiplicity;
    EXPECT_EQ(std::to_string(voters), instance.meta.at("num_votes")) << entry.path();
    EXPECT_EQ(std::to_string(instance.projects.size()), instance.meta.at("num_projects"))
        << entry.path();
    const BudgetInstance& again = Ok(ReadPabulib(WritePabulib(instance), "written.pb"));
    ExpectSameInstance(instance, again);
  }
  EXPECT_GT(files, 0);
}

TEST(Pabulib, MissingFileIsAnError) {
  const ParseError error = Err(ReadPabulibFile("/nonexistent/file.pb"));
  EXPECT_EQ(error.line, 0);
  EXPECT_NE(error.message.find("cannot be opened"), std::string::npos);
}

}  // namespace
}  // namespace coproduce::tally
