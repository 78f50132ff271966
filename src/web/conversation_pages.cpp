// Conversations (opinion maps): starting one in a forum, answering its statements one at a
// time, submitting statements and moderating them, the map of opinion groups and the
// report, both live. No page shows who voted what; the map has no names.
#include <cmath>
#include <map>
#include <set>

#include "domain/conversations.hpp"
#include "domain/forums.hpp"
#include "domain/permissions.hpp"
#include "domain/votes.hpp"
#include "web/app.hpp"
#include "web/charts.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

using domain::kSmallestGroup;

std::string ConversationPath(const Context& ctx, int64_t id) {
  return "/p/" + ctx.partnership->slug + "/conversations/" + std::to_string(id);
}

std::optional<domain::Conversation> ConversationInUrl(const Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return std::nullopt;
  return domain::FindConversation(ctx.db, ctx.partnership->id, *id);
}

// Groups are named by letter in the order of their engine ids: group A, group B...
std::string GroupLetter(std::size_t index) {
  return std::string(1, static_cast<char>('A' + index));
}

int Percent(int64_t part, int64_t whole) {
  if (whole <= 0) return 0;
  return static_cast<int>(
      std::lround(100.0 * static_cast<double>(part) / static_cast<double>(whole)));
}

std::string People(int64_t n) { return std::to_string(n) + (n == 1 ? " person" : " people"); }

// What every conversation page shows at the top.
Data Heading(const Context& ctx, const domain::Conversation& conversation) {
  Data data;
  data.set("id", std::to_string(conversation.id));
  data.set("question", conversation.question);
  data.set("description", conversation.description);
  data.set("open", conversation.open);
  data.set("forum_id", std::to_string(conversation.forum_id));
  if (const auto forum = domain::FindForum(ctx.db, ctx.partnership->id, conversation.forum_id)) {
    data.set("forum_title", forum->title);
  }
  return data;
}

// The map's groups by engine id, each with its index (for its letter and its mark).
std::map<int, std::size_t> GroupIndexes(const opinion::Map& map) {
  std::set<int> ids;
  for (const opinion::Group& g : map.groups) ids.insert(g.id);
  std::map<int, std::size_t> out;
  for (int id : ids) out.emplace(id, out.size());
  return out;
}

std::map<int64_t, std::string> AcceptedBodies(db::Connection& db, int64_t conversation_id) {
  std::map<int64_t, std::string> out;
  for (const domain::Statement& s :
       domain::ListStatements(db, conversation_id, domain::StatementStatus::kAccepted)) {
    out.emplace(s.id, s.body);
  }
  return out;
}

// What the map and the report both start with. False (and `too_few` set) when too few people
// have answered to show either.
bool StartMapPage(Data& data, const Context& ctx, const domain::Conversation& conversation,
                  const opinion::Map& map) {
  data.set("slug", ctx.partnership->slug);
  data.set("id", std::to_string(conversation.id));
  const auto people = static_cast<int64_t>(map.participants.size());
  data.set("people", People(people));
  data.set("too_few", people < kSmallestGroup);
  return people >= kSmallestGroup;
}

// ---- The map ------------------------------------------------------------------------------

