// Votes: setting one up, the ballot, the receipt and its check, paper ballots, the results
// with a chart and breakdowns, and the anonymised ballots for a recount.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include "domain/forums.hpp"
#include "domain/partnerships.hpp"
#include "domain/permissions.hpp"
#include "domain/security.hpp"
#include "domain/sessions.hpp"
#include "domain/solutions.hpp"
#include "domain/votes.hpp"
#include "tally/ballot_csv.hpp"
#include "tally/blt.hpp"
#include "tally/pabulib.hpp"
#include "tally/preflib.hpp"
#include "web/app.hpp"
#include "web/charts.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

using domain::BallotKind;
using Fields = std::multimap<std::string, std::string>;

std::string VotePath(const Context& ctx, int64_t id) {
  return "/p/" + ctx.partnership->slug + "/votes/" + std::to_string(id);
}

std::optional<domain::Vote> FindVoteOf(Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return std::nullopt;
  return domain::FindVote(ctx.db, ctx.partnership->id, *id);
}

Fields FormFields(const http::Form& form) {
  Fields out;
  for (const auto& [name, value] : form.fields()) out.emplace(name, value);
  return out;
}

std::string FieldOf(const Fields& fields, const std::string& name) {
  const auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}

// ---- Setting up a vote ----------------------------------------------------------------------

http::Response VoteForm(App& app, Context& ctx, int status, const domain::Forum& forum,
                        const domain::VoteInput& in, const domain::FieldErrors& errors) {
  Data data;
  data.set("forum_id", std::to_string(forum.id));
  data.set("forum_title", forum.title);
  data.set("title", in.title);
  data.set("seats", in.seats);
  data.set("dots", in.dots);
  data.set("max_score", in.max_score);
  data.set("budget", in.budget);
  data.set("opens_at", in.opens_at);
  data.set("closes_at", in.closes_at);
  data.set("live_results", in.live_results);
  List methods;
  for (const auto& m : domain::VoteMethods()) {
    Data item;
    item.set("value", std::string(m.name));
    item.set("label", std::string(m.label));
    item.set("hint", std::string(m.explanation));
    item.set("checked", in.method == m.name);
    methods.push_back(item);
  }
  data.set("methods", methods);
  const auto radios = [](const std::vector<std::pair<std::string, std::string>>& choices,
                         const std::string& chosen) {
    List out;
    for (const auto& [value, label] : choices) {
      Data item;
      item.set("value", value);
      item.set("label", label);
      item.set("checked", value == chosen);
      out.push_back(item);
    }
    return out;
  };
  data.set("eligibilities", radios({{"members", "Every member of the partnership"},
                                    {"organisations", "One ballot per member organisation"}},
                                   in.eligibility));
  data.set("weightings",
           radios({{"person", "One vote per person"},
                   {"organisation", "One vote per organisation, shared by its members"},
                   {"sector", "Each sector counts the same, whatever its number of voters"}},
                  in.weighting));
  List shortlist;
  for (const auto& s : domain::ListSolutions(ctx.db, ctx.partnership->id, forum.id)) {
    if (!s.shortlisted) continue;
    Data item;
    item.set("title", s.title);
    item.set("cost", s.cost_pence ? domain::FormatPounds(*s.cost_pence) : std::string("no cost"));
    shortlist.push_back(item);
  }
  data.set("shortlist", shortlist);
  AddErrors(data, errors);
  return app.Page(ctx, status, "vote_form", "Set up a vote", std::move(data));
}

http::Response GetNew(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kManageForums)) return app.Denied(ctx);
  const auto id = ParseId(ctx.request.Param("id"));
  const auto forum = id ? domain::FindForum(ctx.db, ctx.partnership->id, *id) : std::nullopt;
  if (!forum) return app.Error(ctx, 404);
  domain::VoteInput defaults;
  defaults.method = "schulze";
  defaults.eligibility = "members";
  defaults.weighting = "person";
  defaults.opens_at = domain::FormatUkTimeInput(ctx.now - ctx.now % 3600 + 3600);
  defaults.closes_at = domain::FormatUkTimeInput(ctx.now - ctx.now % 3600 + int64_t{8} * 86400);
  return VoteForm(app, ctx, 200, *forum, defaults, {});
}

