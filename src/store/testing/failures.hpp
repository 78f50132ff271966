// Test support: what kind of db::Error a statement fails with.
#pragma once

#include <gtest/gtest.h>

#include "store/connection.hpp"

namespace coproduce::db::testing {

// Runs a statement that must fail and returns the Error's kind (a test failure if it does not).
template <typename Statement>
Error::Kind KindOfFailure(Statement statement) {
  try {
    statement();
  } catch (const Error& error) {
    return error.kind();
  }
  ADD_FAILURE() << "the statement did not fail";
  return Error::Kind::kOther;
}

}  // namespace coproduce::db::testing
