// The domain's small value types (DESIGN.md's vocabulary) and the outcome of a write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coproduce::domain {

enum class Sector { kThird, kStatutory, kCommunity, kPrivate };
inline constexpr Sector kSectors[] = {Sector::kThird, Sector::kStatutory, Sector::kCommunity,
                                      Sector::kPrivate};
std::optional<Sector> SectorFromString(std::string_view s);  // "third" ...
std::string_view ToString(Sector s);
std::string_view SectorLabel(Sector s);  // "Third sector" ...

// Roles in one partnership, from least to most trusted.
enum class Role { kMember, kFacilitator, kAdmin };
inline constexpr Role kRoles[] = {Role::kMember, Role::kFacilitator, Role::kAdmin};
std::optional<Role> RoleFromString(std::string_view s);  // "member" ...
std::string_view ToString(Role r);
std::string_view RoleLabel(Role r);  // "Member" ...

// Who is acting. person_id 0 is the public (no account); role is the person's role in the
// partnership being acted on, if any. The system actor (command line, demo seeding) may do
// anything and is recorded in the audit log as nobody.
struct Actor final {
  int64_t person_id = 0;
  std::string full_name;
  std::optional<Role> role;
  bool system = false;
  bool signed_in() const { return person_id != 0; }
  static Actor System() { return {0, "coproduce", std::nullopt, true}; }
};

struct FieldError final {
  std::string field;    // the form field's name, so the page can link to it
  std::string message;  // a sentence that says what to do
};
using FieldErrors = std::vector<FieldError>;

// What a write did. Expected failures are values, not exceptions.
struct Outcome final {
  // kConflict: allowed in general but not now (a closed phase, a closed vote); errors holds
  // one sentence saying why.
  enum class Status { kOk, kInvalid, kDenied, kNotFound, kConflict };
  Status status = Status::kOk;
  FieldErrors errors;  // for kInvalid and kConflict
  int64_t id = 0;      // the entity written, for kOk

  bool ok() const { return status == Status::kOk; }
  static Outcome Ok(int64_t id) { return {Status::kOk, {}, id}; }
  static Outcome Invalid(FieldErrors errors) { return {Status::kInvalid, std::move(errors), 0}; }
  static Outcome Denied() { return {Status::kDenied, {}, 0}; }
  static Outcome NotFound() { return {Status::kNotFound, {}, 0}; }
  static Outcome Conflict(std::string message) {
    return {Status::kConflict, {{"", std::move(message)}}, 0};
  }
};

}  // namespace coproduce::domain
