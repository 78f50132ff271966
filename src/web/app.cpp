#include "web/app.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "domain/permissions.hpp"
#include "domain/security.hpp"

namespace coproduce::web {
namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'";

void AddSecurityHeaders(http::Response& response, bool secure) {
  response.SetHeader("Content-Security-Policy", kContentSecurityPolicy);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Referrer-Policy", "same-origin");
  response.SetHeader("X-Frame-Options", "DENY");
  if (secure) response.SetHeader("Strict-Transport-Security", "max-age=31536000");
}

struct ErrorText {
  std::string_view heading, message;
};

ErrorText DefaultErrorText(int status) {
  switch (status) {
    case 400:
      return {"Something in the request was not right",
              "Go back, check what you entered and try again."};
    case 403:
      return {"You do not have permission to see this page",
              "If you think you should, ask your partnership's admin."};
    case 404:
      return {"Page not found",
              "If you typed the web address, check it is correct. If you followed a link, it may "
              "be out of date."};
    case 405:
      return {"This page cannot do that", "Go back and use the page's own buttons and links."};
    case 409:
      return {"This cannot be done now", "Go back to the page to see what is happening now."};
    case 410:
      return {"This link no longer works", "Ask for a new one."};
    case 413:
      return {"What you sent is too large",
              "Send less at once: make the text shorter or the file smaller, then try again."};
    case 415:
      return {"We could not read what you sent", "Use the form on the page to send it."};
    case 429:
      return {"Too many attempts", "Wait a few minutes and try again."};
    default:
      return {"Sorry, there is a problem with the service",
              "Try again later. What you had already saved has not been lost."};
  }
}

Data LayoutData(const Context* ctx, const std::string& title, const std::string& content) {
  Data layout;
  layout.set("title", title);
  layout.set("content", content);
  if (!ctx) return layout;
  layout.set("csrf", ctx->csrf);
  if (ctx->user) {
    Data user;
    user.set("name", ctx->user->full_name);
    layout.set("user", user);
  }
  if (ctx->partnership) {
    Data p;
    p.set("slug", ctx->partnership->slug);
    p.set("name", ctx->partnership->name);
    const std::string base = "/p/" + ctx->partnership->slug;
    List nav;
    auto add = [&](const std::string& href, const std::string& label) {
      Data item;
      item.set("href", href);
      item.set("label", label);
      item.set("current", ctx->request.path == href);
      nav.push_back(item);
    };
    add(base, "Home");
    add(base + "/forums", "Forums");
    add(base + "/organisations", "Organisations");
    if (domain::Can(ctx->actor, domain::Action::kViewPeople)) add(base + "/people", "People");
    if (domain::Can(ctx->actor, domain::Action::kViewDirectory))
      add(base + "/directory", "Who represents whom");
    if (domain::Can(ctx->actor, domain::Action::kManageLocalities))
      add(base + "/localities", "Localities");
    if (domain::Can(ctx->actor, domain::Action::kViewAudit)) add(base + "/audit", "Audit log");
    p.set("nav", nav);
    layout.set("partnership", p);
  }
  return layout;
}

}  // namespace

App::App(AppConfig config, db::Pool& pool)
    : config_(std::move(config)),
      pool_(pool),
      views_(config_.resource_dir / "templates"),
      static_files_(config_.resource_dir / "static", "/static/") {
  AddAccountRoutes(*this);
  AddPartnershipRoutes(*this);
  AddOrganisationRoutes(*this);
  AddPeopleRoutes(*this);
  AddForumRoutes(*this);
  AddIssueRoutes(*this);
  AddSolutionRoutes(*this);
  AddVoteRoutes(*this);
  AddSessionRoutes(*this);
  AddConversationRoutes(*this);
  if (config_.ballot_connection) {
    ballot_box_ = std::make_unique<BallotBox>(config_.ballot_connection());
  }
  if (config_.events) {
    live_results_ = std::make_unique<LiveResults>([this](int64_t partnership, int64_t vote) {
      try {
        db::Pool::Lease db = pool_.Acquire();
        if (auto fragment = RenderLiveFragment(*db, partnership, vote)) {
          config_.events->Publish(VoteTopic(vote), *fragment);
        }
      } catch (const std::exception& e) {
        spdlog::error("Live results of vote {} failed: {}", vote, e.what());
      }
    });
    // The same debouncing for maps: many votes in a burst cost one update and one event.
    live_maps_ = std::make_unique<LiveResults>([this](int64_t, int64_t conversation) {
      try {
        db::Pool::Lease db = pool_.Acquire();
        config_.events->Publish(ConversationTopic(conversation),
                                opinion_maps_.Sync(*db, conversation));
      } catch (const std::exception& e) {
        spdlog::error("The live map of conversation {} failed: {}", conversation, e.what());
      }
    });
  }
}

