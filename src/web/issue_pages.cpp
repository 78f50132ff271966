// Key issues: raising one in a forum, the issue page with its supports and comments, and a
// facilitator's merge and hide forms.
#include "domain/forums.hpp"
#include "domain/issues.hpp"
#include "domain/partnerships.hpp"
#include "domain/permissions.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

std::string IssuePath(const Context& ctx, int64_t id) {
  return "/p/" + ctx.partnership->slug + "/issues/" + std::to_string(id);
}

http::Response IssueForm(App& app, Context& ctx, int status, const domain::Forum& forum,
                         const domain::IssueInput& in, const domain::FieldErrors& errors) {
  Data data;
  data.set("forum_id", std::to_string(forum.id));
  data.set("forum_title", forum.title);
  data.set("title", in.title);
  data.set("description", in.description);
  data.set("themes", SelectOptions(domain::ListThemes(ctx.db, ctx.partnership->id), in.theme_id));
  data.set("localities",
           SelectOptions(domain::ListLocalities(ctx.db, ctx.partnership->id), in.locality_id));
  AddErrors(data, errors);
  return app.Page(ctx, status, "issue_form", "Raise an issue", std::move(data));
}

http::Response GetNew(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kTakePart)) return app.Denied(ctx);
  const auto forum = ForumInUrl(ctx);
  if (!forum) return app.Error(ctx, 404);
  if (forum->phase != domain::Phase::kIssues) {
    return *app.Refusal(ctx, domain::Outcome::Conflict(
                                 "Issues can be raised only while the forum is naming its key "
                                 "issues."));
  }
  return IssueForm(app, ctx, 200, *forum, {}, {});
}

http::Response PostNew(App& app, Context& ctx) {
  const auto forum = ForumInUrl(ctx);
  if (!forum) return app.Error(ctx, 404);
  const domain::IssueInput input{ctx.form.Get("title"), ctx.form.Get("description"),
                                 ctx.form.Get("theme"), ctx.form.Get("locality")};
  const auto outcome =
      domain::RaiseIssue(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, forum->id, input);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return IssueForm(app, ctx, 422, *forum, input, outcome.errors);
  return http::Response::Redirect(IssuePath(ctx, outcome.id));
}

// The issue page; `status` and `errors` come from a form on it that needs correcting, and
// `comment` is what was typed into the comment box.
http::Response IssuePage(App& app, Context& ctx, int64_t id, int status = 200,
                         const domain::FieldErrors& errors = {}, const std::string& comment = "") {
  const auto issue = domain::FindIssue(ctx.db, ctx.partnership->id, id);
  if (!issue) return app.Error(ctx, 404);
  const auto forum = domain::FindForum(ctx.db, ctx.partnership->id, issue->forum_id);
  if (!forum) return app.Error(ctx, 404);
  Data data;
  data.set("id", std::to_string(issue->id));
  data.set("forum_id", std::to_string(forum->id));
  data.set("forum_title", forum->title);
  if (issue->merged_into != 0) {
    const auto into = domain::FindIssue(ctx.db, ctx.partnership->id, issue->merged_into);
    data.set("merged", true);
    data.set("merged_into_id", std::to_string(issue->merged_into));
    data.set("merged_into_title", into ? into->title : std::string("another issue"));
    return app.Page(ctx, status, "issue", "Merged issue", std::move(data));
  }
  if (!domain::CanSeeContent(ctx.actor, issue->author_id, issue->hidden_reason)) {
    data.set("withheld", true);
    return app.Page(ctx, status, "issue", "Hidden issue", std::move(data));
  }
  const bool moderator = domain::Can(ctx.actor, domain::Action::kModerate);
  const bool open =
      forum->phase == domain::Phase::kIssues || forum->phase == domain::Phase::kSolutions;
  const bool can_take_part =
      open && !issue->hidden_reason && domain::Can(ctx.actor, domain::Action::kTakePart);
  data.set("show", true);
  data.set("title", issue->title);
  data.set("description", issue->description);
  data.set("theme", issue->theme.empty() ? "Not given" : issue->theme);
  data.set("locality", issue->locality.empty() ? "Not given" : issue->locality);
  data.set("author", issue->author_name);
  data.set("raised", FormatTime(issue->created_at));
  data.set("supports", std::to_string(issue->supports));
  data.set("one_support", issue->supports == 1);
  if (issue->hidden_reason) data.set("hidden_reason", *issue->hidden_reason);
  const bool supported = ctx.user && domain::HasSupported(ctx.db, issue->id, ctx.actor.person_id);
  data.set("supported", supported && !issue->hidden_reason);
  data.set("can_support", can_take_part && !supported);
  data.set("can_comment", can_take_part);
  data.set("sign_in_to_take_part", open && !ctx.user);
  data.set("comment", comment);

  List comments;
  for (const auto& c : domain::ListComments(ctx.db, issue->id)) {
    Data item;
    item.set("id", std::to_string(c.id));
    item.set("author", c.author_name);
    item.set("when", FormatTime(c.created_at));
    const bool visible = domain::CanSeeContent(ctx.actor, c.author_id, c.hidden_reason);
    item.set("visible", visible);
    if (visible) item.set("body", c.body);
    if (c.hidden_reason && visible) item.set("hidden_reason", *c.hidden_reason);
    item.set("can_hide", moderator && !c.hidden_reason);
    comments.push_back(item);
  }
  data.set("comments", comments);
  data.set("no_comments", comments.empty());

  data.set("moderator", moderator);
  data.set("can_hide", moderator && !issue->hidden_reason);
  List others;
  for (const auto& other : domain::ListIssues(ctx.db, ctx.partnership->id, forum->id)) {
    if (other.id == issue->id) continue;
    Data item;
    item.set("id", std::to_string(other.id));
    item.set("title", other.title);
    others.push_back(item);
  }
  data.set("merge_targets", others);
  data.set("can_merge", moderator && !others.empty());
  AddErrors(data, errors);
  return app.Page(ctx, status, "issue", issue->title, std::move(data));
}

