// Result<T>: a value or an Error, with std::expected's member names (C++20 has no std::expected).
// Not thread-safe: one owner at a time.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/check.h"

namespace shopmcp::core {

// What went wrong, for the caller to map onto an HTTP status or a JSON-RPC error.
enum class ErrorCode {
  kInvalidArgument,  // the caller's input breaks a rule; message says which
  kNotFound,
  kUnavailable,  // busy or temporarily failing dependency (SQLITE_BUSY, peer gone)
  kInternal,     // a bug or an unexpected failure; message is for the log only
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

inline Error invalid_argument(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}
inline Error not_found(std::string message) {
  return Error{ErrorCode::kNotFound, std::move(message)};
}
inline Error unavailable(std::string message) {
  return Error{ErrorCode::kUnavailable, std::move(message)};
}
inline Error internal(std::string message) {
  return Error{ErrorCode::kInternal, std::move(message)};
}

// Wraps an Error so `return unexpected(err);` reads as with std::expected.
struct Unexpected {
  Error error;
};
inline Unexpected unexpected(Error e) { return Unexpected{std::move(e)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Unexpected u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}             // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    MCP_CHECK(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    MCP_CHECK(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    MCP_CHECK(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    MCP_CHECK(!has_value());
    return std::get<1>(v_);
  }
  Error&& error() && {
    MCP_CHECK(!has_value());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected u) : error_(std::move(u.error)), ok_(false) {}  // NOLINT
  Result(Error e) : error_(std::move(e)), ok_(false) {}             // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const { MCP_CHECK(ok_); }
  const Error& error() const {
    MCP_CHECK(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace shopmcp::core
