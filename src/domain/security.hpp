// Secrets: random tokens, their stored hashes, and password hashing (argon2id via
// libsodium). Call InitSecurity() once before anything else here.
#pragma once

#include <string>
#include <string_view>

namespace coproduce::domain {

// Initialises libsodium; throws std::runtime_error if it cannot.
void InitSecurity();
// 32 random bytes, base64url without padding (43 characters): for links and cookies.
std::string RandomToken();
// A stable hex hash of a token for storage, so that a stolen database yields no live token.
std::string HashToken(std::string_view token);
// A keyed hash (BLAKE2b with `key`, at least 16 bytes) of `message`, as 64 hex digits: the
// same inputs give the same output, and without the key nobody can compute or invert it.
std::string KeyedHash(std::string_view key, std::string_view message);
// An argon2id hash string with its own salt and parameters.
std::string HashPassword(std::string_view password);
// True when the password matches a hash made by HashPassword. Slow by design.
bool VerifyPassword(std::string_view password, std::string_view hash);
// Compares in time independent of where the strings differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace coproduce::domain
