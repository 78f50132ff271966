// Solutions: proposing one to a forum's key issues, the solution page, and the facilitator's
// shortlist for the vote.
#include "domain/forums.hpp"
#include "domain/issues.hpp"
#include "domain/people.hpp"
#include "domain/permissions.hpp"
#include "domain/solutions.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

std::string SolutionPath(const Context& ctx, int64_t id) {
  return "/p/" + ctx.partnership->slug + "/solutions/" + std::to_string(id);
}

http::Response SolutionForm(App& app, Context& ctx, int status, const domain::Forum& forum,
                            const domain::SolutionInput& in, const domain::FieldErrors& errors) {
  Data data;
  data.set("forum_id", std::to_string(forum.id));
  data.set("forum_title", forum.title);
  data.set("title", in.title);
  data.set("description", in.description);
  data.set("cost", in.cost);
  List organisations;
  for (const auto& r :
       domain::ListRepresentationsOf(ctx.db, ctx.partnership->id, ctx.actor.person_id)) {
    if (!r.ends_on.empty()) continue;
    Data item;
    item.set("id", std::to_string(r.organisation_id));
    item.set("name", r.organisation_name);
    item.set("selected", in.organisation_id == std::to_string(r.organisation_id));
    organisations.push_back(item);
  }
  data.set("organisations", organisations);
  List issues;
  for (const auto& issue : domain::ListIssues(ctx.db, ctx.partnership->id, forum.id)) {
    if (issue.hidden_reason) continue;
    Data item;
    item.set("id", std::to_string(issue.id));
    item.set("title", issue.title);
    bool checked = false;
    for (const std::string& chosen : in.issue_ids)
      checked = checked || chosen == std::to_string(issue.id);
    item.set("checked", checked);
    issues.push_back(item);
  }
  data.set("issues", issues);
  AddErrors(data, errors);
  return app.Page(ctx, status, "solution_form", "Propose a solution", std::move(data));
}

http::Response GetNew(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kTakePart)) return app.Denied(ctx);
  const auto forum = ForumInUrl(ctx);
  if (!forum) return app.Error(ctx, 404);
  if (forum->phase != domain::Phase::kSolutions) {
    return *app.Refusal(
        ctx, domain::Outcome::Conflict("Solutions can be proposed only while the forum is in its "
                                       "solutions phase."));
  }
  return SolutionForm(app, ctx, 200, *forum, {}, {});
}

http::Response PostNew(App& app, Context& ctx) {
  const auto forum = ForumInUrl(ctx);
  if (!forum) return app.Error(ctx, 404);
  const domain::SolutionInput input{ctx.form.Get("title"), ctx.form.Get("description"),
                                    ctx.form.Get("organisation"), ctx.form.Get("cost"),
                                    ctx.form.GetAll("issues")};
  const auto outcome =
      domain::ProposeSolution(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, forum->id, input);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return SolutionForm(app, ctx, 422, *forum, input, outcome.errors);
  return http::Response::Redirect(SolutionPath(ctx, outcome.id));
}

http::Response View(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  const auto solution = id ? domain::FindSolution(ctx.db, ctx.partnership->id, *id) : std::nullopt;
  if (!solution) return app.Error(ctx, 404);
  const auto forum = domain::FindForum(ctx.db, ctx.partnership->id, solution->forum_id);
  if (!forum) return app.Error(ctx, 404);
  Data data;
  data.set("id", std::to_string(solution->id));
  data.set("forum_id", std::to_string(forum->id));
  data.set("forum_title", forum->title);
  data.set("title", solution->title);
  data.set("description", solution->description);
  data.set("proposed_by", solution->organisation.empty()
                              ? solution->author_name
                              : solution->organisation + " (" + solution->author_name + ")");
  data.set("cost", solution->cost_pence ? domain::FormatPounds(*solution->cost_pence)
                                        : std::string("Not given"));
  List issues;
  for (const auto& [issue_id, title] : solution->issues) {
    Data item;
    item.set("id", std::to_string(issue_id));
    item.set("title", title);
    issues.push_back(item);
  }
  data.set("issues", issues);
  data.set("shortlisted", solution->shortlisted);
  data.set("can_shortlist", domain::Can(ctx.actor, domain::Action::kModerate) &&
                                (forum->phase == domain::Phase::kSolutions ||
                                 forum->phase == domain::Phase::kPrioritise));
  return app.Page(ctx, 200, "solution", solution->title, std::move(data));
}

http::Response PostShortlist(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const std::string& value = ctx.form.Get("shortlisted");
  if (value != "yes" && value != "no") return app.Error(ctx, 400);
  const auto outcome =
      domain::SetShortlisted(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id, value == "yes");
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  return http::Response::Redirect(SolutionPath(ctx, *id));
}

}  // namespace

void AddSolutionRoutes(App& app) {
  app.Route("GET", "/p/{slug}/forums/{id}/solutions/new", GetNew);
  app.Route("POST", "/p/{slug}/forums/{id}/solutions/new", PostNew);
  app.Route("GET", "/p/{slug}/solutions/{id}", View);
  app.Route("POST", "/p/{slug}/solutions/{id}/shortlist", PostShortlist);
}

}  // namespace coproduce::web
