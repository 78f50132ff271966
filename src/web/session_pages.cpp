// Sessions: creating one, its page with registration and the waiting list, cancelling (also
// by the emailed link), the facilitator's list with access needs and attendance, iCalendar
// files and personal calendar feeds.
#include "domain/forums.hpp"
#include "domain/permissions.hpp"
#include "domain/sessions.hpp"
#include "domain/votes.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

std::string SessionPath(const Context& ctx, int64_t id) {
  return "/p/" + ctx.partnership->slug + "/sessions/" + std::to_string(id);
}

std::string When(const domain::ForumSession& s) {
  return domain::FormatUkTime(s.starts_at) + " to " + domain::FormatUkTime(s.ends_at).substr(11) +
         " (UK time)";
}

http::Response SessionForm(App& app, Context& ctx, int status, const domain::Forum& forum,
                           const domain::SessionInput& in, const domain::FieldErrors& errors) {
  Data data;
  data.set("forum_id", std::to_string(forum.id));
  data.set("forum_title", forum.title);
  data.set("title", in.title);
  data.set("venue", in.venue);
  data.set("meeting_link", in.meeting_link);
  data.set("starts_at", in.starts_at);
  data.set("ends_at", in.ends_at);
  data.set("capacity", in.capacity);
  List formats;
  for (const char* f : {"in-person", "online", "hybrid"}) {
    Data item;
    item.set("value", std::string(f));
    item.set("label", std::string(domain::FormatLabel(f)));
    item.set("checked", in.format == f);
    formats.push_back(item);
  }
  data.set("formats", formats);
  AddErrors(data, errors);
  return app.Page(ctx, status, "session_form", "Add a session", std::move(data));
}

http::Response GetNew(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kManageForums)) return app.Denied(ctx);
  const auto forum = ForumInUrl(ctx);
  if (!forum) return app.Error(ctx, 404);
  domain::SessionInput defaults;
  defaults.format = "in-person";
  return SessionForm(app, ctx, 200, *forum, defaults, {});
}

http::Response PostNew(App& app, Context& ctx) {
  const auto forum = ForumInUrl(ctx);
  if (!forum) return app.Error(ctx, 404);
  const http::Form& f = ctx.form;
  const domain::SessionInput input{f.Get("title"),        f.Get("format"),    f.Get("venue"),
                                   f.Get("meeting_link"), f.Get("starts_at"), f.Get("ends_at"),
                                   f.Get("capacity")};
  const auto outcome =
      domain::CreateForumSession(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, forum->id, input);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  if (!outcome.ok()) return SessionForm(app, ctx, 422, *forum, input, outcome.errors);
  return http::Response::Redirect(SessionPath(ctx, outcome.id));
}

http::Response SessionPage(App& app, Context& ctx, int64_t id, int status = 200,
                           const domain::FieldErrors& errors = {},
                           const domain::RegistrationInput& typed = {},
                           const std::string& just_registered = "") {
  const auto session = domain::FindForumSession(ctx.db, ctx.partnership->id, id);
  if (!session) return app.Error(ctx, 404);
  const auto forum = domain::FindForum(ctx.db, ctx.partnership->id, session->forum_id);
  if (!forum) return app.Error(ctx, 404);
  Data data;
  data.set("id", std::to_string(session->id));
  data.set("title", session->title);
  data.set("forum_id", std::to_string(forum->id));
  data.set("forum_title", forum->title);
  data.set("when", When(*session));
  data.set("format", std::string(domain::FormatLabel(session->format)));
  data.set("venue", session->venue);
  data.set("meeting_link", session->meeting_link);
  const int left = std::max(0, session->capacity - session->confirmed);
  data.set("places", left == 0 ? std::string("Full: new registrations join the waiting list")
                               : std::to_string(left) + " of " + std::to_string(session->capacity) +
                                     " places left");
  const bool open = session->starts_at > ctx.now;
  data.set("open", open);
  data.set("just_registered", just_registered);
  data.set("confirmed_now", just_registered == "confirmed");
  if (ctx.user) {
    if (const auto mine = domain::RegistrationOf(ctx.db, session->id, ctx.actor.person_id)) {
      data.set("registered", true);
      data.set("has_place", mine->status == "confirmed");
      data.set("waiting_position", std::to_string(mine->waiting_position));
    } else {
      data.set("can_register", open);
    }
  } else {
    data.set("public_register", open);
  }
  data.set("full_name", typed.full_name);
  data.set("email", typed.email);
  data.set("access_needs", typed.access_needs);
  data.set("dietary", typed.dietary);
  if (const auto list = domain::ListRegistrations(ctx.db, ctx.actor, ctx.partnership->id, id)) {
    List rows;
    for (const auto& r : *list) {
      Data item;
      item.set("id", std::to_string(r.id));
      item.set("name", r.full_name);
      item.set("email", r.email);
      item.set("access_needs", r.access_needs.empty() ? std::string("None given") : r.access_needs);
      item.set("dietary", r.dietary.empty() ? std::string("None given") : r.dietary);
      item.set("status", r.status == "confirmed"
                             ? std::string("Has a place")
                             : "Waiting, number " + std::to_string(r.waiting_position));
      item.set("confirmed", r.status == "confirmed");
      item.set("attended", r.attended.value_or(false));
      rows.push_back(item);
    }
    data.set("facilitator", true);
    data.set("registrations", rows);
    data.set("no_registrations", rows.empty());
  }
  AddErrors(data, errors);
  return app.Page(ctx, status, "session", session->title, std::move(data));
}

http::Response View(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  return SessionPage(app, ctx, *id);
}

