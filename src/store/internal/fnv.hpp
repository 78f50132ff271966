// FNV-1a, 64 bits: a checksum that is the same on every machine and library version, which
// std::hash is not. For migrations (has a file changed?) and database copies (did every row
// arrive?), not for security.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace coproduce::db::internal {

constexpr uint64_t kFnvStart = 14695981039346656037ULL;

constexpr uint64_t Fnv1a(std::string_view bytes, uint64_t hash = kFnvStart) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// 16 lowercase hex digits.
inline std::string Hex64(uint64_t value) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) text[static_cast<std::size_t>(i)] = kHex[value & 0xf];
  return text;
}

}  // namespace coproduce::db::internal