http::Response PostNew(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  const auto forum = id ? domain::FindForum(ctx.db, ctx.partnership->id, *id) : std::nullopt;
  if (!forum) return app.Error(ctx, 404);
  const http::Form& f = ctx.form;
  const domain::VoteInput input{f.Get("title"),
                                f.Get("method"),
                                f.Get("seats"),
                                f.Get("dots"),
                                f.Get("max_score"),
                                f.Get("budget"),
                                f.Get("eligibility"),
                                f.Get("weighting"),
                                f.Get("opens_at"),
                                f.Get("closes_at"),
                                f.Get("live_results") == "yes",
                                f.GetAll("sessions")};
  // The seed for ties left to chance: fixed when the vote is set up, shown with the result.
  const uint64_t seed =
      std::stoull(domain::HashToken(domain::RandomToken()).substr(0, 15), nullptr, 16);
  const auto outcome =
      domain::CreateVote(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, forum->id, input, seed);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return VoteForm(app, ctx, 422, *forum, input, outcome.errors);
  return http::Response::Redirect(VotePath(ctx, outcome.id));
}

// ---- The ballot -------------------------------------------------------------------------------

// The ballot form's options for `vote`, filled from `fields`.
List BallotOptions(const domain::Vote& vote, const Fields& fields) {
  const domain::VoteMethod& method = vote.Method();
  const int n = static_cast<int>(vote.options.size());
  List options;
  for (const auto& o : vote.options) {
    const std::string name = "o" + std::to_string(o.position);
    const std::string value = FieldOf(fields, name);
    Data item;
    item.set("position", std::to_string(o.position));
    item.set("name", name);
    item.set("title", o.title);
    if (o.cost_pence) item.set("cost", domain::FormatPounds(*o.cost_pence));
    item.set("value", value);
    item.set("checked", method.kind == BallotKind::kChooseOne
                            ? FieldOf(fields, "choice") == std::to_string(o.position)
                            : value == "yes");
    List choices;
    const auto add = [&](const std::string& v, const std::string& label) {
      Data c;
      c.set("value", v);
      c.set("label", label);
      c.set("selected", v == value);
      choices.push_back(c);
    };
    if (method.kind == BallotKind::kRanked) {
      add("", "Not ranked");
      for (int r = 1; r <= n; ++r) add(std::to_string(r), std::to_string(r));
    } else if (method.kind == BallotKind::kScores) {
      add("", "No score");
      for (int64_t s = 0; s <= vote.max_score; ++s) add(std::to_string(s), std::to_string(s));
    } else if (method.kind == BallotKind::kGrades) {
      add("", "Choose a grade");
      const auto grades = domain::GradeNames();
      for (std::size_t g = 0; g < grades.size(); ++g)
        add(std::to_string(g), std::string(grades[g]));
    }
    item.set("choices", choices);
    options.push_back(item);
  }
  return options;
}

void AddBallot(Data& data, const domain::Vote& vote, const Fields& fields) {
  const domain::VoteMethod& method = vote.Method();
  data.set("choose_one", method.kind == BallotKind::kChooseOne);
  data.set("approval", method.kind == BallotKind::kApproval);
  data.set("ranked", method.kind == BallotKind::kRanked);
  data.set("dots", method.kind == BallotKind::kDots);
  data.set("select", method.kind == BallotKind::kRanked || method.kind == BallotKind::kScores ||
                         method.kind == BallotKind::kGrades);
  data.set("dot_count", std::to_string(vote.dots));
  std::string instruction;
  switch (method.kind) {
    case BallotKind::kChooseOne:
      instruction = "Choose one option.";
      break;
    case BallotKind::kApproval:
      instruction = "Tick every option you support.";
      break;
    case BallotKind::kRanked:
      instruction = method.ties_allowed
                        ? "Number the options in order of preference: 1 for your first choice. "
                          "You may give two options the same number, and leave out any you do "
                          "not want to rank."
                        : "Number the options in order of preference: 1 for your first choice, "
                          "each a different number. Leave out any you do not want to rank.";
      break;
    case BallotKind::kDots:
      instruction = "Spread up to " + std::to_string(vote.dots) +
                    " dots over the options: put more on the options that matter most to you.";
      break;
    case BallotKind::kScores:
      instruction = "Give each option a score from 0 (worst) to " + std::to_string(vote.max_score) +
                    " (best). Leave out any you have no view on.";
      break;
    case BallotKind::kGrades:
      instruction = "Give every option a grade, from Reject to Excellent.";
      break;
  }
  data.set("instruction", instruction);
  data.set("ballot_options", BallotOptions(vote, fields));
}