http::Response View(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  return IssuePage(app, ctx, *id);
}

// Runs a write from a form on the issue page: redirects back on success, shows the page
// again with the errors when something needs correcting.
http::Response AfterWrite(App& app, Context& ctx, int64_t issue_id, const domain::Outcome& outcome,
                          const std::string& comment = "") {
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return IssuePage(app, ctx, issue_id, 422, outcome.errors, comment);
  return http::Response::Redirect(IssuePath(ctx, outcome.id));
}

http::Response PostSupport(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  return AfterWrite(app, ctx, *id,
                    domain::SupportIssue(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id));
}

http::Response PostComment(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const std::string body = ctx.form.Get("body");
  auto outcome = domain::CommentOnIssue(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id, body);
  if (outcome.ok()) outcome.id = *id;  // back to the issue, not the comment
  return AfterWrite(app, ctx, *id, outcome, body);
}

http::Response PostMerge(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const auto into = ParseId(ctx.form.Get("into"));
  return AfterWrite(app, ctx, *id,
                    domain::MergeIssue(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id,
                                       into.value_or(0), app.config().base_url));
}

http::Response PostHide(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  return AfterWrite(app, ctx, *id,
                    domain::HideIssue(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id,
                                      ctx.form.Get("reason")));
}

http::Response PostHideComment(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const auto outcome = domain::HideComment(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id,
                                           ctx.form.Get("reason"));
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) {
    return app.Error(ctx, 422, "Give a reason",
                     "Go back and say why you are hiding the comment. Its author will see it.");
  }
  return http::Response::Redirect(IssuePath(ctx, outcome.id));
}

}  // namespace

void AddIssueRoutes(App& app) {
  app.Route("GET", "/p/{slug}/forums/{id}/issues/new", GetNew);
  app.Route("POST", "/p/{slug}/forums/{id}/issues/new", PostNew);
  app.Route("GET", "/p/{slug}/issues/{id}", View);
  app.Route("POST", "/p/{slug}/issues/{id}/support", PostSupport);
  app.Route("POST", "/p/{slug}/issues/{id}/comments", PostComment);
  app.Route("POST", "/p/{slug}/issues/{id}/merge", PostMerge);
  app.Route("POST", "/p/{slug}/issues/{id}/hide", PostHide);
  app.Route("POST", "/p/{slug}/comments/{id}/hide", PostHideComment);
}

}  // namespace coproduce::web
