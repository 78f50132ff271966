// Member organisations: list, view, add, edit, archive.
#include "domain/organisations.hpp"
#include "domain/partnerships.hpp"
#include "domain/people.hpp"
#include "domain/permissions.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

std::string BasePath(const Context& ctx) {
  return "/p/" + ctx.partnership->slug + "/organisations";
}

domain::OrganisationInput InputFrom(const http::Form& form) {
  return {form.Get("name"), form.Get("sector"), form.Get("locality"), form.Get("charity_number"),
          form.Get("website")};
}

// The form, filled from what was typed (or the stored organisation), with the choices marked.
http::Response OrganisationForm(App& app, Context& ctx, int status,
                                const domain::OrganisationInput& in, int64_t id,
                                const domain::FieldErrors& errors) {
  Data data;
  data.set("name", in.name);
  data.set("charity_number", in.charity_number);
  data.set("website", in.website);
  List sectors;
  for (domain::Sector s : domain::kSectors) {
    Data item;
    item.set("value", std::string(domain::ToString(s)));
    item.set("label", std::string(domain::SectorLabel(s)));
    item.set("checked", in.sector == domain::ToString(s));
    sectors.push_back(item);
  }
  data.set("sectors", sectors);
  data.set("localities",
           SelectOptions(domain::ListLocalities(ctx.db, ctx.partnership->id), in.locality_id));
  data.set("editing", id != 0);
  data.set("action",
           id ? BasePath(ctx) + "/" + std::to_string(id) + "/edit" : BasePath(ctx) + "/new");
  AddErrors(data, errors);
  return app.Page(ctx, status, "organisation_form",
                  id ? "Edit organisation" : "Add an organisation", std::move(data));
}

http::Response ListPage(App& app, Context& ctx) {
  const bool archived = ctx.request.Query("archived").value_or("") == "1" &&
                        domain::Can(ctx.actor, domain::Action::kManageOrganisations);
  List rows;
  for (const auto& o : domain::ListOrganisations(ctx.db, ctx.partnership->id, archived)) {
    Data item;
    item.set("id", std::to_string(o.id));
    item.set("name", o.name);
    item.set("sector", std::string(domain::SectorLabel(o.sector)));
    item.set("locality", o.locality_name);
    item.set("charity_number", o.charity_number);
    item.set("archived", o.archived);
    rows.push_back(item);
  }
  Data data;
  data.set("rows", rows);
  data.set("none", rows.empty());
  data.set("can_manage", domain::Can(ctx.actor, domain::Action::kManageOrganisations));
  data.set("showing_archived", archived);
  return app.Page(ctx, 200, "organisations", "Organisations", std::move(data));
}

std::optional<domain::Organisation> Find(Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return std::nullopt;
  return domain::FindOrganisation(ctx.db, ctx.partnership->id, *id);
}

http::Response View(App& app, Context& ctx) {
  const auto o = Find(ctx);
  if (!o) return app.Error(ctx, 404);
  Data data;
  data.set("id", std::to_string(o->id));
  data.set("name", o->name);
  data.set("sector", std::string(domain::SectorLabel(o->sector)));
  data.set("locality", o->locality_name.empty() ? "Not given" : o->locality_name);
  data.set("charity_number", o->charity_number.empty() ? "None" : o->charity_number);
  data.set("website", o->website);
  data.set("archived", o->archived);
  data.set("can_manage",
           !o->archived && domain::Can(ctx.actor, domain::Action::kManageOrganisations));
  if (domain::Can(ctx.actor, domain::Action::kViewDirectory)) {
    List people;
    for (const auto& r : domain::ListDirectory(ctx.db, ctx.partnership->id)) {
      if (r.organisation_id != o->id) continue;
      Data item;
      item.set("person", r.person_name);
      item.set("person_id", std::to_string(r.person_id));
      item.set("role", r.role);
      item.set("term", RepresentationTerm(r));
      people.push_back(item);
    }
    data.set("show_people", true);
    data.set("people", people);
    data.set("no_people", people.empty());
  }
  return app.Page(ctx, 200, "organisation", o->name, std::move(data));
}

http::Response GetNew(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kManageOrganisations)) return app.Denied(ctx);
  return OrganisationForm(app, ctx, 200, {}, 0, {});
}

http::Response PostNew(App& app, Context& ctx) {
  const auto input = InputFrom(ctx.form);
  const domain::Outcome outcome =
      domain::CreateOrganisation(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, input);
  if (outcome.status == domain::Outcome::Status::kDenied) return app.Denied(ctx);
  if (!outcome.ok()) return OrganisationForm(app, ctx, 422, input, 0, outcome.errors);
  return http::Response::Redirect(BasePath(ctx) + "/" + std::to_string(outcome.id));
}

http::Response GetEdit(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kManageOrganisations)) return app.Denied(ctx);
  const auto o = Find(ctx);
  if (!o || o->archived) return app.Error(ctx, 404);
  return OrganisationForm(
      app, ctx, 200,
      {o->name, std::string(domain::ToString(o->sector)),
       o->locality_id ? std::to_string(o->locality_id) : "", o->charity_number, o->website},
      o->id, {});
}

http::Response PostEdit(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const auto input = InputFrom(ctx.form);
  const domain::Outcome outcome =
      domain::UpdateOrganisation(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id, input);
  if (outcome.status == domain::Outcome::Status::kDenied) return app.Denied(ctx);
  if (outcome.status == domain::Outcome::Status::kNotFound) return app.Error(ctx, 404);
  if (!outcome.ok()) return OrganisationForm(app, ctx, 422, input, *id, outcome.errors);
  return http::Response::Redirect(BasePath(ctx) + "/" + std::to_string(*id));
}

http::Response PostArchive(App& app, Context& ctx) {
  const auto id = ParseId(ctx.request.Param("id"));
  if (!id) return app.Error(ctx, 404);
  const domain::Outcome outcome =
      domain::ArchiveOrganisation(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, *id);
  if (outcome.status == domain::Outcome::Status::kDenied) return app.Denied(ctx);
  if (!outcome.ok()) return app.Error(ctx, 404);
  return http::Response::Redirect(BasePath(ctx));
}

}  // namespace

void AddOrganisationRoutes(App& app) {
  app.Route("GET", "/p/{slug}/organisations", ListPage);
  app.Route("GET", "/p/{slug}/organisations/new", GetNew);
  app.Route("POST", "/p/{slug}/organisations/new", PostNew);
  app.Route("GET", "/p/{slug}/organisations/{id}", View);
  app.Route("GET", "/p/{slug}/organisations/{id}/edit", GetEdit);
  app.Route("POST", "/p/{slug}/organisations/{id}/edit", PostEdit);
  app.Route("POST", "/p/{slug}/organisations/{id}/archive", PostArchive);
}

}  // namespace coproduce::web