App::~App() = default;

domain::CastResult App::CastBallot(db::Connection& db,
                                   const std::function<domain::CastResult(db::Connection&)>& cast) {
  if (ballot_box_) return ballot_box_->Submit(cast);
  return cast(db);
}

std::string App::Render(std::string_view view, Data data) const {
  return views_.Render(view, std::move(data));
}

std::optional<std::string> App::RenderLiveFragment(db::Connection& db, int64_t partnership_id,
                                                   int64_t vote_id) {
  auto fragment = LiveResultsFragment(*this, db, partnership_id, vote_id, Now());
  std::lock_guard lock(fragments_mutex_);
  if (fragment) {
    fragments_[vote_id] = {std::chrono::steady_clock::now(), *fragment};
  } else {
    fragments_.erase(vote_id);
  }
  return fragment;
}

std::optional<std::string> App::LiveFragment(db::Connection& db, int64_t partnership_id,
                                             int64_t vote_id) {
  {
    std::lock_guard lock(fragments_mutex_);
    const auto it = fragments_.find(vote_id);
    if (it != fragments_.end() &&
        std::chrono::steady_clock::now() - it->second.made < std::chrono::seconds(1)) {
      return it->second.html;
    }
  }
  return RenderLiveFragment(db, partnership_id, vote_id);
}

std::optional<Data> App::ClosedResults(int64_t vote_id) {
  std::lock_guard lock(fragments_mutex_);
  const auto it = closed_results_.find(vote_id);
  if (it == closed_results_.end()) return std::nullopt;
  return it->second;
}

void App::KeepClosedResults(int64_t vote_id, const Data& data) {
  std::lock_guard lock(fragments_mutex_);
  closed_results_.erase(vote_id);
  closed_results_.emplace(vote_id, Data(data));
}

void App::VoteChanged(int64_t partnership_id, int64_t vote_id) {
  if (config_.announce_vote_change) {
    try {
      config_.announce_vote_change(partnership_id, vote_id);
      return;  // this process hears its own announcement too
    } catch (const std::exception& e) {
      spdlog::error("Announcing a change to vote {} failed: {}", vote_id, e.what());
    }
  }
  RecountLive(partnership_id, vote_id);
}

std::string App::KeptFragment(const std::string& key, const std::string& version,
                              const std::function<std::string()>& render) {
  {
    std::lock_guard lock(fragments_mutex_);
    const auto it = kept_fragments_.find(key);
    if (it != kept_fragments_.end() && it->second.first == version) return it->second.second;
  }
  std::string html = render();
  std::lock_guard lock(fragments_mutex_);
  kept_fragments_[key] = {version, html};
  return html;
}

void App::ConversationChanged(int64_t conversation_id) {
  if (config_.announce_conversation_change) {
    try {
      config_.announce_conversation_change(conversation_id);
      return;  // this process hears its own announcement too
    } catch (const std::exception& e) {
      spdlog::error("Announcing a change to conversation {} failed: {}", conversation_id, e.what());
    }
  }
  RefreshLiveMap(conversation_id);
}

void App::RefreshLiveMap(int64_t conversation_id) {
  if (live_maps_) live_maps_->Changed(0, conversation_id);
}

void App::RecountLive(int64_t partnership_id, int64_t vote_id) {
  if (live_results_) live_results_->Changed(partnership_id, vote_id);
}