Data MapData(const Context& ctx, const domain::Conversation& conversation,
             const MapReading& reading) {
  const opinion::Map& map = reading.map;
  Data data;
  if (!StartMapPage(data, ctx, conversation, map)) return data;
  const auto people = static_cast<int64_t>(map.participants.size());
  const std::map<int, std::size_t> index = GroupIndexes(map);
  std::vector<int64_t> sizes(index.size(), 0);
  std::vector<MapPoint> points;
  int64_t unplaced = 0;
  std::optional<std::size_t> viewer_group;
  bool viewer_unplaced = false;
  for (std::size_t row = 0; row < map.participants.size(); ++row) {
    const auto it = index.find(map.group[row]);
    const int group = it == index.end() ? -1 : static_cast<int>(it->second);
    if (group < 0) {
      ++unplaced;
    } else {
      ++sizes[static_cast<std::size_t>(group)];
    }
    const bool viewer = reading.viewer_row && static_cast<std::size_t>(*reading.viewer_row) == row;
    if (viewer && group >= 0) viewer_group = static_cast<std::size_t>(group);
    if (viewer && group < 0) viewer_unplaced = true;
    points.push_back({map.positions[row][0], map.positions[row][1], group, viewer});
  }
  std::string description = People(people) + " are on the map";
  if (index.empty()) {
    description += ", and no groups have formed yet.";
  } else {
    description +=
        ", in " + std::to_string(index.size()) + (index.size() == 1 ? " group: " : " groups: ");
    for (std::size_t i = 0; i < index.size(); ++i) {
      description += (i == 0 ? "" : i + 1 == index.size() ? " and " : ", ");
      description += "group " + GroupLetter(i) + " has " + People(sizes[i]) + " (" +
                     GroupMark(static_cast<int>(i)) + ")";
    }
    description += ".";
  }
  if (unplaced > 0) {
    description += " " + People(unplaced) + (unplaced == 1 ? " is" : " are") +
                   " not in a group yet (" + GroupMark(-1) + ").";
  }
  description += " People who answered alike are close together.";
  if (viewer_group) {
    description += " You are in group " + GroupLetter(*viewer_group) + ", ringed and marked You.";
  } else if (viewer_unplaced) {
    description += " You are on the map, ringed and marked You, but not in a group yet.";
  }
  data.set("description", description);
  data.set("svg", OpinionMapSvg("opinion-map", "Opinion map: " + conversation.question, description,
                                points));
  List rows;
  for (std::size_t i = 0; i < index.size(); ++i) {
    Data row;
    row.set("group", "Group " + GroupLetter(i));
    row.set("people", std::to_string(sizes[i]));
    row.set("mark", GroupMark(static_cast<int>(i)));
    row.set("you", viewer_group == i);
    rows.push_back(row);
  }
  if (unplaced > 0) {
    Data row;
    row.set("group", std::string("Not in a group yet"));
    row.set("people", std::to_string(unplaced));
    row.set("mark", GroupMark(-1));
    row.set("you", viewer_unplaced);
    rows.push_back(row);
  }
  data.set("rows", rows);
  if (viewer_group) data.set("you", "You are in group " + GroupLetter(*viewer_group) + ".");
  return data;
}

// ---- The report ---------------------------------------------------------------------------

