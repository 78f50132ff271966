// The installation's home page, each partnership's public home, its localities, the
// directory of who represents whom, and the audit log.
#include <ctime>

#include "domain/audit.hpp"
#include "domain/organisations.hpp"
#include "domain/partnerships.hpp"
#include "domain/people.hpp"
#include "domain/permissions.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

http::Response Home(App& app, Context& ctx) {
  List partnerships;
  for (const auto& p : domain::ListPartnerships(ctx.db)) {
    Data item;
    item.set("slug", p.slug);
    item.set("name", p.name);
    item.set("description", p.description);
    partnerships.push_back(item);
  }
  Data data;
  data.set("partnerships", partnerships);
  data.set("none", partnerships.empty());
  return app.Page(ctx, 200, "home", "coproduce", std::move(data));
}

http::Response PartnershipHome(App& app, Context& ctx) {
  int total = 0;
  List sectors;
  for (const auto& [sector, count] :
       domain::CountOrganisationsBySector(ctx.db, ctx.partnership->id)) {
    Data item;
    item.set("label", std::string(domain::SectorLabel(sector)));
    item.set("count", std::to_string(count));
    sectors.push_back(item);
    total += count;
  }
  List localities;
  for (const auto& l : domain::ListLocalities(ctx.db, ctx.partnership->id)) {
    Data item;
    item.set("name", l.name);
    localities.push_back(item);
  }
  Data data;
  data.set("description", ctx.partnership->description);
  data.set("organisation_count", std::to_string(total));
  data.set("sectors", sectors);
  data.set("localities", localities);
  data.set("is_member", ctx.actor.role.has_value());
  data.set("signed_in", ctx.user.has_value());
  return app.Page(ctx, 200, "partnership", ctx.partnership->name, std::move(data));
}

http::Response LocalitiesPage(App& app, Context& ctx, int status,
                              const domain::FieldErrors& errors) {
  List localities;
  for (const auto& l : domain::ListLocalities(ctx.db, ctx.partnership->id)) {
    Data item;
    item.set("name", l.name);
    localities.push_back(item);
  }
  Data data;
  data.set("localities", localities);
  data.set("name", status == 200 ? "" : ctx.form.Get("name"));
  AddErrors(data, errors);
  return app.Page(ctx, status, "localities", "Localities", std::move(data));
}

http::Response GetLocalities(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kManageLocalities)) return app.Denied(ctx);
  return LocalitiesPage(app, ctx, 200, {});
}

http::Response PostLocalities(App& app, Context& ctx) {
  const domain::Outcome outcome =
      domain::AddLocality(ctx.db, ctx.now, ctx.actor, ctx.partnership->id, ctx.form.Get("name"));
  if (outcome.status == domain::Outcome::Status::kDenied) return app.Denied(ctx);
  if (!outcome.ok()) return LocalitiesPage(app, ctx, 422, outcome.errors);
  return http::Response::Redirect("/p/" + ctx.partnership->slug + "/localities");
}

http::Response Directory(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kViewDirectory)) return app.Denied(ctx);
  List rows;
  for (const auto& r : domain::ListDirectory(ctx.db, ctx.partnership->id)) {
    Data item;
    item.set("organisation", r.organisation_name);
    item.set("organisation_id", std::to_string(r.organisation_id));
    item.set("sector", std::string(domain::SectorLabel(r.sector)));
    item.set("person", r.person_name);
    item.set("person_id", std::to_string(r.person_id));
    item.set("role", r.role);
    item.set("term", RepresentationTerm(r));
    rows.push_back(item);
  }
  Data data;
  data.set("rows", rows);
  data.set("none", rows.empty());
  return app.Page(ctx, 200, "directory", "Who represents whom", std::move(data));
}

http::Response Audit(App& app, Context& ctx) {
  if (!domain::Can(ctx.actor, domain::Action::kViewAudit)) return app.Denied(ctx);
  List rows;
  for (const auto& e : domain::ListAudit(ctx.db, ctx.partnership->id, 200)) {
    Data item;
    item.set("when", FormatTime(e.at));
    item.set("who", e.person_id ? e.person_name : "coproduce (system)");
    item.set("what", e.action + " " + e.entity + " " + std::to_string(e.entity_id));
    item.set("changes", e.changes_json);
    rows.push_back(item);
  }
  Data data;
  data.set("rows", rows);
  return app.Page(ctx, 200, "audit", "Audit log", std::move(data));
}

}  // namespace

void AddPartnershipRoutes(App& app) {
  app.Route("GET", "/", Home);
  app.Route("GET", "/p/{slug}", PartnershipHome);
  app.Route("GET", "/p/{slug}/localities", GetLocalities);
  app.Route("POST", "/p/{slug}/localities", PostLocalities);
  app.Route("GET", "/p/{slug}/directory", Directory);
  app.Route("GET", "/p/{slug}/audit", Audit);
}

}  // namespace coproduce::web
