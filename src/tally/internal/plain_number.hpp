// For the vote-file readers only: the fast path for a number written as plain digits, which is
// how almost every number in a vote file is written. Readers fall back to their full parsing
// (std::from_chars, signs, blanks, error messages) for anything else.
#pragma once

#include <cstdint>

namespace coproduce::tally::internal {

// Reads 1 to `max_digits` (at most 19) decimal digits from `p` on, leaving `p` after them.
// False when there is no digit or more than `max_digits`; `p` is then anywhere in the run.
inline bool ReadPlainNumber(const char*& p, const char* end, int max_digits, uint64_t& value) {
  const char* const start = p;
  value = 0;
  while (p < end && *p >= '0' && *p <= '9' && p - start < max_digits) {
    value = value * 10 + static_cast<uint64_t>(*p - '0');
    ++p;
  }
  return p != start && (p == end || *p < '0' || *p > '9');
}

}  // namespace coproduce::tally::internal