std::string StatusSentence(const domain::Vote& vote, int64_t now) {
  if (now < vote.opens_at) {
    return "This vote opens on " + domain::FormatUkTime(vote.opens_at) + " and closes on " +
           domain::FormatUkTime(vote.closes_at) + " (UK time).";
  }
  if (vote.IsOpen(now)) {
    return "This vote is open until " + domain::FormatUkTime(vote.closes_at) + " (UK time).";
  }
  return "This vote closed on " + domain::FormatUkTime(vote.closes_at) + " (UK time).";
}

std::string WeightingSentence(const domain::Vote& vote) {
  std::string who = vote.eligibility == "organisations"
                        ? "Each member organisation has one ballot, which any of its "
                          "representatives can cast or change."
                        : "Every member of the partnership can vote.";
  if (vote.weighting == "organisation") {
    return who + " The members of one organisation share one vote between them.";
  }
  if (vote.weighting == "sector") {
    return who + " Each sector counts the same in total, however many of its members vote.";
  }
  return who + " Every ballot counts the same.";
}

http::Response VotePage(App& app, Context& ctx, const domain::Vote& vote, int status = 200,
                        const domain::FieldErrors& errors = {}, const Fields* submitted = nullptr) {
  const auto forum = domain::FindForum(ctx.db, ctx.partnership->id, vote.forum_id);
  if (!forum) return app.Error(ctx, 404);
  const domain::VoteMethod& method = vote.Method();
  Data data;
  data.set("id", std::to_string(vote.id));
  data.set("title", vote.title);
  data.set("forum_id", std::to_string(forum->id));
  data.set("forum_title", forum->title);
  data.set("status", StatusSentence(vote, ctx.now));
  data.set("method", std::string(method.label));
  data.set("method_explanation", std::string(method.explanation));
  data.set("weighting", WeightingSentence(vote));
  data.set("seats",
           vote.seats == 1 ? std::string("one option") : std::to_string(vote.seats) + " options");
  if (vote.budget_pence) data.set("budget", domain::FormatPounds(*vote.budget_pence));
  List options;
  for (const auto& o : vote.options) {
    Data item;
    item.set("title", o.title);
    if (o.cost_pence) item.set("cost", domain::FormatPounds(*o.cost_pence));
    options.push_back(item);
  }
  data.set("options", options);
  const bool open = vote.IsOpen(ctx.now);
  const bool closed = vote.IsClosed(ctx.now);
  data.set("show_results", closed || (vote.live_results && open));
  data.set("live", vote.live_results && open);
  data.set("closed", closed);
  data.set("can_enter_paper", open && domain::Can(ctx.actor, domain::Action::kModerate));
  data.set("sign_in_to_vote", open && !ctx.user);

  if (open && ctx.user && domain::Can(ctx.actor, domain::Action::kTakePart)) {
    const auto standings = domain::StandingsOf(ctx.db, ctx.partnership->id, ctx.actor.person_id);
    if (vote.eligibility == "organisations" && standings.empty()) {
      data.set("not_eligible",
               "In this vote each organisation has one ballot, and you do not represent an "
               "organisation in this partnership.");
    } else {
      int64_t organisation = standings.size() == 1 ? standings[0].organisation_id : 0;
      if (submitted)
        organisation = ParseId(FieldOf(*submitted, "organisation")).value_or(organisation);
      const bool voted = standings.size() <= 1 &&
                         domain::HasVoted(ctx.db, vote, ctx.actor.person_id, organisation);
      data.set("voted", voted);
      const Fields current = submitted
                                 ? *submitted
                                 : domain::CurrentBallot(ctx.db, vote, ctx.actor.person_id,
                                                         organisation, app.config().ballot_secret);
      data.set("can_vote", true);
      AddBallot(data, vote, current);
      if (standings.size() > 1) {
        List choices;
        for (const auto& s : standings) {
          Data item;
          item.set("id", std::to_string(s.organisation_id));
          item.set("name", s.organisation);
          item.set("selected", s.organisation_id == organisation);
          choices.push_back(item);
        }
        data.set("organisations", choices);
        data.set("choose_organisation", true);
      }
    }
  }
  AddErrors(data, errors);
  return app.Page(ctx, status, "vote", vote.title, std::move(data));
}

