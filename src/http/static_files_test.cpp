#include "http/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace coproduce::http {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("coproduce-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "public" / "css");
    Write(root_ / "public" / "css" / "site.css", "body { color: #333; }");
    Write(root_ / "public" / "app.JS", "console.log(1);");
    Write(root_ / "public" / "logo.svg", "<svg/>");
    Write(root_ / "public" / "font.woff2", "wOF2");
    Write(root_ / "public" / "data.bin", "\x01\x02");
    Write(root_ / "public" / ".env", "SECRET=1");
    Write(root_ / "secret.txt", "outside the root");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  static void Write(const std::filesystem::path& path, std::string_view content) {
    std::ofstream(path, std::ios::binary) << content;
  }

  static Request Get(std::string path, std::string method = "GET") {
    Request request;
    request.method = std::move(method);
    request.target = path;
    request.path = std::move(path);
    return request;
  }

  int StatusOf(const StaticFiles& files, std::string path) {
    std::optional<Response> response = files.Serve(Get(std::move(path)));
    return response ? response->status : 0;
  }

  std::filesystem::path root_;
};

TEST_F(StaticFilesTest, ServesAFileWithCacheHeaders) {
  StaticFiles files(root_ / "public", "/static/");
  std::optional<Response> response = files.Serve(Get("/static/css/site.css"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "body { color: #333; }");
  EXPECT_EQ(response->Header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(response->Header("Cache-Control"), "public, max-age=86400");
  std::string_view etag = response->Header("ETag");
  ASSERT_GE(etag.size(), 3U);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
}

TEST_F(StaticFilesTest, ContentTypes) {
  StaticFiles files(root_ / "public", "/static/");
  EXPECT_EQ(files.Serve(Get("/static/app.JS"))->Header("Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(files.Serve(Get("/static/logo.svg"))->Header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(files.Serve(Get("/static/font.woff2"))->Header("Content-Type"), "font/woff2");
  EXPECT_EQ(files.Serve(Get("/static/data.bin"))->Header("Content-Type"),
            "application/octet-stream");
}

TEST_F(StaticFilesTest, NotModifiedForAMatchingETag) {
  StaticFiles files(root_ / "public", "/static/");
  std::string etag(files.Serve(Get("/static/css/site.css"))->Header("ETag"));
  for (const std::string& header : {etag, "\"other\", " + etag, "W/" + etag, std::string("*")}) {
    Request request = Get("/static/css/site.css");
    request.headers.emplace("If-None-Match", header);
    std::optional<Response> response = files.Serve(request);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 304) << header;
    EXPECT_TRUE(response->body.empty());
    EXPECT_EQ(response->Header("ETag"), etag);
  }
  Request stale = Get("/static/css/site.css");
  stale.headers.emplace("If-None-Match", "\"stale\"");
  EXPECT_EQ(files.Serve(stale)->status, 200);
}

TEST_F(StaticFilesTest, DifferentContentHasADifferentETag) {
  StaticFiles files(root_ / "public", "/static/");
  EXPECT_NE(files.Serve(Get("/static/app.JS"))->Header("ETag"),
            files.Serve(Get("/static/logo.svg"))->Header("ETag"));
}

TEST_F(StaticFilesTest, KeepsServingFromMemory) {
  StaticFiles files(root_ / "public", "/static/");
  EXPECT_EQ(files.Serve(Get("/static/logo.svg"))->body, "<svg/>");
  std::filesystem::remove(root_ / "public" / "logo.svg");
  EXPECT_EQ(files.Serve(Get("/static/logo.svg"))->body, "<svg/>");
}

TEST_F(StaticFilesTest, HeadHasHeadersAndLengthButNoBody) {
  StaticFiles files(root_ / "public", "/static/");
  std::optional<Response> response = files.Serve(Get("/static/logo.svg", "HEAD"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body.empty());
  EXPECT_EQ(response->Header("Content-Length"), "6");
  EXPECT_EQ(response->Header("Content-Type"), "image/svg+xml");
}

TEST_F(StaticFilesTest, OtherMethodsAre405) {
  StaticFiles files(root_ / "public", "/static/");
  std::optional<Response> response = files.Serve(Get("/static/logo.svg", "POST"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->Header("Allow"), "GET, HEAD");
}

TEST_F(StaticFilesTest, PathsOutsideThePrefixAreNotOurs) {
  StaticFiles files(root_ / "public", "/static/");
  EXPECT_FALSE(files.Serve(Get("/")));
  EXPECT_FALSE(files.Serve(Get("/static")));
  EXPECT_FALSE(files.Serve(Get("/staticx/logo.svg")));
}

TEST_F(StaticFilesTest, MissingFilesAndFoldersAre404) {
  StaticFiles files(root_ / "public", "/static/");
  EXPECT_EQ(StatusOf(files, "/static/missing.css"), 404);
  EXPECT_EQ(StatusOf(files, "/static/css"), 404);
  EXPECT_EQ(StatusOf(files, "/static/css/"), 404);
  EXPECT_EQ(StatusOf(files, "/static/"), 404);
}

TEST_F(StaticFilesTest, TraversalAttemptsAre404) {
  StaticFiles files(root_ / "public", "/static/");
  // request.path is already percent-decoded, so "%2e%2e/" arrives as "../".
  for (const std::string& path : std::vector<std::string>{
           "/static/../secret.txt", "/static/css/../../secret.txt", "/static/css/../app.JS",
           "/static/./logo.svg", "/static//logo.svg", "/static/..\\secret.txt",
           "/static/css\\site.css", std::string("/static/logo.svg\0.txt", 21),
           "/static/" + root_.string() + "/secret.txt"}) {
    EXPECT_EQ(StatusOf(files, path), 404) << path;
  }
}

TEST_F(StaticFilesTest, HiddenFilesAre404) {
  StaticFiles files(root_ / "public", "/static/");
  ASSERT_TRUE(std::filesystem::exists(root_ / "public" / ".env"));
  EXPECT_EQ(StatusOf(files, "/static/.env"), 404);
  EXPECT_EQ(StatusOf(files, "/static/.git/config"), 404);
}

TEST_F(StaticFilesTest, ConcurrentFirstRequestsAgree) {
  StaticFiles files(root_ / "public", "/static/");
  std::vector<std::thread> threads;
  std::vector<std::string> etags(8);
  for (std::size_t i = 0; i < etags.size(); ++i) {
    threads.emplace_back(
        [&, i] { etags[i] = std::string(files.Serve(Get("/static/app.JS"))->Header("ETag")); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& etag : etags) EXPECT_EQ(etag, etags[0]);
}

}  // namespace
}  // namespace coproduce::http