int64_t App::Now() const {
  if (config_.clock) return config_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void App::Route(std::string method, std::string_view pattern, PageHandler handler) {
  router_.Add(std::move(method), pattern,
              [this, handler = std::move(handler)](http::Request& request) {
                return Dispatch(request, handler);
              });
}

http::Response App::Page(Context& ctx, int status, std::string_view view, const std::string& title,
                         Data data) const {
  data.set("csrf", ctx.csrf);
  if (ctx.partnership) {
    data.set("slug", ctx.partnership->slug);
    data.set("partnership_name", ctx.partnership->name);
  }
  std::string content = views_.Render(view, std::move(data));
  http::Response response =
      http::Response::Html(status, views_.Render("layout", LayoutData(&ctx, title, content)));
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

http::Response App::Error(Context& ctx, int status, std::string heading,
                          const std::string& message) const {
  const ErrorText text = DefaultErrorText(status);
  if (heading.empty()) heading = text.heading;
  Data data;
  data.set("heading", heading);
  data.set("message", message.empty() ? std::string(text.message) : message);
  return Page(ctx, status, "error", heading, std::move(data));
}

http::Response App::Denied(Context& ctx) const {
  if (!ctx.user) {
    return http::Response::Redirect("/sign-in?next=" + http::PercentEncode(ctx.request.path));
  }
  return Error(ctx, 403);
}

std::optional<http::Response> App::Refusal(Context& ctx, const domain::Outcome& outcome) const {
  switch (outcome.status) {
    case domain::Outcome::Status::kDenied:
      return Denied(ctx);
    case domain::Outcome::Status::kNotFound:
      return Error(ctx, 404);
    case domain::Outcome::Status::kConflict:
      return Error(ctx, 409, "",
                   outcome.errors.empty() ? std::string() : outcome.errors.front().message);
    case domain::Outcome::Status::kOk:
    case domain::Outcome::Status::kInvalid:
      break;
  }
  return std::nullopt;
}

http::Response App::ErrorPage(int status) const {
  const ErrorText text = DefaultErrorText(status);
  Data data;
  data.set("heading", std::string(text.heading));
  data.set("message", std::string(text.message));
  std::string content = views_.Render("error", std::move(data));
  http::Response response = http::Response::Html(
      status, views_.Render("layout", LayoutData(nullptr, std::string(text.heading), content)));
  AddSecurityHeaders(response, false);
  return response;
}

http::Response App::Handle(http::Request& request) {
  http::Response response;
  try {
    if (request.path == "/healthz") {
      response = http::Response::Text(200, "ok\n");
    } else if (auto file = static_files_.Serve(request)) {
      response = std::move(*file);
    } else {
      const http::Router::Match match = router_.Find(request.method, request.path);
      if (match.handler) {
        request.path_params = match.params;
        // A request whose transaction lost to another (PostgreSQL) runs again from the start.
        response = db::RetryOnBusy([&] { return (*match.handler)(request); });
      } else {
        response = ErrorPage(match.method_not_allowed ? 405 : 404);
        if (match.method_not_allowed) response.SetHeader("Allow", match.allow);
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", request.method, request.target, e.what());
    response = ErrorPage(500);
  }
  AddSecurityHeaders(response, request.secure);
  return response;
}

http::Response App::Dispatch(http::Request& request, const PageHandler& handler) {
  db::Pool::Lease db = pool_.Acquire();
  Context ctx{request, *db, Now(), std::nullopt, {}, std::nullopt, "", {}, {}};

  if (auto token = request.Cookie(kSessionCookie)) {
    ctx.user = domain::FindSession(*db, ctx.now, *token);
    if (ctx.user) ctx.actor = {ctx.user->person_id, ctx.user->full_name, std::nullopt, false};
  }
  // Double-submit CSRF token: a random cookie that every form must echo back.
  if (auto csrf = request.Cookie(kCsrfCookie); csrf && csrf->size() == 43) {
    ctx.csrf = *csrf;
  } else {
    ctx.csrf = domain::RandomToken();
    ctx.cookies.push_back({kCsrfCookie, ctx.csrf, "/", std::nullopt, true, request.secure, "Lax"});
  }

  auto finish = [&](http::Response response) {
    for (const http::SetCookie& cookie : ctx.cookies)
      response.AddHeader("Set-Cookie", cookie.ToString());
    return response;
  };

  if (auto slug = request.path_params.find("slug"); slug != request.path_params.end()) {
    ctx.partnership = domain::FindPartnership(*db, slug->second);
    if (!ctx.partnership) return finish(Error(ctx, 404));
    if (ctx.user) ctx.actor.role = domain::FindRole(*db, ctx.user->person_id, ctx.partnership->id);
  }

  if (request.method == "POST") {
    http::FormResult parsed = http::ParseForm(request);
    if (!parsed.form) return finish(Error(ctx, parsed.status, "", parsed.error));
    ctx.form = std::move(*parsed.form);
    const auto cookie = request.Cookie(kCsrfCookie);
    if (!cookie || !domain::ConstantTimeEquals(*cookie, ctx.form.Get(kCsrfField))) {
      return finish(Error(ctx, 403, "This form has expired",
                          "For your security, forms work only from this site and for a limited "
                          "time. Go back, reload the page and try again."));
    }
  }
  return finish(handler(*this, ctx));
}

}  // namespace coproduce::web
