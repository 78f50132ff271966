// The demo partnership that `coproduce demo` seeds: fictional, but shaped like a real
// Third Sector Interface and its Health and Social Care Partnership.
#pragma once

#include <cstdint>
#include <string>

#include "store/connection.hpp"

namespace coproduce::domain {

inline constexpr const char* kDemoSlug = "riverside";
inline constexpr const char* kDemoAdminEmail = "admin@example.org";
inline constexpr const char* kDemoAdminPassword = "demo-admin-2026";
inline constexpr const char* kDemoMemberEmail = "sam.patel@example.org";
inline constexpr const char* kDemoMemberPassword = "demo-member-2026";

struct DemoSummary final {
  bool created = false;  // false when the demo partnership was already there
  int localities = 0;
  int organisations = 0;
  int people = 0;
};

// Seeds the demo partnership in one transaction; does nothing if it already exists.
DemoSummary SeedDemo(db::Connection& db, int64_t now);

}  // namespace coproduce::domain
