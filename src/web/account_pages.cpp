// Sign in and out, sign-up from an invitation, and password reset.
#include "domain/accounts.hpp"
#include "domain/security.hpp"
#include "domain/validation.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"

namespace coproduce::web {
namespace {

http::SetCookie SessionCookie(const Context& ctx, std::string token) {
  return {kSessionCookie, std::move(token),   "/",  domain::kSessionLifetime,
          true,           ctx.request.secure, "Lax"};
}

// Starts a session for the person, with a fresh CSRF token, and says where to go next.
http::Response SignInAs(Context& ctx, int64_t person_id, std::string next) {
  ctx.cookies.push_back(SessionCookie(ctx, domain::CreateSession(ctx.db, ctx.now, person_id)));
  ctx.cookies.push_back(http::SetCookie{kCsrfCookie, domain::RandomToken(), "/", std::nullopt, true,
                                        ctx.request.secure, "Lax"});
  if (next.empty()) {
    const auto partnerships = domain::PartnershipsOf(ctx.db, person_id);
    next = partnerships.empty() ? "/" : "/p/" + partnerships.front().first;
  }
  return http::Response::Redirect(next);
}

http::Response SignInForm(App& app, Context& ctx, int status, const domain::FieldErrors& errors) {
  Data data;
  data.set("email", ctx.form.Get("email"));
  data.set("next", SafeNext(ctx.request.method == "POST" ? ctx.form.Get("next")
                                                         : ctx.request.Query("next").value_or("")));
  AddErrors(data, errors);
  return app.Page(ctx, status, "sign_in", "Sign in", std::move(data));
}

http::Response GetSignIn(App& app, Context& ctx) { return SignInForm(app, ctx, 200, {}); }

http::Response PostSignIn(App& app, Context& ctx) {
  const std::string& email = ctx.form.Get("email");
  const std::string& password = ctx.form.Get("password");
  if (email.empty() || password.empty()) {
    domain::FieldErrors errors;
    if (email.empty()) errors.push_back({"email", "Enter your email address."});
    if (password.empty()) errors.push_back({"password", "Enter your password."});
    return SignInForm(app, ctx, 400, errors);
  }
  const auto result = domain::SignIn(ctx.db, ctx.now, email, password, ctx.request.remote_address);
  switch (result.status) {
    case domain::SignInResult::Status::kOk:
      return SignInAs(ctx, result.person_id, SafeNext(ctx.form.Get("next")));
    case domain::SignInResult::Status::kTooManyAttempts:
      return SignInForm(app, ctx, 429,
                        {{"email",
                          "Too many attempts to sign in. Wait 15 minutes and try again, "
                          "or reset your password."}});
    case domain::SignInResult::Status::kWrong:
      break;
  }
  return SignInForm(app, ctx, 401,
                    {{"email",
                      "The email address or password is not right. Check them and try "
                      "again."}});
}

http::Response PostSignOut(App&, Context& ctx) {
  if (auto token = ctx.request.Cookie(kSessionCookie)) domain::EndSession(ctx.db, *token);
  http::SetCookie gone = SessionCookie(ctx, "");
  gone.max_age = 0;
  ctx.cookies.push_back(gone);
  return http::Response::Redirect("/");
}

http::Response InvitationGone(App& app, Context& ctx) {
  return app.Error(ctx, 410, "This invitation link has already been used or has expired",
                   "Ask the person who invited you to send a new invitation. If you already "
                   "created your account, sign in instead.");
}

http::Response InvitationForm(App& app, Context& ctx, const domain::Invitation& invitation,
                              int status, const domain::FieldErrors& errors) {
  Data data;
  data.set("token", ctx.request.Param("token"));
  data.set("partnership", invitation.partnership_name);
  data.set("email", invitation.email);
  data.set("role", std::string(domain::RoleLabel(invitation.role)));
  data.set("full_name",
           ctx.request.method == "POST" ? ctx.form.Get("full_name") : invitation.full_name);
  AddErrors(data, errors);
  return app.Page(ctx, status, "invitation", "Create your account", std::move(data));
}

http::Response GetInvitation(App& app, Context& ctx) {
  const auto invitation = domain::FindInvitation(ctx.db, ctx.now, ctx.request.Param("token"));
  if (!invitation) return InvitationGone(app, ctx);
  return InvitationForm(app, ctx, *invitation, 200, {});
}

http::Response PostInvitation(App& app, Context& ctx) {
  const std::string& token = ctx.request.Param("token");
  const auto invitation = domain::FindInvitation(ctx.db, ctx.now, token);
  if (!invitation) return InvitationGone(app, ctx);
  const domain::Outcome outcome =
      domain::AcceptInvitation(ctx.db, ctx.now, token, ctx.form.Get("full_name"),
                               ctx.form.Get("password"), ctx.form.Get("confirm_password"));
  if (outcome.status == domain::Outcome::Status::kNotFound) return InvitationGone(app, ctx);
  if (!outcome.ok()) return InvitationForm(app, ctx, *invitation, 422, outcome.errors);
  return SignInAs(ctx, outcome.id, "/p/" + invitation->partnership_slug);
}

http::Response GetForgot(App& app, Context& ctx) {
  Data data;
  AddErrors(data, {});
  return app.Page(ctx, 200, "password_forgot", "Reset your password", std::move(data));
}

http::Response PostForgot(App& app, Context& ctx) {
  const std::string& email = ctx.form.Get("email");
  if (auto error = domain::CheckEmail(email)) {
    Data data;
    data.set("email", email);
    AddErrors(data, {domain::FieldError{"email", *error}});
    return app.Page(ctx, 422, "password_forgot", "Reset your password", std::move(data));
  }
  domain::RequestPasswordReset(ctx.db, ctx.now, email, app.config().base_url);
  Data data;
  data.set("email", domain::NormaliseEmail(email));
  return app.Page(ctx, 200, "password_forgot_sent", "Check your email", std::move(data));
}

http::Response ResetGone(App& app, Context& ctx) {
  return app.Error(ctx, 410, "This reset link has already been used or has expired",
                   "Reset links work once and for one hour. Ask for a new one from the sign-in "
                   "page.");
}

http::Response ResetForm(App& app, Context& ctx, int status, const domain::FieldErrors& errors) {
  Data data;
  data.set("token", ctx.request.Param("token"));
  AddErrors(data, errors);
  return app.Page(ctx, status, "password_reset", "Choose a new password", std::move(data));
}

http::Response GetReset(App& app, Context& ctx) {
  if (!domain::IsResetTokenLive(ctx.db, ctx.now, ctx.request.Param("token")))
    return ResetGone(app, ctx);
  return ResetForm(app, ctx, 200, {});
}

http::Response PostReset(App& app, Context& ctx) {
  const domain::Outcome outcome =
      domain::ResetPassword(ctx.db, ctx.now, ctx.request.Param("token"), ctx.form.Get("password"),
                            ctx.form.Get("confirm_password"));
  if (outcome.status == domain::Outcome::Status::kNotFound) return ResetGone(app, ctx);
  if (!outcome.ok()) return ResetForm(app, ctx, 422, outcome.errors);
  return SignInAs(ctx, outcome.id, "");
}

}  // namespace

void AddAccountRoutes(App& app) {
  app.Route("GET", "/sign-in", GetSignIn);
  app.Route("POST", "/sign-in", PostSignIn);
  app.Route("POST", "/sign-out", PostSignOut);
  app.Route("GET", "/invite/{token}", GetInvitation);
  app.Route("POST", "/invite/{token}", PostInvitation);
  app.Route("GET", "/password/forgot", GetForgot);
  app.Route("POST", "/password/forgot", PostForgot);
  app.Route("GET", "/password/reset/{token}", GetReset);
  app.Route("POST", "/password/reset/{token}", PostReset);
}

}  // namespace coproduce::web