Data ReportData(const Context& ctx, const domain::Conversation& conversation,
                const MapReading& reading) {
  const opinion::Map& map = reading.map;
  Data data;
  data.set("votes", std::to_string(map.votes));
  if (!StartMapPage(data, ctx, conversation, map)) return data;
  const std::map<int64_t, std::string> bodies = AcceptedBodies(ctx.db, conversation.id);
  data.set("statements", std::to_string(bodies.size()));
  std::map<int64_t, const opinion::CommentResult*> results;
  for (const opinion::CommentResult& c : map.comments) results.emplace(c.id, &c);

  // Opinion groups and what sets each apart.
  const std::map<int, std::size_t> index = GroupIndexes(map);
  List groups;
  for (const opinion::Group& g : map.groups) {
    const std::size_t i = index.at(g.id);
    const auto size = static_cast<int64_t>(g.members.size());
    Data group;
    group.set("name", "Group " + GroupLetter(i));
    group.set("size", People(size));
    group.set("mark", GroupMark(static_cast<int>(i)));
    group.set("withheld", size < kSmallestGroup);
    List statements;
    for (const opinion::Representative& r : g.representative) {
      const auto body = bodies.find(r.comment);
      if (body == bodies.end()) continue;
      Data s;
      s.set("body", body->second);
      const std::string verb = r.agree ? " agree" : " disagree";
      if (r.n_trials < kSmallestGroup) {
        s.set("share", "Most of group " + GroupLetter(i) + verb +
                           "; fewer than 5 of them answered, so no numbers are shown.");
      } else {
        s.set("share", std::to_string(Percent(r.n_success, r.n_trials)) + "% of group " +
                           GroupLetter(i) + verb + " (" + std::to_string(r.n_success) + " of " +
                           std::to_string(r.n_trials) + ")");
      }
      statements.push_back(s);
    }
    group.set("statements", statements);
    group.set("none", statements.empty());
    groups.push_back(group);
  }
  data.set("groups", groups);
  data.set("no_groups", groups.empty());

  // Consensus over everyone.
  auto overall = [&](const std::vector<opinion::Consensus::Entry>& entries, bool agree) {
    List out;
    for (const auto& e : entries) {
      const auto body = bodies.find(e.comment);
      const auto result = results.find(e.comment);
      if (body == bodies.end() || result == results.end()) continue;
      const opinion::CommentResult& c = *result->second;
      const int64_t answered = c.agrees + c.disagrees + c.passes;
      Data s;
      s.set("body", body->second);
      const int64_t n = agree ? c.agrees : c.disagrees;
      if (answered < kSmallestGroup) {
        s.set("share", std::string("Fewer than 5 people answered, so no numbers are shown."));
      } else {
        s.set("share", std::to_string(Percent(n, answered)) + "% of those who answered " +
                           (agree ? "agree" : "disagree") + " (" + std::to_string(n) + " of " +
                           std::to_string(answered) + ")");
      }
      out.push_back(s);
    }
    return out;
  };
  const List agree = overall(map.consensus.agree, true);
  const List disagree = overall(map.consensus.disagree, false);
  data.set("consensus_agree", agree);
  data.set("no_consensus_agree", agree.empty());
  data.set("consensus_disagree", disagree);
  data.set("no_consensus_disagree", disagree.empty());

  // Common ground across sectors: the sectors with enough people, and what all of them
  // agree (or disagree) with, with each sector's share.
  if (!reading.sectors) return data;
  std::map<int64_t, domain::Sector> sector_of;
  std::map<domain::Sector, int64_t> sector_sizes;
  for (std::size_t row = 0; row < map.participants.size(); ++row) {
    sector_of.emplace(map.participants[row], reading.sector_of_row[row]);
    ++sector_sizes[reading.sector_of_row[row]];
  }
  std::vector<domain::Sector> included;
  List left_out;
  for (domain::Sector s : domain::kSectors) {
    const int64_t n = sector_sizes[s];
    if (n >= kSmallestGroup) {
      included.push_back(s);
    } else if (n > 0) {
      Data item;
      item.set("sector", std::string(domain::SectorLabel(s)));
      left_out.push_back(item);
    }
  }
  data.set("sectors_left_out", left_out);
  data.set("some_left_out", !left_out.empty());
  List headers;
  for (domain::Sector s : included) {
    Data h;
    h.set("sector", std::string(domain::SectorLabel(s)) + " (" + People(sector_sizes[s]) + ")");
    headers.push_back(h);
  }
  data.set("sector_headers", headers);
  if (included.size() < 2) {
    data.set("too_few_sectors", true);
    return data;
  }
  data.set("sector_span", std::to_string(included.size()));
  // Current votes per statement and sector: [statement][sector] = {agrees, disagrees, answered}.
  std::map<int64_t, std::map<domain::Sector, std::array<int64_t, 3>>> tally;
  std::vector<int64_t> shown = reading.sectors->agreed_by_all;
  shown.insert(shown.end(), reading.sectors->disagreed_by_all.begin(),
               reading.sectors->disagreed_by_all.end());
  for (const domain::StoredStatementVote& v : domain::ListVotesOn(ctx.db, conversation.id, shown)) {
    const auto sector = sector_of.find(v.person_id);
    if (sector == sector_of.end()) continue;
    std::array<int64_t, 3>& t = tally[v.statement_id][sector->second];
    if (v.vote == domain::StatementVote::kAgree) ++t[0];
    if (v.vote == domain::StatementVote::kDisagree) ++t[1];
    ++t[2];
  }
  auto across = [&](const std::vector<opinion::Id>& ids, bool agree) {
    List out;
    for (opinion::Id id : ids) {
      const auto body = bodies.find(id);
      if (body == bodies.end()) continue;
      Data s;
      s.set("body", body->second);
      List cells;
      for (domain::Sector sector : included) {
        const std::array<int64_t, 3>& t = tally[id][sector];
        Data cell;
        if (t[2] < kSmallestGroup) {
          cell.set("value", std::string("Not shown: fewer than 5 answered"));
        } else {
          cell.set("value", std::to_string(Percent(agree ? t[0] : t[1], t[2])) + "% (" +
                                std::to_string(agree ? t[0] : t[1]) + " of " +
                                std::to_string(t[2]) + ")");
        }
        cells.push_back(cell);
      }
      s.set("cells", cells);
      out.push_back(s);
    }
    return out;
  };
  const List all_agree = across(reading.sectors->agreed_by_all, true);
  const List all_disagree = across(reading.sectors->disagreed_by_all, false);
  data.set("sectors_agree", all_agree);
  data.set("no_sectors_agree", all_agree.empty());
  data.set("sectors_disagree", all_disagree);
  data.set("no_sectors_disagree", all_disagree.empty());
  data.set("show_sectors", true);
  return data;
}

