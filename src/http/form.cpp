#include "http/form.hpp"

#include <algorithm>

namespace coproduce::http {
namespace {

constexpr std::string_view kDamaged =
    "The form arrived incomplete or damaged. Please go back and send it again.";
constexpr std::string_view kUnreadable =
    "The form contained characters we could not read. Check what you typed and try again.";
constexpr std::size_t kMaxPartHeaderBytes = std::size_t{8} * 1024;

FormResult Fail(int status, std::string error) {
  FormResult result;
  result.status = status;
  result.error = std::move(error);
  return result;
}

FormResult Success(Form form) {
  FormResult result;
  result.form = std::move(form);
  result.status = 200;
  return result;
}

std::string Size(std::size_t bytes) {
  constexpr std::size_t kKiB = 1024;
  constexpr std::size_t kMiB = kKiB * kKiB;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MB";
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KB";
  return std::to_string(bytes) + " bytes";
}

FormResult TooManyFields(const FormLimits& limits) {
  return Fail(413, "The form has more than " + std::to_string(limits.max_fields) +
                       " fields. Remove some and try again.");
}

FormResult FieldTooLong(const FormLimits& limits) {
  return Fail(413, "One of the answers is longer than " + Size(limits.max_field_bytes) +
                       ". Shorten it and try again.");
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A header value "type; a=1; b="x y"" split into its type and parameters (names lowercased).
// In quoted strings only \" and \\ are escapes, so that a Windows path in a filename keeps
// its backslashes.
struct HeaderValue {
  std::string type;
  std::vector<std::pair<std::string, std::string>> params;

  static std::optional<HeaderValue> Parse(std::string_view s) {
    HeaderValue out;
    std::size_t semi = s.find(';');
    for (char c : Trim(s.substr(0, semi))) out.type.push_back(AsciiLower(c));
    if (semi == std::string_view::npos) return out;
    s.remove_prefix(semi + 1);
    while (true) {
      s = Trim(s);
      if (s.empty()) return out;
      std::size_t eq = s.find('=');
      if (eq == std::string_view::npos) return std::nullopt;
      std::string name;
      for (char c : Trim(s.substr(0, eq))) name.push_back(AsciiLower(c));
      s = Trim(s.substr(eq + 1));
      std::string value;
      if (!s.empty() && s.front() == '"') {
        std::size_t i = 1;
        for (; i < s.size() && s[i] != '"'; ++i) {
          if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
          value.push_back(s[i]);
        }
        if (i == s.size()) return std::nullopt;  // unterminated quote
        s.remove_prefix(i + 1);
      } else {
        std::size_t end = s.find(';');
        value = std::string(Trim(s.substr(0, end)));
        s.remove_prefix(end == std::string_view::npos ? s.size() : end);
      }
      out.params.emplace_back(std::move(name), std::move(value));
      s = Trim(s);
      if (s.empty()) return out;
      if (s.front() != ';') return std::nullopt;
      s.remove_prefix(1);
    }
  }

  const std::string* Param(std::string_view name) const {
    for (const auto& [key, value] : params) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

// RFC 2046 section 5.1.1: 1 to 70 characters from bchars, not ending in a space.
bool IsValidBoundary(std::string_view b) {
  if (b.empty() || b.size() > 70 || b.back() == ' ') return false;
  return std::all_of(b.begin(), b.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
  });
}

std::string_view BaseName(std::string_view filename) {
  std::size_t slash = filename.find_last_of("/\\");
  return slash == std::string_view::npos ? filename : filename.substr(slash + 1);
}

}  // namespace

void Form::Add(std::string name, std::string value) {
  fields_.emplace(std::move(name), std::move(value));
}

const std::string& Form::Get(std::string_view name) const {
  static const std::string kEmpty;
  auto it = fields_.lower_bound(name);
  return it == fields_.end() || it->first != name ? kEmpty : it->second;
}

std::vector<std::string> Form::GetAll(std::string_view name) const {
  std::vector<std::string> values;
  auto [first, last] = fields_.equal_range(name);
  for (auto it = first; it != last; ++it) values.push_back(it->second);
  return values;
}

bool Form::Has(std::string_view name) const { return fields_.contains(name); }

FormResult ParseUrlEncoded(std::string_view body, const FormLimits& limits) {
  Form form;
  std::size_t count = 0;
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body.remove_prefix(amp == std::string_view::npos ? body.size() : amp + 1);
    if (pair.empty()) continue;
    if (++count > limits.max_fields) return TooManyFields(limits);

    std::size_t eq = pair.find('=');
    std::optional<std::string> name = PercentDecode(pair.substr(0, eq), true);
    std::optional<std::string> value =
        PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name || !value) return Fail(400, std::string(kDamaged));
    if (name->size() > limits.max_field_bytes || value->size() > limits.max_field_bytes) {
      return FieldTooLong(limits);
    }
    if (!IsValidUtf8(*name) || !IsValidUtf8(*value)) return Fail(400, std::string(kUnreadable));
    form.Add(std::move(*name), std::move(*value));
  }
  return Success(std::move(form));
}

FormResult ParseMultipart(std::string_view body, std::string_view content_type,
                          const FormLimits& limits) {
  std::optional<HeaderValue> type = HeaderValue::Parse(content_type);
  const std::string* boundary = type ? type->Param("boundary") : nullptr;
  if (!boundary || !IsValidBoundary(*boundary)) return Fail(400, std::string(kDamaged));
  Form form;
  if (body.empty()) return Success(std::move(form));

  // Every delimiter but the first is preceded by CRLF, which belongs to the delimiter.
  const std::string delimiter = "\r\n--" + *boundary;
  std::size_t pos = 0;
  if (body.starts_with(std::string_view(delimiter).substr(2))) {
    pos = delimiter.size() - 2;
  } else if (std::size_t first = body.find(delimiter); first != std::string_view::npos) {
    pos = first + delimiter.size();  // after a preamble
  } else {
    return Fail(400, std::string(kDamaged));
  }

  std::size_t fields = 0;
  while (true) {
    if (body.substr(pos, 2) == "--") return Success(std::move(form));  // the close delimiter
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return Fail(400, std::string(kDamaged));
    // Searching from the CRLF that ends the delimiter line also finds an empty header block.
    std::size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos || headers_end - pos > kMaxPartHeaderBytes) {
      return Fail(400, std::string(kDamaged));
    }
    std::string_view headers = body.substr(pos + 2, headers_end > pos ? headers_end - pos - 2 : 0);
    std::size_t content_start = headers_end + 4;
    std::size_t content_end = body.find(delimiter, content_start);
    if (content_end == std::string_view::npos) return Fail(400, std::string(kDamaged));
    std::string_view content = body.substr(content_start, content_end - content_start);
    pos = content_end + delimiter.size();

    std::optional<HeaderValue> disposition;
    std::string part_type;
    while (!headers.empty()) {
      std::size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers.remove_prefix(eol == std::string_view::npos ? headers.size() : eol + 2);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return Fail(400, std::string(kDamaged));
      std::string_view name = Trim(line.substr(0, colon));
      std::string_view value = Trim(line.substr(colon + 1));
      if (EqualsIgnoreCase(name, "Content-Disposition")) {
        disposition = HeaderValue::Parse(value);
        if (!disposition) return Fail(400, std::string(kDamaged));
      } else if (EqualsIgnoreCase(name, "Content-Type")) {
        part_type = value;
      }
    }
    const std::string* name = disposition ? disposition->Param("name") : nullptr;
    if (!name || disposition->type != "form-data") return Fail(400, std::string(kDamaged));
    if (!IsValidUtf8(*name)) return Fail(400, std::string(kUnreadable));

    if (const std::string* filename = disposition->Param("filename")) {
      if (filename->empty() && content.empty()) continue;  // a file input left empty
      if (!IsValidUtf8(*filename)) return Fail(400, std::string(kUnreadable));
      std::string base(BaseName(*filename));
      if (content.size() > limits.max_file_bytes) {
        return Fail(413, "The file \u201c" + base + "\u201d is larger than " +
                             Size(limits.max_file_bytes) +
                             ". Choose a smaller file and try again.");
      }
      if (form.files.size() >= limits.max_files) {
        return Fail(413, "You attached more than " + std::to_string(limits.max_files) +
                             " files. Remove some and try again.");
      }
      form.files.push_back(
          UploadedFile{*name, std::move(base), std::move(part_type), std::string(content)});
      continue;
    }
    if (++fields > limits.max_fields) return TooManyFields(limits);
    if (name->size() > limits.max_field_bytes || content.size() > limits.max_field_bytes) {
      return FieldTooLong(limits);
    }
    if (!IsValidUtf8(content)) return Fail(400, std::string(kUnreadable));
    form.Add(*name, std::string(content));
  }
}

FormResult ParseForm(const Request& request, const FormLimits& limits) {
  if (request.body.empty()) return Success(Form());
  std::string_view content_type = request.Header("Content-Type");
  std::string_view media_type = Trim(content_type.substr(0, content_type.find(';')));
  if (EqualsIgnoreCase(media_type, "application/x-www-form-urlencoded")) {
    return ParseUrlEncoded(request.body, limits);
  }
  if (EqualsIgnoreCase(media_type, "multipart/form-data")) {
    return ParseMultipart(request.body, content_type, limits);
  }
  return Fail(415,
              "The form was sent in a format we do not accept. Please send it from the form on "
              "our website.");
}

}  // namespace coproduce::http