http::Response View(App& app, Context& ctx) {
  const auto vote = FindVoteOf(ctx);
  if (!vote) return app.Error(ctx, 404);
  return VotePage(app, ctx, *vote);
}

http::Response PostBallot(App& app, Context& ctx) {
  const auto vote = FindVoteOf(ctx);
  if (!vote) return app.Error(ctx, 404);
  const Fields fields = FormFields(ctx.form);
  const int64_t organisation = ParseId(FieldOf(fields, "organisation")).value_or(0);
  const auto cast = app.CastBallot(ctx.db, [&](db::Connection& db) {
    return domain::CastBallot(db, ctx.now, ctx.actor, ctx.partnership->id, vote->id, fields,
                              organisation, app.config().ballot_secret);
  });
  if (auto refusal = app.Refusal(ctx, cast.outcome)) return std::move(*refusal);
  if (!cast.outcome.ok()) return VotePage(app, ctx, *vote, 422, cast.outcome.errors, &fields);
  app.VoteChanged(ctx.partnership->id, vote->id);
  Data data;
  data.set("id", std::to_string(vote->id));
  data.set("title", vote->title);
  data.set("receipt", cast.receipt);
  data.set("replaced", cast.replaced);
  data.set("closes", domain::FormatUkTime(vote->closes_at));
  return app.Page(ctx, 200, "vote_receipt", "Your ballot is in", std::move(data));
}

http::Response Receipt(App& app, Context& ctx) {
  const auto vote = FindVoteOf(ctx);
  if (!vote) return app.Error(ctx, 404);
  Data data;
  data.set("id", std::to_string(vote->id));
  data.set("title", vote->title);
  const std::string code = ctx.request.Query("code").value_or("");
  data.set("code", code);
  if (!code.empty()) {
    switch (domain::LookUpReceipt(ctx.db, vote->id, code)) {
      case domain::ReceiptStatus::kIncluded:
        data.set("included", true);
        break;
      case domain::ReceiptStatus::kReplaced:
        data.set("replaced", true);
        break;
      case domain::ReceiptStatus::kUnknown:
        data.set("unknown", true);
        break;
    }
  }
  return app.Page(ctx, 200, "vote_check", "Check your receipt", std::move(data));
}

// ---- Paper ballots --------------------------------------------------------------------------

http::Response PaperPage(App& app, Context& ctx, const domain::Vote& vote, int status,
                         const Fields& fields, const domain::FieldErrors& errors,
                         const std::string& receipt) {
  if (!domain::Can(ctx.actor, domain::Action::kModerate)) return app.Denied(ctx);
  Data data;
  data.set("id", std::to_string(vote.id));
  data.set("title", vote.title);
  data.set("receipt", receipt);
  List sectors;
  for (domain::Sector s : domain::kSectors) {
    Data item;
    item.set("value", std::string(domain::ToString(s)));
    item.set("label", std::string(domain::SectorLabel(s)));
    item.set("checked", FieldOf(fields, "sector") == domain::ToString(s));
    sectors.push_back(item);
  }
  data.set("sectors", sectors);
  data.set("localities", SelectOptions(domain::ListLocalities(ctx.db, ctx.partnership->id),
                                       FieldOf(fields, "locality")));
  AddBallot(data, vote, receipt.empty() ? fields : Fields{});
  AddErrors(data, errors);
  return app.Page(ctx, status, "vote_paper", "Enter a paper ballot", std::move(data));
}

http::Response GetPaper(App& app, Context& ctx) {
  const auto vote = FindVoteOf(ctx);
  if (!vote) return app.Error(ctx, 404);
  return PaperPage(app, ctx, *vote, 200, {}, {}, "");
}

http::Response PostPaper(App& app, Context& ctx) {
  const auto vote = FindVoteOf(ctx);
  if (!vote) return app.Error(ctx, 404);
  const Fields fields = FormFields(ctx.form);
  const auto entered = app.CastBallot(ctx.db, [&](db::Connection& db) {
    return domain::EnterPaperBallot(db, ctx.now, ctx.actor, ctx.partnership->id, vote->id, fields,
                                    FieldOf(fields, "sector"),
                                    ParseId(FieldOf(fields, "locality")).value_or(0));
  });
  if (auto refusal = app.Refusal(ctx, entered.outcome)) return std::move(*refusal);
  if (!entered.outcome.ok()) {
    return PaperPage(app, ctx, *vote, 422, fields, entered.outcome.errors, "");
  }
  app.VoteChanged(ctx.partnership->id, vote->id);
  return PaperPage(app, ctx, *vote, 200, {}, {}, entered.receipt);
}