// ---- Starting a conversation ----------------------------------------------------------------

http::Response ConversationForm(App& app, Context& ctx, int status, const domain::Forum& forum,
                                const domain::ConversationInput& in,
                                const domain::FieldErrors& errors) {
  Data data;
  data.set("forum_id", std::to_string(forum.id));
  data.set("forum_title", forum.title);
  data.set("question", in.question);
  data.set("description", in.description);
  data.set("seeds", in.seeds);
  AddErrors(data, errors);
  return app.Page(ctx, status, "conversation_form", "Start a conversation", std::move(data));
}

http::Response GetNew(App& app, Context& ctx) {
  const auto forum = ForumInUrl(ctx);
  if (!forum) return app.Error(ctx, 404);
  if (!domain::Can(ctx.actor, domain::Action::kManageForums)) return app.Denied(ctx);
  return ConversationForm(app, ctx, 200, *forum, {}, {});
}

http::Response PostNew(App& app, Context& ctx) {
  const auto forum = ForumInUrl(ctx);
  if (!forum) return app.Error(ctx, 404);
  const domain::ConversationInput input{ctx.form.Get("question"), ctx.form.Get("description"),
                                        ctx.form.Get("seeds")};
  const auto outcome =
      domain::CreateConversation(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, forum->id, input);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return ConversationForm(app, ctx, 422, *forum, input, outcome.errors);
  return http::Response::Redirect(ConversationPath(ctx, outcome.id));
}

// ---- Answering statements -------------------------------------------------------------------

http::Response ConversationPage(App& app, Context& ctx, const domain::Conversation& conversation,
                                int status = 200, const std::string& body = "",
                                const domain::FieldErrors& errors = {}) {
  Data data = Heading(ctx, conversation);
  const auto accepted =
      domain::ListStatements(ctx.db, conversation.id, domain::StatementStatus::kAccepted);
  data.set("statements", std::to_string(accepted.size()));
  const bool takes_part = ctx.user && domain::Can(ctx.actor, domain::Action::kTakePart);
  data.set("sign_in", !ctx.user && conversation.open);
  data.set("not_member", ctx.user && !takes_part && conversation.open);
  if (takes_part && conversation.open) {
    data.set("can_take_part", true);
    const std::vector<int64_t> offered =
        app.opinion_maps().Next(ctx.db, conversation.id, ctx.actor.person_id, 5);
    const auto mine = domain::VotesOf(ctx.db, conversation.id, ctx.actor.person_id);
    std::map<int64_t, std::string> open_bodies;
    for (const domain::Statement& s : accepted) {
      if (!mine.contains(s.id)) open_bodies.emplace(s.id, s.body);
    }
    std::optional<int64_t> next;
    for (int64_t id : offered) {
      if (open_bodies.contains(id)) {
        next = id;
        break;
      }
    }
    // The engine offers only what it knows; the database has the last word.
    if (!next && !open_bodies.empty()) next = open_bodies.begin()->first;
    data.set("answered", std::to_string(mine.size()));
    data.set("left", std::to_string(open_bodies.size()));
    if (next) {
      Data statement;
      statement.set("statement_id", std::to_string(*next));
      statement.set("body", open_bodies.at(*next));
      data.set("next", statement);
    } else {
      data.set("all_answered", true);
    }
  }
  data.set("saved", ctx.request.Query("saved").has_value());
  data.set("submitted", ctx.request.Query("submitted").has_value());
  data.set("body", body);
  data.set("max_length", std::to_string(domain::kMaxStatementLength));
  data.set("can_manage", domain::Can(ctx.actor, domain::Action::kManageForums));
  if (domain::Can(ctx.actor, domain::Action::kModerate)) {
    data.set("can_moderate", true);
    const auto pending =
        domain::ListStatements(ctx.db, conversation.id, domain::StatementStatus::kPending);
    data.set("pending",
             pending.empty() ? std::string("none") : std::to_string(pending.size()) + " waiting");
  }
  AddErrors(data, errors);
  return app.Page(ctx, status, "conversation", conversation.question, std::move(data));
}

