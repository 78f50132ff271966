#include "tally/election.hpp"

namespace coproduce::tally {

std::string ParseError::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  return out + ": " + message;
}

std::size_t Lot::Draw(std::size_t n) {
  used_ = true;
  // Rejection sampling: the same draw on every platform, unlike uniform_int_distribution.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x = 0;
  do {
    x = engine_();
  } while (x >= limit);
  return static_cast<std::size_t>(x % n);
}

}  // namespace coproduce::tally