// ---- Results --------------------------------------------------------------------------------

std::string FormatValue(double value, bool average) {
  if (!average) return std::to_string(std::llround(value));
  char out[32];
  std::snprintf(out, sizeof out, "%.2f", value);
  return out;
}

// A table of the measure per option for each group, groups of fewer than kSmallestGroup
// voters withheld.
Data Breakdown(
    const std::string& caption, const domain::Vote& vote, const domain::StoredBallots& stored,
    const std::vector<std::pair<std::string, std::function<bool(std::size_t)>>>& groups) {
  Data table;
  table.set("caption", caption);
  List headers;
  for (const auto& o : vote.options) {
    Data h;
    h.set("title", o.title);
    headers.push_back(h);
  }
  table.set("headers", headers);
  List rows;
  for (const auto& [label, include] : groups) {
    const domain::Support support = domain::SupportFor(vote, stored, include);
    if (support.voters == 0) continue;
    Data row;
    row.set("group", label);
    const bool withheld = support.voters < domain::kSmallestGroup;
    row.set("voters", withheld ? std::string("fewer than 5") : std::to_string(support.voters));
    row.set("withheld", withheld);
    List cells;
    for (double v : support.values) {
      Data c;
      c.set("value", FormatValue(v, support.average));
      cells.push_back(c);
    }
    row.set("cells", cells);
    rows.push_back(row);
  }
  table.set("rows", rows);
  table.set("empty", rows.empty());
  table.set("span", std::to_string(vote.options.size()));
  return table;
}

// An amount of the count's explanation ("8.33") as money ("£8.33").
std::string PoundsText(const std::string& amount) {
  const auto pence = domain::ParsePounds(amount);
  return pence ? domain::FormatPounds(*pence) : "£" + amount;
}

// What the supporters of one equal-shares round paid: the full share, and how many paid less
// (all they had left) or nothing (they had nothing left).
std::string EqualSharesPaid(const nlohmann::json& round) {
  const std::string full = round.value("payment_per_utility", "");
  const int64_t supporters = round.value("supporters", int64_t{0});
  int64_t paid_full = 0;
  int64_t paid_less = 0;
  if (round.contains("payments") && round["payments"].is_array()) {
    for (const auto& payment : round["payments"]) {
      const int64_t voters = payment.value("voters", int64_t{0});
      (payment.value("amount", "") == full ? paid_full : paid_less) += voters;
    }
  }
  const int64_t paid_nothing = supporters - paid_full - paid_less;
  const auto voters = [](int64_t n) { return std::to_string(n) + (n == 1 ? " voter" : " voters"); };
  std::string text = voters(paid_full) + " paid " + PoundsText(full) + " each";
  if (paid_less > 0) text += "; " + voters(paid_less) + " paid less: all they had left";
  if (paid_nothing > 0) text += "; " + voters(paid_nothing) + " had nothing left";
  return text + ".";
}