http::Response View(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  return ConversationPage(app, ctx, *conversation);
}

http::Response PostVote(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  const auto statement = ParseId(ctx.form.Get("statement"));
  if (!statement) {
    return app.Error(ctx, 400, "Something in the request was not right",
                     "Go back to the conversation and answer the statement shown there.");
  }
  const auto found = domain::FindStatement(ctx.db, ctx.partnership->id, *statement);
  if (!found || found->conversation_id != conversation->id) return app.Error(ctx, 404);
  const auto outcome = domain::VoteOnStatement(ctx.db, ctx.now, ctx.actor, ctx.partnership->id,
                                               *statement, ctx.form.Get("vote"));
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return ConversationPage(app, ctx, *conversation, 422, "", outcome.errors);
  // The engine takes the vote now, on this worker thread; the live pages hear of it after.
  app.opinion_maps().Sync(ctx.db, conversation->id);
  app.ConversationChanged(conversation->id);
  return http::Response::Redirect(ConversationPath(ctx, conversation->id) + "?saved=1#statement");
}

http::Response PostStatement(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  const std::string body = ctx.form.Get("body");
  const auto outcome = domain::SubmitStatement(ctx.db, ctx.now, ctx.actor, ctx.partnership->id,
                                               conversation->id, body);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return ConversationPage(app, ctx, *conversation, 422, body, outcome.errors);
  return http::Response::Redirect(ConversationPath(ctx, conversation->id) +
                                  "?submitted=1#new-statement");
}

http::Response PostState(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  const std::string state = ctx.form.Get("state");
  if (state != "open" && state != "closed") {
    return app.Error(ctx, 422, "Choose whether to open or close the conversation",
                     "Go back to the conversation and use its button.");
  }
  const auto outcome = domain::SetConversationOpen(ctx.db, ctx.now, ctx.actor, ctx.partnership->id,
                                                   conversation->id, state == "open");
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  return http::Response::Redirect(ConversationPath(ctx, conversation->id));
}

// ---- Moderation -----------------------------------------------------------------------------

http::Response ModerationPage(App& app, Context& ctx, const domain::Conversation& conversation,
                              int status = 200, const std::string& body = "",
                              const domain::FieldErrors& errors = {}) {
  if (!domain::Can(ctx.actor, domain::Action::kModerate)) return app.Denied(ctx);
  Data data = Heading(ctx, conversation);
  auto list = [&](domain::StatementStatus s) {
    List out;
    for (const domain::Statement& statement : domain::ListStatements(ctx.db, conversation.id, s)) {
      Data item;
      item.set("id", std::to_string(statement.id));
      item.set("body", statement.body);
      item.set("when", FormatTime(statement.created_at));
      item.set("seed", statement.seed);
      item.set("meta", statement.is_meta);
      out.push_back(item);
    }
    return out;
  };
  const List pending = list(domain::StatementStatus::kPending);
  const List accepted = list(domain::StatementStatus::kAccepted);
  const List rejected = list(domain::StatementStatus::kRejected);
  data.set("pending", pending);
  data.set("no_pending", pending.empty());
  data.set("accepted", accepted);
  data.set("no_accepted", accepted.empty());
  data.set("rejected", rejected);
  data.set("any_rejected", !rejected.empty());
  data.set("can_seed", domain::Can(ctx.actor, domain::Action::kManageForums));
  data.set("body", body);
  AddErrors(data, errors);
  return app.Page(ctx, status, "conversation_moderation",
                  "Moderate statements: " + conversation.question, std::move(data));
}

http::Response GetModeration(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  return ModerationPage(app, ctx, *conversation);
}

http::Response PostSeed(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  const std::string body = ctx.form.Get("body");
  const auto outcome =
      domain::AddSeedStatement(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, conversation->id,
                               body, ctx.form.Get("meta") == "yes");
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return ModerationPage(app, ctx, *conversation, 422, body, outcome.errors);
  app.ConversationChanged(conversation->id);
  return http::Response::Redirect(ConversationPath(ctx, conversation->id) + "/moderation");
}