http::Response PostRegister(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const domain::RegistrationInput input{ctx.form.Get("full_name"), ctx.form.Get("email"),
                                        ctx.form.Get("access_needs"), ctx.form.Get("dietary")};
  const auto result = domain::Register(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id, input,
                                       app.config().base_url);
  if (auto refusal = app.Refusal(ctx, result.outcome)) return std::move(*refusal);
  if (!result.outcome.ok()) return SessionPage(app, ctx, *id, 422, result.outcome.errors, input);
  if (ctx.user) return http::Response::Redirect(SessionPath(ctx, *id));
  return SessionPage(app, ctx, *id, 200, {}, {}, result.status);
}

http::Response PostCancel(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const auto outcome = domain::CancelRegistration(ctx.db, ctx.now, ctx.actor, ctx.partnership->id,
                                                  *id, app.config().base_url);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  return http::Response::Redirect(SessionPath(ctx, *id));
}

http::Response PostAttendance(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  std::vector<int64_t> present;
  for (const std::string& value : ctx.form.GetAll("attended")) {
    if (const auto r = ParseId(value)) present.push_back(*r);
  }
  const auto outcome =
      domain::RecordAttendance(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id, present);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  return http::Response::Redirect(SessionPath(ctx, *id));
}

http::Response Calendar(std::string body, const std::string& name) {
  http::Response response = http::Response::Text(200, std::move(body));
  response.SetHeader("Content-Type", "text/calendar; charset=utf-8");
  response.SetHeader("Content-Disposition", "attachment; filename=\"" + name + ".ics\"");
  return response;
}

http::Response SessionCalendar(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  const auto session =
      id ? domain::FindForumSession(ctx.db, ctx.partnership->id, *id) : std::nullopt;
  if (!session) return app.Error(ctx, 404);
  return Calendar(domain::SessionsCalendar({{*session, ctx.partnership->slug}},
                                           app.config().base_url, session->title),
                  "session-" + std::to_string(session->id));
}

// The emailed cancel link: a page with a button, so that link checkers cannot cancel.
http::Response GetCancelLink(App& app, Context& ctx) {
  const auto r = domain::FindRegistrationByToken(ctx.db, ctx.request.Param("token"));
  if (!r) return app.Error(ctx, 404, "This link does not work", "Check that you copied all of it.");
  Data data;
  data.set("token", ctx.request.Param("token"));
  data.set("name", r->full_name);
  data.set("cancelled", r->status == "cancelled");
  return app.Page(ctx, 200, "session_cancel", "Cancel your place", std::move(data));
}

http::Response PostCancelLink(App& app, Context& ctx) {
  const auto outcome =
      domain::CancelByToken(ctx.db, ctx.now, ctx.request.Param("token"), app.config().base_url);
  if (auto refusal = app.Refusal(ctx, outcome)) return std::move(*refusal);
  return http::Response::Redirect("/sessions/cancel/" + ctx.request.Param("token"));
}

http::Response MySessions(App& app, Context& ctx, const std::string& feed_url) {
  if (!ctx.user) return app.Denied(ctx);
  Data data;
  List rows;
  for (const auto& forum : domain::ListForums(ctx.db, ctx.partnership->id)) {
    for (const auto& s : domain::ListForumSessions(ctx.db, ctx.partnership->id, forum.id)) {
      const auto mine = domain::RegistrationOf(ctx.db, s.id, ctx.actor.person_id);
      if (!mine) continue;
      Data item;
      item.set("id", std::to_string(s.id));
      item.set("title", s.title);
      item.set("when", When(s));
      item.set("status", mine->status == "confirmed"
                             ? std::string("You have a place")
                             : "Waiting list, number " + std::to_string(mine->waiting_position));
      rows.push_back(item);
    }
  }
  data.set("rows", rows);
  data.set("none", rows.empty());
  data.set("feed_url", feed_url);
  return app.Page(ctx, 200, "my_sessions", "My sessions", std::move(data));
}

http::Response GetMySessions(App& app, Context& ctx) { return MySessions(app, ctx, ""); }

http::Response PostFeed(App& app, Context& ctx) {
  if (!ctx.user) return app.Denied(ctx);
  const std::string token = domain::NewCalendarFeedToken(ctx.db, ctx.now, ctx.actor.person_id);
  return MySessions(app, ctx, app.config().base_url + "/calendar/" + token);
}

http::Response Feed(App& app, Context& ctx) {
  const auto sessions = domain::FeedSessions(ctx.db, ctx.request.Param("token"));
  if (!sessions) return app.Error(ctx, 404);
  return Calendar(
      domain::SessionsCalendar(*sessions, app.config().base_url, "My coproduce sessions"),
      "my-sessions");
}

}  // namespace

void AddSessionRoutes(App& app) {
  app.Route("GET", "/p/{slug}/forums/{id}/sessions/new", GetNew);
  app.Route("POST", "/p/{slug}/forums/{id}/sessions/new", PostNew);
  app.Route("GET", "/p/{slug}/sessions/{id}", View);
  app.Route("POST", "/p/{slug}/sessions/{id}/register", PostRegister);
  app.Route("POST", "/p/{slug}/sessions/{id}/cancel", PostCancel);
  app.Route("POST", "/p/{slug}/sessions/{id}/attendance", PostAttendance);
  app.Route("GET", "/p/{slug}/sessions/{id}/calendar", SessionCalendar);
  app.Route("GET", "/p/{slug}/my-sessions", GetMySessions);
  app.Route("POST", "/p/{slug}/my-sessions/feed", PostFeed);
  app.Route("GET", "/sessions/cancel/{token}", GetCancelLink);
  app.Route("POST", "/sessions/cancel/{token}", PostCancelLink);
  app.Route("GET", "/calendar/{token}", Feed);
}

}  // namespace coproduce::web