// Stage or round tables from the count's explanation, when the method has them.
void AddStages(Data& data, const domain::Vote& vote, const tally::Result& result) {
  const auto& e = result.explanation;
  List columns;
  List rows;
  std::string caption;
  if (e.contains("rounds") && e["rounds"].is_array() && !e["rounds"].empty() &&
      e["rounds"][0].contains("votes")) {
    caption = "Votes in each round";
    for (std::size_t r = 0; r < e["rounds"].size(); ++r) {
      Data c;
      c.set("label", "Round " + std::to_string(r + 1));
      columns.push_back(c);
    }
    for (const auto& o : vote.options) {
      Data row;
      row.set("label", o.title);
      List cells;
      for (const auto& round : e["rounds"]) {
        Data cell;
        const auto it = round["votes"].find(o.title);
        cell.set("value", it == round["votes"].end() ? std::string("out") : it->dump());
        cells.push_back(cell);
      }
      row.set("cells", cells);
      rows.push_back(row);
    }
  } else if (e.contains("rounds") && e["rounds"].is_array() && !e["rounds"].empty() &&
             e["rounds"][0].contains("payments")) {
    // Equal shares: what the supporters of each funded option paid, in the order funded.
    // Only counts of voters are shown, never one voter's payments.
    caption = "How the budget was shared. Each voter had " + PoundsText(e.value("share", "")) +
              " to spend. Each round funds the option whose supporters can pay for it with the "
              "smallest equal shares.";
    for (const char* label : {"Cost", "Supporters", "What its supporters paid"}) {
      Data c;
      c.set("label", std::string(label));
      columns.push_back(c);
    }
    const auto option_row = [&](const std::string& id, const std::string& supporters,
                                const std::string& paid) {
      int number = 0;  // projects are numbered from 1 in option order
      std::from_chars(id.data(), id.data() + id.size(), number);
      const int position = number - 1;
      if (position < 0 || static_cast<std::size_t>(position) >= vote.options.size()) return;
      const domain::VoteOption& o = vote.options[static_cast<std::size_t>(position)];
      Data row;
      row.set("label", o.title);
      List cells;
      for (const std::string& value :
           {o.cost_pence ? domain::FormatPounds(*o.cost_pence) : std::string(), supporters, paid}) {
        Data cell;
        cell.set("value", value);
        cells.push_back(cell);
      }
      row.set("cells", cells);
      rows.push_back(row);
    };
    for (const auto& round : e["rounds"]) {
      option_row(round.value("project", ""), std::to_string(round.value("supporters", 0)),
                 EqualSharesPaid(round));
    }
    if (e.contains("completion_added")) {
      for (const auto& id : e["completion_added"]) {
        option_row(id.get<std::string>(), "",
                   "Paid from what was left over: the option with most support that still "
                   "fitted.");
      }
    }
  } else if (e.contains("stages") && e["stages"].is_array()) {
    caption = "Votes at each stage of the count";
    for (const auto& stage : e["stages"]) {
      Data c;
      c.set("label", stage.value("action", std::string("Stage")));
      columns.push_back(c);
    }
    for (const auto& o : vote.options) {
      Data row;
      row.set("label", o.title);
      List cells;
      for (const auto& stage : e["stages"]) {
        Data cell;
        const auto it = stage["votes"].find(o.title);
        cell.set("value", it == stage["votes"].end() ? std::string("") : it->get<std::string>());
        cells.push_back(cell);
      }
      row.set("cells", cells);
      rows.push_back(row);
    }
  } else if (e.contains("d") && e["d"].is_array()) {
    caption = "Voters who put the row's option above the column's";
    for (const auto& o : vote.options) {
      Data c;
      c.set("label", o.title);
      columns.push_back(c);
    }
    for (std::size_t i = 0; i < vote.options.size(); ++i) {
      Data row;
      row.set("label", vote.options[i].title);
      List cells;
      for (std::size_t j = 0; j < vote.options.size(); ++j) {
        Data cell;
        cell.set("value", i == j ? std::string("–") : e["d"][i][j].dump());
        cells.push_back(cell);
      }
      row.set("cells", cells);
      rows.push_back(row);
    }
  }
  if (rows.empty()) return;
  Data stages;
  stages.set("caption", caption);
  stages.set("columns", columns);
  stages.set("rows", rows);
  data.set("stages", stages);
}

