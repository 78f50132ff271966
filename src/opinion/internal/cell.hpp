// A vote in a participant's row of the vote matrix.
#pragma once

#include <cstdint>

namespace coproduce::opinion::internal {

// The comment's column and the vote (-1 agree, 0 pass, 1 disagree). Four bytes, because
// every update passes over all the votes.
inline constexpr int kMaxColumns = 65535;
struct Cell final {
  uint16_t column = 0;
  int8_t value = 0;
};

}  // namespace coproduce::opinion::internal