http::Response PostModerate(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  const auto statement =
      id ? domain::FindStatement(ctx.db, ctx.partnership->id, *id) : std::nullopt;
  if (!statement) return app.Error(ctx, 404);
  const auto outcome = domain::ModerateStatement(ctx.db, ctx.now, ctx.actor, ctx.partnership->id,
                                                 statement->id, ctx.form.Get("decision"));
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) {
    return app.Error(ctx, 422, "Choose accept or reject",
                     "Go back to the moderation page and use one of the statement's buttons.");
  }
  app.opinion_maps().Sync(ctx.db, statement->conversation_id);
  app.ConversationChanged(statement->conversation_id);
  return http::Response::Redirect(ConversationPath(ctx, statement->conversation_id) +
                                  "/moderation");
}

// ---- Map and report, whole pages and live fragments ------------------------------------------

http::Response Fragment(std::string html) {
  http::Response response = http::Response::Html(200, std::move(html));
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

http::Response MapPage(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  const MapReading reading = app.opinion_maps().Read(ctx.db, ctx.partnership->id, conversation->id,
                                                     ctx.actor.person_id, 0, false);
  Data data = Heading(ctx, *conversation);
  data.set("version", reading.version);
  data.set("fragment", app.Render("_conversation_map", MapData(ctx, *conversation, reading)));
  return app.Page(ctx, 200, "conversation_map", "Opinion map: " + conversation->question,
                  std::move(data));
}

http::Response MapFragment(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  const MapReading reading = app.opinion_maps().Read(ctx.db, ctx.partnership->id, conversation->id,
                                                     ctx.actor.person_id, 0, false);
  return Fragment(app.Render("_conversation_map", MapData(ctx, *conversation, reading)));
}

// The report fragment at the map's version now, rendered once for all who ask for it.
std::string ReportHtml(App& app, Context& ctx, const domain::Conversation& conversation,
                       std::string& version) {
  version = app.opinion_maps().Sync(ctx.db, conversation.id);
  return app.KeptFragment("report/" + std::to_string(conversation.id), version, [&] {
    const MapReading reading =
        app.opinion_maps().Read(ctx.db, ctx.partnership->id, conversation.id, 0, 0, true);
    return app.Render("_conversation_report", ReportData(ctx, conversation, reading));
  });
}

http::Response ReportPage(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  std::string version;
  Data data = Heading(ctx, *conversation);
  data.set("fragment", ReportHtml(app, ctx, *conversation, version));
  data.set("version", version);
  return app.Page(ctx, 200, "conversation_report", "Report: " + conversation->question,
                  std::move(data));
}

http::Response ReportFragment(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  std::string version;
  return Fragment(ReportHtml(app, ctx, *conversation, version));
}

// The map's version now, then after each change; pages fetch their fragment when it moves.
http::Response Events(App& app, Context& ctx) {
  const auto conversation = ConversationInUrl(ctx);
  if (!conversation) return app.Error(ctx, 404);
  return http::Response::EventStream(ConversationTopic(conversation->id),
                                     app.opinion_maps().Sync(ctx.db, conversation->id));
}

}  // namespace

void AddConversationRoutes(App& app) {
  app.Route("GET", "/p/{slug}/forums/{id}/conversations/new", GetNew);
  app.Route("POST", "/p/{slug}/forums/{id}/conversations/new", PostNew);
  app.Route("GET", "/p/{slug}/conversations/{id}", View);
  app.Route("POST", "/p/{slug}/conversations/{id}/vote", PostVote);
  app.Route("POST", "/p/{slug}/conversations/{id}/statements", PostStatement);
  app.Route("POST", "/p/{slug}/conversations/{id}/state", PostState);
  app.Route("GET", "/p/{slug}/conversations/{id}/moderation", GetModeration);
  app.Route("POST", "/p/{slug}/conversations/{id}/seed", PostSeed);
  app.Route("POST", "/p/{slug}/statements/{id}/moderation", PostModerate);
  app.Route("GET", "/p/{slug}/conversations/{id}/map", MapPage);
  app.Route("GET", "/p/{slug}/conversations/{id}/map/live", MapFragment);
  app.Route("GET", "/p/{slug}/conversations/{id}/report", ReportPage);
  app.Route("GET", "/p/{slug}/conversations/{id}/report/live", ReportFragment);
  app.Route("GET", "/p/{slug}/conversations/{id}/events", Events);
}

}  // namespace coproduce::web
