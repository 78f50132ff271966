#include "http/form.hpp"

#include <gtest/gtest.h>

namespace coproduce::http {
namespace {

constexpr std::string_view kUnreadable =
    "The form contained characters we could not read. Check what you typed and try again.";

TEST(Form, GetGetAllHas) {
  Form form;
  form.Add("tag", "b");
  form.Add("tag", "a");
  form.Add("title", "Hello");
  EXPECT_EQ(form.Get("tag"), "b");
  EXPECT_EQ(form.GetAll("tag"), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(form.Get("missing"), "");
  EXPECT_TRUE(form.GetAll("missing").empty());
  EXPECT_TRUE(form.Has("title"));
  EXPECT_FALSE(form.Has("titl"));
}

TEST(ParseUrlEncoded, DecodesPlusAndEscapes) {
  FormResult result = ParseUrlEncoded("title=Hello+world&body=50%25+off%21&flag&empty=&&x=%C3%A9");
  ASSERT_TRUE(result.form) << result.error;
  EXPECT_EQ(result.form->Get("title"), "Hello world");
  EXPECT_EQ(result.form->Get("body"), "50% off!");
  EXPECT_TRUE(result.form->Has("flag"));
  EXPECT_EQ(result.form->Get("flag"), "");
  EXPECT_TRUE(result.form->Has("empty"));
  EXPECT_EQ(result.form->Get("x"), "\xC3\xA9");
  EXPECT_EQ(result.form->fields().size(), 5U);
}

TEST(ParseUrlEncoded, EncodedNamesAndRepeatedFields) {
  FormResult result = ParseUrlEncoded("a%5B%5D=1&a%5B%5D=2");
  ASSERT_TRUE(result.form);
  EXPECT_EQ(result.form->GetAll("a[]"), (std::vector<std::string>{"1", "2"}));
}

TEST(ParseUrlEncoded, EmptyBodyIsAnEmptyForm) {
  FormResult result = ParseUrlEncoded("");
  ASSERT_TRUE(result.form);
  EXPECT_TRUE(result.form->fields().empty());
}

TEST(ParseUrlEncoded, BadEscapeIs400) {
  for (std::string_view body : {"a=%", "a=%4", "a=%zz", "%g0=1"}) {
    FormResult result = ParseUrlEncoded(body);
    EXPECT_FALSE(result.form) << body;
    EXPECT_EQ(result.status, 400) << body;
    EXPECT_FALSE(result.error.empty());
  }
}

TEST(ParseUrlEncoded, InvalidUtf8Is400WithASentence) {
  for (std::string_view body : {"name=%FF", "name=%C0%AF", "name=%E0%80%AF", "name=%ED%A0%80",
                                "name=%ED%BF%BF", "%C3=value", "name=%F4%90%80%80"}) {
    FormResult result = ParseUrlEncoded(body);
    EXPECT_FALSE(result.form) << body;
    EXPECT_EQ(result.status, 400) << body;
    EXPECT_EQ(result.error, kUnreadable) << body;
  }
}

TEST(ParseUrlEncoded, TooManyFieldsIs413) {
  FormLimits limits;
  limits.max_fields = 3;
  EXPECT_TRUE(ParseUrlEncoded("a=1&b=2&c=3", limits).form);
  FormResult result = ParseUrlEncoded("a=1&b=2&c=3&d=4", limits);
  EXPECT_FALSE(result.form);
  EXPECT_EQ(result.status, 413);
  EXPECT_NE(result.error.find("more than 3 fields"), std::string::npos) << result.error;
}

TEST(ParseUrlEncoded, TooLongFieldIs413) {
  FormLimits limits;
  limits.max_field_bytes = 1024;
  EXPECT_TRUE(ParseUrlEncoded("a=" + std::string(1024, 'x'), limits).form);
  FormResult result = ParseUrlEncoded("a=" + std::string(1025, 'x'), limits);
  EXPECT_FALSE(result.form);
  EXPECT_EQ(result.status, 413);
  EXPECT_NE(result.error.find("1 KB"), std::string::npos) << result.error;
  EXPECT_EQ(ParseUrlEncoded(std::string(1025, 'n') + "=1", limits).status, 413);
}

// A multipart body with CRLF line ends, written with "\n" for readability.
std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const std::string kMultipart = Crlf(
    "--XyZ\n"
    "Content-Disposition: form-data; name=\"title\"\n"
    "\n"
    "Caf\xC3\xA9 plan\n"
    "--XyZ\n"
    "Content-Disposition: form-data; name=\"evidence\"; filename=\"C:\\Users\\ann\\minutes.pdf\"\n"
    "Content-Type: application/pdf\n"
    "\n"
    "%PDF-1.4\n\n--not-a-boundary\n"
    "--XyZ\n"
    "content-disposition: form-data; name=\"empty\"\n"
    "\n"
    "\n"
    "--XyZ--\n");

TEST(ParseMultipart, TextFieldsAndFiles) {
  FormResult result = ParseMultipart(kMultipart, "multipart/form-data; boundary=XyZ");
  ASSERT_TRUE(result.form) << result.error;
  EXPECT_EQ(result.form->Get("title"), "Caf\xC3\xA9 plan");
  EXPECT_TRUE(result.form->Has("empty"));
  EXPECT_EQ(result.form->Get("empty"), "");
  ASSERT_EQ(result.form->files.size(), 1U);
  const UploadedFile& file = result.form->files[0];
  EXPECT_EQ(file.field, "evidence");
  EXPECT_EQ(file.filename, "minutes.pdf");
  EXPECT_EQ(file.content_type, "application/pdf");
  EXPECT_EQ(file.content, Crlf("%PDF-1.4\n\n--not-a-boundary"));
  EXPECT_FALSE(result.form->Has("evidence"));
}

TEST(ParseMultipart, QuotedBoundaryPreambleAndUnixPath) {
  std::string body = Crlf(
      "This is a preamble.\n"
      "--a b:c\n"
      "Content-Disposition: form-data; name=\"doc\"; filename=\"../../etc/passwd\"\n"
      "\n"
      "root\n"
      "--a b:c--\n"
      "epilogue");
  FormResult result =
      ParseMultipart(body, "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b:c\"");
  ASSERT_TRUE(result.form) << result.error;
  ASSERT_EQ(result.form->files.size(), 1U);
  EXPECT_EQ(result.form->files[0].filename, "passwd");
  EXPECT_EQ(result.form->files[0].content, "root");
}

TEST(ParseMultipart, EmptyFileInputIsSkipped) {
  std::string body = Crlf(
      "--b\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"\"\n"
      "Content-Type: application/octet-stream\n"
      "\n"
      "\n"
      "--b--\n");
  FormResult result = ParseMultipart(body, "multipart/form-data; boundary=b");
  ASSERT_TRUE(result.form) << result.error;
  EXPECT_TRUE(result.form->files.empty());
}

TEST(ParseMultipart, MissingOrBadBoundaryIs400) {
  for (std::string_view type :
       {"multipart/form-data", "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"unterminated", "multipart/form-data; boundary=bad\x01"}) {
    FormResult result = ParseMultipart(kMultipart, type);
    EXPECT_FALSE(result.form) << type;
    EXPECT_EQ(result.status, 400) << type;
    EXPECT_FALSE(result.error.empty());
  }
  FormResult other = ParseMultipart(kMultipart, "multipart/form-data; boundary=other");
  EXPECT_EQ(other.status, 400);
}

TEST(ParseMultipart, TruncatedOrMalformedBodyIs400) {
  const std::string_view type = "multipart/form-data; boundary=XyZ";
  EXPECT_EQ(ParseMultipart(kMultipart.substr(0, kMultipart.size() - 9), type).status, 400);
  EXPECT_EQ(ParseMultipart(Crlf("--XyZ\nContent-Type: text/plain\n\nx\n--XyZ--\n"), type).status,
            400);  // no Content-Disposition
  EXPECT_EQ(
      ParseMultipart(Crlf("--XyZ\nContent-Disposition: form-data\n\nx\n--XyZ--\n"), type).status,
      400);  // no name
  EXPECT_EQ(
      ParseMultipart(Crlf("--XyZ\nContent-Disposition: attachment; name=a\n\nx\n--XyZ--\n"), type)
          .status,
      400);
}

TEST(ParseMultipart, InvalidUtf8InTextFieldIs400) {
  std::string body =
      Crlf("--b\nContent-Disposition: form-data; name=\"t\"\n\n\xED\xA0\x80\n--b--\n");
  FormResult result = ParseMultipart(body, "multipart/form-data; boundary=b");
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(result.error, kUnreadable);
  // Files are bytes, not text.
  std::string file = Crlf(
      "--b\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\n\n\xFF\xFE\n--b--\n");
  EXPECT_TRUE(ParseMultipart(file, "multipart/form-data; boundary=b").form);
}

TEST(ParseMultipart, FileOverTheLimitIs413) {
  FormLimits limits;
  limits.max_file_bytes = 4;
  auto body = [](const std::string& content) {
    return Crlf("--b\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\n\n") +
           content + Crlf("\n--b--\n");
  };
  EXPECT_TRUE(ParseMultipart(body("1234"), "multipart/form-data; boundary=b", limits).form);
  FormResult result = ParseMultipart(body("12345"), "multipart/form-data; boundary=b", limits);
  EXPECT_FALSE(result.form);
  EXPECT_EQ(result.status, 413);
  EXPECT_NE(result.error.find("a.txt"), std::string::npos) << result.error;
}

TEST(ParseMultipart, TooManyFilesAndFieldsAre413) {
  FormLimits limits;
  limits.max_files = 1;
  limits.max_fields = 1;
  std::string two_files = Crlf(
      "--b\nContent-Disposition: form-data; name=\"f\"; filename=\"1\"\n\nx\n"
      "--b\nContent-Disposition: form-data; name=\"f\"; filename=\"2\"\n\ny\n--b--\n");
  EXPECT_EQ(ParseMultipart(two_files, "multipart/form-data; boundary=b", limits).status, 413);
  std::string two_fields = Crlf(
      "--b\nContent-Disposition: form-data; name=\"a\"\n\nx\n"
      "--b\nContent-Disposition: form-data; name=\"b\"\n\ny\n--b--\n");
  EXPECT_EQ(ParseMultipart(two_fields, "multipart/form-data; boundary=b", limits).status, 413);
}

Request Post(std::string content_type, std::string body) {
  Request request;
  request.method = "POST";
  if (!content_type.empty()) request.headers.emplace("Content-Type", std::move(content_type));
  request.body = std::move(body);
  return request;
}

TEST(ParseForm, DispatchesOnTheMediaType) {
  FormResult urlencoded =
      ParseForm(Post("Application/X-WWW-Form-URLEncoded; charset=UTF-8", "a=1"));
  ASSERT_TRUE(urlencoded.form) << urlencoded.error;
  EXPECT_EQ(urlencoded.form->Get("a"), "1");
  FormResult multipart = ParseForm(Post("multipart/form-data; boundary=XyZ", kMultipart));
  ASSERT_TRUE(multipart.form) << multipart.error;
  EXPECT_EQ(multipart.form->files.size(), 1U);
}

TEST(ParseForm, OtherTypesAre415) {
  for (std::string type : {"application/json", "text/plain", ""}) {
    FormResult result = ParseForm(Post(type, "{\"a\":1}"));
    EXPECT_FALSE(result.form) << type;
    EXPECT_EQ(result.status, 415) << type;
    EXPECT_FALSE(result.error.empty());
  }
}

TEST(ParseForm, EmptyBodyIsAnEmptyForm) {
  FormResult result = ParseForm(Post("", ""));
  ASSERT_TRUE(result.form);
  EXPECT_TRUE(result.form->fields().empty());
}

}  // namespace
}  // namespace coproduce::http
