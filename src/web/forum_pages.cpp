// Forums: the list, starting one, the forum page (what is happening now and next, its key
// issues), moving between phases, and the partnership's themes.
#include "domain/conversations.hpp"
#include "domain/forums.hpp"
#include "domain/issues.hpp"
#include "domain/permissions.hpp"
#include "domain/sessions.hpp"
#include "domain/solutions.hpp"
#include "domain/votes.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

std::string ForumsPath(const Context& ctx) { return "/p/" + ctx.partnership->slug + "/forums"; }

std::string ForumPath(const Context& ctx, int64_t id) {
  return ForumsPath(ctx) + "/" + std::to_string(id);
}

http::Response ListPage(App& app, Context& ctx) {
  List rows;
  for (const auto& f : domain::ListForums(ctx.db, ctx.partnership->id)) {
    Data item;
    item.set("id", std::to_string(f.id));
    item.set("title", f.title);
    item.set("phase", std::string(domain::PhaseLabel(f.phase)));
    item.set("started", FormatTime(f.created_at));
    rows.push_back(item);
  }
  Data data;
  data.set("rows", rows);
  data.set("none", rows.empty());
  data.set("can_manage", domain::Can(ctx.actor, domain::Action::kManageForums));
  return app.Page(ctx, 200, "forums", "Forums", std::move(data));
}

http::Response ForumForm(App& app, Context& ctx, int status, const domain::ForumInput& in,
                         const domain::FieldErrors& errors) {
  Data data;
  data.set("title", in.title);
  data.set("summary", in.summary);
  AddErrors(data, errors);
  return app.Page(ctx, status, "forum_form", "Start a forum", std::move(data));
}

http::Response GetNew(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kManageForums)) return app.Denied(ctx);
  return ForumForm(app, ctx, 200, {}, {});
}

http::Response PostNew(App& app, Context& ctx) {
  const domain::ForumInput input{ctx.form.Get("title"), ctx.form.Get("summary")};
  const auto outcome = domain::CreateForum(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, input);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return ForumForm(app, ctx, 422, input, outcome.errors);
  return http::Response::Redirect(ForumPath(ctx, outcome.id));
}

// Every phase in order, marked done, now or to come, for the forum's step list.
List PhaseSteps(domain::Phase now) {
  List steps;
  for (domain::Phase p : domain::kPhases) {
    Data step;
    step.set("value", std::string(domain::ToString(p)));
    step.set("label", std::string(domain::PhaseLabel(p)));
    step.set("current", p == now);
    step.set("done", static_cast<int>(p) < static_cast<int>(now));
    steps.push_back(step);
  }
  return steps;
}

