// The coproduce web application: every page, behind one Handle() that the HTTP server
// calls on a worker thread. Handlers are plain functions of a Context, testable without a
// socket by building an http::Request and calling Handle().
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/event_hub.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "store/connection.hpp"
#include "web/ballot_box.hpp"
#include "web/context.hpp"
#include "web/live_results.hpp"
#include "web/opinion_maps.hpp"
#include "web/views.hpp"

namespace coproduce::web {

struct AppConfig final {
  std::filesystem::path resource_dir;              // holds templates/ and static/
  std::string base_url = "http://localhost:8080";  // for links in messages
  std::function<int64_t()> clock;                  // Unix seconds; the system clock when empty
  std::string ballot_secret;         // keys ballot slots (domain/votes.hpp); 32 bytes or more
  http::EventHub* events = nullptr;  // live results are pushed here when set
  // Opens the connection that commits ballots in durable groups (web/ballot_box.hpp); when
  // empty, ballots are written on the request's own connection.
  std::function<std::unique_ptr<db::Connection>()> ballot_connection;
  // Several processes on one database (PostgreSQL): tells every process, this one included,
  // that a vote changed; each then calls App::RecountLive (cli: LISTEN/NOTIFY). When empty,
  // the change stays in this process.
  std::function<void(int64_t partnership_id, int64_t vote_id)> announce_vote_change;
  // The same for conversations: each process then calls App::RefreshLiveMap.
  std::function<void(int64_t conversation_id)> announce_conversation_change;
};

class App final {
 public:
  App(AppConfig config, db::Pool& pool);
  ~App();
  // Answers one request. Never throws: an unexpected error becomes the 500 page.
  http::Response Handle(http::Request& request);
  // The page for a status the server produces itself (400, 413, 500).
  http::Response ErrorPage(int status) const;

  // For handlers: a full page in the layout.
  http::Response Page(Context& ctx, int status, std::string_view view, const std::string& title,
                      Data data) const;
  // For handlers: a plain-English error page in the layout.
  http::Response Error(Context& ctx, int status, std::string heading = "",
                       const std::string& message = "") const;

  // For handlers when Can() said no: the sign-in page for the public, else the 403 page.
  http::Response Denied(Context& ctx) const;
  // For handlers after a domain write: the page for a denied, not-found or conflicting
  // outcome (403 or sign-in, 404, 409 with the domain's sentence); nothing when it succeeded
  // or only needs its form shown again with errors.
  std::optional<http::Response> Refusal(Context& ctx, const domain::Outcome& outcome) const;

  // For handlers: renders a template alone, outside the layout (fragments, partials).
  std::string Render(std::string_view view, Data data) const;
  // For handlers: casts a ballot durably (through the ballot box when there is one, else on
  // `db`).
  domain::CastResult CastBallot(db::Connection& db,
                                const std::function<domain::CastResult(db::Connection&)>& cast);
  // For handlers: a vote's live results fragment (LiveResultsFragment), recounted at most
  // once a second however many pages ask, so that a thousand listeners cost one count.
  std::optional<std::string> LiveFragment(db::Connection& db, int64_t partnership_id,
                                          int64_t vote_id);
  // For handlers: the results page data of a closed vote, which can no longer change, kept
  // after its first count.
  std::optional<Data> ClosedResults(int64_t vote_id);
  void KeepClosedResults(int64_t vote_id, const Data& data);
  // For handlers after a ballot: live results of the vote are pushed to its listeners (in
  // every process, when AppConfig::announce_vote_change is set).
  void VoteChanged(int64_t partnership_id, int64_t vote_id);
  // A vote changed (here or in another process): recount it for this process's listeners.
  void RecountLive(int64_t partnership_id, int64_t vote_id);

  // For handlers: a fragment that depends only on `key` at `version` (a conversation's
  // report), rendered once however many pages ask for that version.
  std::string KeptFragment(const std::string& key, const std::string& version,
                           const std::function<std::string()>& render);
  // For handlers: the opinion maps of conversations (web/opinion_maps.hpp).
  OpinionMaps& opinion_maps() { return opinion_maps_; }
  // For handlers after a vote or a moderation decision in a conversation: its open map and
  // report pages are told (ConversationTopic), in every process when
  // AppConfig::announce_conversation_change is set.
  void ConversationChanged(int64_t conversation_id);
  // A conversation changed (here or in another process): its map is brought up to date on
  // the live updater's thread and this process's listeners are told, at most twice a second.
  void RefreshLiveMap(int64_t conversation_id);

  using PageHandler = std::function<http::Response(App&, Context&)>;
  // Routes whose pattern has {slug} load the partnership and the actor's role first
  // (404 when there is no such partnership).
  void Route(std::string method, std::string_view pattern, PageHandler handler);
  const AppConfig& config() const { return config_; }

 private:
  http::Response Dispatch(http::Request& request, const PageHandler& handler);
  int64_t Now() const;

  AppConfig config_;
  db::Pool& pool_;
  Views views_;
  http::StaticFiles static_files_;
  http::Router router_;
  std::unique_ptr<LiveResults> live_results_;  // only with config_.events
  std::unique_ptr<BallotBox> ballot_box_;      // only with config_.ballot_connection
  OpinionMaps opinion_maps_;
  std::unique_ptr<LiveResults> live_maps_;  // only with config_.events
  struct Fragment final {
    std::chrono::steady_clock::time_point made;
    std::string html;
  };
  std::mutex fragments_mutex_;
  std::map<int64_t, Fragment> fragments_;   // by vote
  std::map<int64_t, Data> closed_results_;  // by vote; guarded by fragments_mutex_
  // key -> (version, html); guarded by fragments_mutex_
  std::map<std::string, std::pair<std::string, std::string>> kept_fragments_;
  // Recounts and renders, and keeps the result for LiveFragment.
  std::optional<std::string> RenderLiveFragment(db::Connection& db, int64_t partnership_id,
                                                int64_t vote_id);
};

// The topic of a vote's live results, and the HTML that replaces #live-results on its
// results page (vote_pages.cpp); nothing when the vote is not showing live results.
std::string VoteTopic(int64_t vote_id);
std::optional<std::string> LiveResultsFragment(const App& app, db::Connection& db,
                                               int64_t partnership_id, int64_t vote_id,
                                               int64_t now);

// Route groups, each in its own file.
void AddAccountRoutes(App& app);
void AddPartnershipRoutes(App& app);
void AddOrganisationRoutes(App& app);
void AddPeopleRoutes(App& app);
void AddForumRoutes(App& app);
void AddIssueRoutes(App& app);
void AddSolutionRoutes(App& app);
void AddVoteRoutes(App& app);
void AddSessionRoutes(App& app);
void AddConversationRoutes(App& app);

}  // namespace coproduce::web
