// People in a partnership: the list, invitations, each person's page with their role and
// the organisations they represent.
#include "domain/accounts.hpp"
#include "domain/organisations.hpp"
#include "domain/people.hpp"
#include "domain/permissions.hpp"
#include "domain/validation.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

std::string BasePath(const Context& ctx) { return "/p/" + ctx.partnership->slug + "/people"; }

List RoleOptions(std::string_view selected) {
  List roles;
  for (domain::Role r : domain::kRoles) {
    Data item;
    item.set("value", std::string(domain::ToString(r)));
    item.set("label", std::string(domain::RoleLabel(r)));
    item.set("selected", selected == domain::ToString(r));
    roles.push_back(item);
  }
  return roles;
}

http::Response ListPage(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kViewPeople)) return app.Denied(ctx);
  List rows;
  for (const auto& p : domain::ListPeople(ctx.db, ctx.partnership->id, false)) {
    Data item;
    item.set("id", std::to_string(p.id));
    item.set("name", p.full_name);
    item.set("role", std::string(domain::RoleLabel(p.role)));
    rows.push_back(item);
  }
  Data data;
  data.set("rows", rows);
  data.set("can_invite", domain::Can(ctx.actor, domain::Action::kInvitePerson));
  return app.Page(ctx, 200, "people", "People", std::move(data));
}

http::Response InviteForm(App& app, Context& ctx, int status, const domain::FieldErrors& errors) {
  Data data;
  data.set("full_name", ctx.form.Get("full_name"));
  data.set("email", ctx.form.Get("email"));
  data.set("roles", RoleOptions(ctx.form.Has("role") ? ctx.form.Get("role") : "member"));
  AddErrors(data, errors);
  return app.Page(ctx, status, "invite", "Invite a person", std::move(data));
}

http::Response GetInvite(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kInvitePerson)) return app.Denied(ctx);
  return InviteForm(app, ctx, 200, {});
}

http::Response PostInvite(App& app, Context& ctx) {
  const auto created = domain::CreateInvitation(ctx.db, ctx.now, ctx.actor, ctx.partnership->id,
                                                ctx.form.Get("full_name"), ctx.form.Get("email"),
                                                ctx.form.Get("role"), app.config().base_url);
  if (created.outcome.status == domain::Outcome::Status::kDenied) return app.Denied(ctx);
  if (!created.outcome.ok()) return InviteForm(app, ctx, 422, created.outcome.errors);
  Data data;
  data.set("full_name", domain::TrimField(ctx.form.Get("full_name")));
  data.set("email", domain::NormaliseEmail(ctx.form.Get("email")));
  data.set("link", app.config().base_url + "/invite/" + created.token);
  return app.Page(ctx, 200, "invite_created", "Invitation created", std::move(data));
}

http::Response PersonPage(App& app, Context& ctx, int status, const domain::FieldErrors& errors) {
  if (!domain::Can(ctx.actor, domain::Action::kViewPeople)) return app.Denied(ctx);
  const auto id = ParseId(ctx.request.Param("id"));
  const auto person = id ? domain::FindPerson(ctx.db, ctx.partnership->id, *id) : std::nullopt;
  if (!person || person->archived) return app.Error(ctx, 404);
  const bool posted = ctx.request.method == "POST";
  Data data;
  data.set("id", std::to_string(person->id));
  data.set("name", person->full_name);
  data.set("role", std::string(domain::RoleLabel(person->role)));
  List representations;
  for (const auto& r : domain::ListRepresentationsOf(ctx.db, ctx.partnership->id, person->id)) {
    Data item;
    item.set("organisation", r.organisation_name);
    item.set("organisation_id", std::to_string(r.organisation_id));
    item.set("role", r.role);
    item.set("term", RepresentationTerm(r));
    representations.push_back(item);
  }
  data.set("representations", representations);
  data.set("no_representations", representations.empty());
  const bool can_manage = domain::Can(ctx.actor, domain::Action::kManagePeople);
  data.set("can_manage", can_manage);
  if (can_manage) {
    data.set("full_name",
             posted && ctx.form.Has("full_name") ? ctx.form.Get("full_name") : person->full_name);
    data.set("roles", RoleOptions(posted && ctx.form.Has("role") ? ctx.form.Get("role")
                                                                 : domain::ToString(person->role)));
    data.set("email", person->email);
    List organisations;
    for (const auto& o : domain::ListOrganisations(ctx.db, ctx.partnership->id, false)) {
      Data item;
      item.set("id", std::to_string(o.id));
      item.set("name", o.name);
      item.set("selected", ctx.form.Get("organisation_id") == std::to_string(o.id));
      organisations.push_back(item);
    }
    data.set("organisations", organisations);
    data.set("rep_role", ctx.form.Get("rep_role"));
    data.set("starts_on", ctx.form.Get("starts_on"));
    data.set("ends_on", ctx.form.Get("ends_on"));
  }
  AddErrors(data, errors);
  return app.Page(ctx, status, "person", person->full_name, std::move(data));
}

http::Response GetPerson(App& app, Context& ctx) { return PersonPage(app, ctx, 200, {}); }

// One handler per form on the person page; each answers with the page and its errors.
http::Response PostPersonWith(App& app, Context& ctx, const domain::Outcome& outcome) {
  if (outcome.status == domain::Outcome::Status::kDenied) return app.Denied(ctx);
  if (outcome.status == domain::Outcome::Status::kNotFound) return app.Error(ctx, 404);
  if (!outcome.ok()) return PersonPage(app, ctx, 422, outcome.errors);
  return http::Response::Redirect(BasePath(ctx) + "/" + ctx.request.Param("id"));
}

http::Response PostEditPerson(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  return PostPersonWith(app, ctx,
                        domain::UpdatePerson(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id,
                                             ctx.form.Get("full_name"), ctx.form.Get("role")));
}

http::Response PostRepresentation(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  domain::Outcome outcome = domain::AddRepresentation(
      ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id, ctx.form.Get("organisation_id"),
      ctx.form.Get("rep_role"), ctx.form.Get("starts_on"), ctx.form.Get("ends_on"));
  // The page has two "role" fields; this form's is rep_role.
  for (auto& error : outcome.errors) {
    if (error.field == "role") error.field = "rep_role";
  }
  return PostPersonWith(app, ctx, outcome);
}

http::Response PostArchivePerson(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const domain::Outcome outcome =
      domain::ArchivePerson(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id);
  if (!outcome.ok()) return PostPersonWith(app, ctx, outcome);
  return http::Response::Redirect(BasePath(ctx));
}

}  // namespace

void AddPeopleRoutes(App& app) {
  app.Route("GET", "/p/{slug}/people", ListPage);
  app.Route("GET", "/p/{slug}/people/invite", GetInvite);
  app.Route("POST", "/p/{slug}/people/invite", PostInvite);
  app.Route("GET", "/p/{slug}/people/{id}", GetPerson);
  app.Route("POST", "/p/{slug}/people/{id}", PostEditPerson);
  app.Route("POST", "/p/{slug}/people/{id}/representations", PostRepresentation);
  app.Route("POST", "/p/{slug}/people/{id}/archive", PostArchivePerson);
}

}  // namespace coproduce::web