http::Response View(App& app, Context& ctx) {
  const auto forum = ForumInUrl(ctx);
  if (!forum) return app.Error(ctx, 404);
  Data data;
  data.set("id", std::to_string(forum->id));
  data.set("title", forum->title);
  data.set("summary", forum->summary);
  data.set("phase", std::string(domain::PhaseLabel(forum->phase)));
  data.set("phase_description", std::string(domain::PhaseDescription(forum->phase)));
  data.set("phase_since", FormatTime(forum->phase_changed_at));
  if (const auto next = domain::NextPhase(forum->phase)) {
    Data n;
    n.set("label", std::string(domain::PhaseLabel(*next)));
    n.set("description", std::string(domain::PhaseDescription(*next)));
    data.set("next", n);
  }
  data.set("steps", PhaseSteps(forum->phase));
  data.set("can_manage", domain::Can(ctx.actor, domain::Action::kManageForums));

  List sessions;
  for (const auto& s : domain::ListForumSessions(ctx.db, ctx.partnership->id, forum->id)) {
    Data item;
    item.set("id", std::to_string(s.id));
    item.set("title", s.title);
    item.set("when", domain::FormatUkTime(s.starts_at));
    item.set("format", std::string(domain::FormatLabel(s.format)));
    const int left = std::max(0, s.capacity - s.confirmed);
    item.set("places", left == 0 ? std::string("Full (waiting list)") : std::to_string(left));
    sessions.push_back(item);
  }
  data.set("sessions", sessions);
  data.set("no_sessions", sessions.empty());

  List issues;
  for (const auto& issue : domain::ListIssues(ctx.db, ctx.partnership->id, forum->id)) {
    if (!domain::CanSeeContent(ctx.actor, issue.author_id, issue.hidden_reason)) continue;
    Data item;
    item.set("id", std::to_string(issue.id));
    item.set("title", issue.title);
    item.set("theme", issue.theme);
    item.set("locality", issue.locality);
    item.set("supports", std::to_string(issue.supports));
    item.set("one_support", issue.supports == 1);
    item.set("hidden", issue.hidden_reason.has_value());
    issues.push_back(item);
  }
  data.set("show_issues", forum->phase != domain::Phase::kGather || !issues.empty());
  data.set("issues", issues);
  data.set("no_issues", issues.empty());
  const bool raising = forum->phase == domain::Phase::kIssues;
  data.set("can_raise", raising && domain::Can(ctx.actor, domain::Action::kTakePart));
  data.set("sign_in_to_raise", raising && !ctx.user);

  List solutions;
  for (const auto& solution : domain::ListSolutions(ctx.db, ctx.partnership->id, forum->id)) {
    Data item;
    item.set("id", std::to_string(solution.id));
    item.set("title", solution.title);
    item.set("proposed_by",
             solution.organisation.empty() ? solution.author_name : solution.organisation);
    item.set("cost", solution.cost_pence ? domain::FormatPounds(*solution.cost_pence)
                                         : std::string("Not given"));
    item.set("shortlisted", solution.shortlisted);
    solutions.push_back(item);
  }
  data.set("show_solutions",
           static_cast<int>(forum->phase) >= static_cast<int>(domain::Phase::kSolutions) ||
               !solutions.empty());
  data.set("solutions", solutions);
  data.set("no_solutions", solutions.empty());
  const bool proposing = forum->phase == domain::Phase::kSolutions;
  data.set("can_propose", proposing && domain::Can(ctx.actor, domain::Action::kTakePart));
  data.set("sign_in_to_propose", proposing && !ctx.user);

  List votes;
  for (const auto& vote : domain::ListVotes(ctx.db, ctx.partnership->id, forum->id)) {
    Data item;
    item.set("id", std::to_string(vote.id));
    item.set("title", vote.title);
    item.set("state", ctx.now < vote.opens_at ? "Opens " + domain::FormatUkTime(vote.opens_at)
                      : vote.IsOpen(ctx.now)  ? "Open until " + domain::FormatUkTime(vote.closes_at)
                                              : "Closed " + domain::FormatUkTime(vote.closes_at));
    votes.push_back(item);
  }
  const bool prioritising = forum->phase == domain::Phase::kPrioritise;
  data.set("show_votes", prioritising || !votes.empty());
  data.set("votes", votes);
  data.set("no_votes", votes.empty());
  data.set("can_set_up_vote",
           prioritising && domain::Can(ctx.actor, domain::Action::kManageForums));

  List conversations;
  for (const auto& c : domain::ListConversations(ctx.db, ctx.partnership->id, forum->id)) {
    Data item;
    item.set("id", std::to_string(c.id));
    item.set("question", c.question);
    item.set("state", std::string(c.open ? "Open" : "Closed"));
    conversations.push_back(item);
  }
  data.set("conversations", conversations);
  data.set("no_conversations", conversations.empty());
  return app.Page(ctx, 200, "forum", forum->title, std::move(data));
}

http::Response PostPhase(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const auto outcome = domain::SetForumPhase(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id,
                                             ctx.form.Get("phase"));
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) {
    return app.Error(ctx, 422, "Choose a phase",
                     "Go back to the forum and choose a phase from the list.");
  }
  return http::Response::Redirect(ForumPath(ctx, *id));
}

http::Response ThemesPage(App& app, Context& ctx, int status, const std::string& name,
                          const domain::FieldErrors& errors) {
  if (!domain::Can(ctx.actor, domain::Action::kManageForums)) return app.Denied(ctx);
  List themes;
  for (const auto& t : domain::ListThemes(ctx.db, ctx.partnership->id)) {
    Data item;
    item.set("name", t.name);
    themes.push_back(item);
  }
  Data data;
  data.set("themes", themes);
  data.set("none", themes.empty());
  data.set("name", name);
  AddErrors(data, errors);
  return app.Page(ctx, status, "themes", "Themes", std::move(data));
}

http::Response GetThemes(App& app, Context& ctx) { return ThemesPage(app, ctx, 200, "", {}); }

http::Response PostTheme(App& app, Context& ctx) {
  const std::string name = ctx.form.Get("name");
  const auto outcome = domain::AddTheme(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, name);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return ThemesPage(app, ctx, 422, name, outcome.errors);
  return http::Response::Redirect("/p/" + ctx.partnership->slug + "/themes");
}

}  // namespace

void AddForumRoutes(App& app) {
  app.Route("GET", "/p/{slug}/forums", ListPage);
  app.Route("GET", "/p/{slug}/forums/new", GetNew);
  app.Route("POST", "/p/{slug}/forums/new", PostNew);
  app.Route("GET", "/p/{slug}/forums/{id}", View);
  app.Route("POST", "/p/{slug}/forums/{id}/phase", PostPhase);
  app.Route("GET", "/p/{slug}/themes", GetThemes);
  app.Route("POST", "/p/{slug}/themes", PostTheme);
}

}  // namespace coproduce::web
