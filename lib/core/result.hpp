// Errors as values: Result<T> holds a T or an Error (C++20 has no std::expected).
// The library never throws for expected failures; the CLI has one top-level catch.
// An Error's kind says what went wrong for the caller; exit_code_for() in
// core/exit_status.hpp is the one table from a kind to the exit code a user sees.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace rollout {

enum class ErrorKind {
  usage,      // the command line, a runbook or a scenario is wrong; nothing was touched
  refused,    // the rollout's state does not allow it (already ended, unfinished, no journal)
  io,         // the state directory or a file in it cannot be read, written or trusted
  locked,     // another process holds the rollout's lock, or did not take a request
  uncertain,  // where the rollout stands cannot be trusted: a person must act
  internal,   // a bug, or the OS failing in a way rollout does not expect
};

struct Error {
  std::string message;
  ErrorKind kind = ErrorKind::usage;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error make_error(std::string message, ErrorKind kind = ErrorKind::usage) {
  return Error{std::move(message), kind};
}

// The same error, of the kind the caller says it is (a lower layer's error, classed).
inline Error with_kind(Error error, ErrorKind kind) {
  error.kind = kind;
  return error;
}

}  // namespace rollout