// What the results page and its live fragment show.
Data ResultsData(db::Connection& db, int64_t partnership_id, const domain::Vote& vote,
                 int64_t now) {
  const bool closed = vote.IsClosed(now);
  const domain::StoredBallots stored = domain::LoadBallots(db, vote);
  const tally::Result result = domain::CountVote(vote, stored);
  const domain::VoteMethod& method = vote.Method();
  Data data;
  data.set("id", std::to_string(vote.id));
  data.set("title", vote.title);
  data.set("live", !closed);
  data.set("closed", closed);
  data.set("status", StatusSentence(vote, now));
  data.set("voters", std::to_string(stored.voters));
  data.set("paper", std::to_string(stored.paper));
  data.set("method", std::string(method.label));
  data.set("method_explanation", std::string(method.explanation));
  data.set("weighting", WeightingSentence(vote));
  List winners;
  int64_t spent = 0;
  for (const std::string& w : result.winners) {
    Data item;
    if (method.budgeting) {
      const std::size_t position = static_cast<std::size_t>(std::stoi(w) - 1);
      item.set("title", vote.options.at(position).title);
      const int64_t cost = vote.options.at(position).cost_pence.value_or(0);
      item.set("cost", domain::FormatPounds(cost));
      spent += cost;
    } else {
      item.set("title", w);
    }
    winners.push_back(item);
  }
  data.set("winners", winners);
  data.set("no_winners", stored.voters == 0);
  data.set("budgeting", method.budgeting);
  if (method.budgeting) {
    data.set("spent", domain::FormatPounds(spent));
    data.set("budget", domain::FormatPounds(vote.budget_pence.value_or(0)));
  }
  if (result.lot_seed) data.set("lot_seed", std::to_string(*result.lot_seed));

  const domain::Support support = domain::SupportFor(vote, stored);
  std::vector<Bar> bars;
  List table;
  for (std::size_t p = 0; p < vote.options.size(); ++p) {
    const std::string text = FormatValue(support.values[p], support.average);
    bars.push_back({vote.options[p].title, support.values[p], text});
    Data row;
    row.set("title", vote.options[p].title);
    row.set("value", text);
    table.push_back(row);
  }
  data.set("measure", support.measure);
  data.set("support", table);
  data.set("chart", BarChartSvg("support-chart", support.measure + " for each option",
                                support.measure + " for each option. " + DescribeBars(bars), bars));
  AddStages(data, vote, result);

  std::vector<std::pair<std::string, std::function<bool(std::size_t)>>> sectors;
  for (domain::Sector s : domain::kSectors) {
    const std::string name(domain::ToString(s));
    sectors.emplace_back(std::string(domain::SectorLabel(s)), [&stored, name](std::size_t i) {
      return stored.election.ballots[i].sector == name;
    });
  }
  std::vector<std::pair<std::string, std::function<bool(std::size_t)>>> localities;
  for (const auto& l : domain::ListLocalities(db, partnership_id)) {
    const int64_t id = l.id;
    localities.emplace_back(l.name,
                            [&stored, id](std::size_t i) { return stored.locality[i] == id; });
  }
  localities.emplace_back("No locality given",
                          [&stored](std::size_t i) { return stored.locality[i] == 0; });
  List breakdowns;
  breakdowns.push_back(Breakdown(support.measure + " by sector", vote, stored, sectors));
  breakdowns.push_back(Breakdown(support.measure + " by locality", vote, stored, localities));
  data.set("breakdowns", breakdowns);

  List downloads;
  if (closed) {
    const std::string base = "/votes/" + std::to_string(vote.id) + "/ballots/";
    const auto add = [&](const std::string& format, const std::string& label) {
      Data d;
      d.set("path", base + format);
      d.set("label", label);
      downloads.push_back(d);
    };
    if (method.budgeting) {
      add("pb", "Pabulib (.pb)");
    } else if (method.kind == BallotKind::kRanked) {
      add("blt", "BLT (.blt)");
      add(std::string(tally::PreflibDataType(stored.election)), "PrefLib");
    } else if (method.kind == BallotKind::kChooseOne || method.kind == BallotKind::kApproval) {
      add(std::string(tally::PreflibDataType(stored.election)), "PrefLib");
      add("csv", "CSV");
    } else {
      add("csv", "CSV");
    }
  }
  data.set("downloads", downloads);
  return data;
}

bool ShowsResults(const domain::Vote& vote, int64_t now) {
  return vote.IsClosed(now) || (vote.live_results && vote.IsOpen(now));
}

http::Response Results(App& app, Context& ctx) {
  const auto vote = FindVoteOf(ctx);
  if (!vote) return app.Error(ctx, 404);
  if (!ShowsResults(*vote, ctx.now)) {
    return app.Error(ctx, 409, "The results are not out yet",
                     "The results will be here when the vote closes on " +
                         domain::FormatUkTime(vote->closes_at) + " (UK time).");
  }
  if (!vote->IsClosed(ctx.now)) {
    // Live: the same recount as the event stream's, at most a second old.
    Data data;
    data.set("id", std::to_string(vote->id));
    data.set("title", vote->title);
    data.set("live", true);
    const auto fragment = app.LiveFragment(ctx.db, ctx.partnership->id, vote->id);
    if (!fragment) return app.Error(ctx, 409);
    data.set("fragment", *fragment);
    return app.Page(ctx, 200, "vote_results", "Results: " + vote->title, std::move(data));
  }
  auto data = app.ClosedResults(vote->id);
  if (!data) {
    data = ResultsData(ctx.db, ctx.partnership->id, *vote, ctx.now);
    app.KeepClosedResults(vote->id, *data);
  }
  return app.Page(ctx, 200, "vote_results", "Results: " + vote->title, std::move(*data));
}

