// Form bodies: application/x-www-form-urlencoded and multipart/form-data, with limits.
// Parsing never throws on bad input: it returns an error sentence and a 4xx status.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace coproduce::http {

struct UploadedFile final {
  std::string field;         // the form field name
  std::string filename;      // as sent by the browser, with any directory part removed
  std::string content_type;  // as sent
  std::string content;
};

class Form final {
 public:
  void Add(std::string name, std::string value);
  // The first value of a field, or "" when absent.
  const std::string& Get(std::string_view name) const;
  std::vector<std::string> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const;
  const std::multimap<std::string, std::string, std::less<>>& fields() const { return fields_; }
  std::vector<UploadedFile> files;

 private:
  std::multimap<std::string, std::string, std::less<>> fields_;
};

struct FormLimits final {
  std::size_t max_fields = 200;
  std::size_t max_field_bytes = std::size_t{64} * 1024;
  std::size_t max_file_bytes = std::size_t{8} * 1024 * 1024;
  std::size_t max_files = 10;
};

struct FormResult final {
  std::optional<Form> form;  // set on success
  int status = 400;          // on failure: 400, 413 or 415
  std::string error;         // on failure: a plain-English sentence for the person
};

// Parses a urlencoded body. Field names and values must be valid UTF-8.
FormResult ParseUrlEncoded(std::string_view body, const FormLimits& limits = {});
// Parses a multipart/form-data body (RFC 7578); content_type carries the boundary parameter.
// Text fields must be UTF-8; a file input left empty (no filename, no content) is skipped.
FormResult ParseMultipart(std::string_view body, std::string_view content_type,
                          const FormLimits& limits = {});
// Parses a request body by its Content-Type (415 for any other type). An empty body is an
// empty form, whatever the type.
FormResult ParseForm(const Request& request, const FormLimits& limits = {});

}  // namespace coproduce::http