// The live results as an event stream: the results now, then each recount. A vote that is
// not showing live results answers 204, which tells the browser to stop asking.
http::Response ResultEvents(App& app, Context& ctx) {
  const auto vote = FindVoteOf(ctx);
  if (!vote) return app.Error(ctx, 404);
  auto fragment = app.LiveFragment(ctx.db, ctx.partnership->id, vote->id);
  if (!fragment) {
    http::Response none;
    none.status = 204;
    return none;
  }
  return http::Response::EventStream(VoteTopic(vote->id), std::move(*fragment));
}

// The anonymised ballots: no organisation, in the stored (random) order.
http::Response Ballots(App& app, Context& ctx) {
  const auto vote = FindVoteOf(ctx);
  if (!vote) return app.Error(ctx, 404);
  if (!vote->IsClosed(ctx.now)) {
    return app.Error(ctx, 409, "The ballots are not published yet",
                     "Anyone can download the ballots once the vote has closed.");
  }
  domain::StoredBallots stored = domain::LoadBallots(ctx.db, *vote);
  for (auto& b : stored.election.ballots) b.organisation.clear();
  for (auto& b : stored.budget.ballots) b.organisation.clear();
  const std::string format = ctx.request.Param("format");
  const domain::VoteMethod& method = vote->Method();
  std::string body;
  std::string type = "text/plain; charset=utf-8";
  if (format == "pb" && method.budgeting) {
    body = tally::WritePabulib(stored.budget);
  } else if (format == "blt" && method.kind == BallotKind::kRanked) {
    body = tally::WriteBlt(stored.election);
  } else if (format == tally::PreflibDataType(stored.election) &&
             (method.kind == BallotKind::kRanked || method.kind == BallotKind::kChooseOne ||
              method.kind == BallotKind::kApproval) &&
             !method.budgeting) {
    body = tally::WritePreflib(stored.election, "vote-" + std::to_string(vote->id) + "." + format);
  } else if (format == "csv" && !method.budgeting && method.kind != BallotKind::kRanked) {
    const bool scores = method.kind == BallotKind::kDots || method.kind == BallotKind::kScores ||
                        method.kind == BallotKind::kGrades;
    body = tally::WriteBallotCsv(stored.election,
                                 scores ? tally::BallotKind::kScore : tally::BallotKind::kApproval);
    type = "text/csv; charset=utf-8";
  } else {
    return app.Error(ctx, 404);
  }
  http::Response response = http::Response::Text(200, std::move(body));
  response.SetHeader("Content-Type", type);
  response.SetHeader("Content-Disposition", "attachment; filename=\"vote-" +
                                                std::to_string(vote->id) + "." + format + "\"");
  return response;
}

}  // namespace

std::string VoteTopic(int64_t vote_id) { return "vote/" + std::to_string(vote_id); }

std::optional<std::string> LiveResultsFragment(const App& app, db::Connection& db,
                                               int64_t partnership_id, int64_t vote_id,
                                               int64_t now) {
  const auto vote = domain::FindVote(db, partnership_id, vote_id);
  if (!vote || !vote->live_results || !vote->IsOpen(now)) return std::nullopt;
  return app.Render("_vote_results_live", ResultsData(db, partnership_id, *vote, now));
}

void AddVoteRoutes(App& app) {
  app.Route("GET", "/p/{slug}/forums/{id}/votes/new", GetNew);
  app.Route("POST", "/p/{slug}/forums/{id}/votes/new", PostNew);
  app.Route("GET", "/p/{slug}/votes/{id}", View);
  app.Route("POST", "/p/{slug}/votes/{id}/ballot", PostBallot);
  app.Route("GET", "/p/{slug}/votes/{id}/receipt", Receipt);
  app.Route("GET", "/p/{slug}/votes/{id}/paper", GetPaper);
  app.Route("POST", "/p/{slug}/votes/{id}/paper", PostPaper);
  app.Route("GET", "/p/{slug}/votes/{id}/results", Results);
  app.Route("GET", "/p/{slug}/votes/{id}/results/events", ResultEvents);
  app.Route("GET", "/p/{slug}/votes/{id}/ballots/{format}", Ballots);
}

}  // namespace coproduce::web
