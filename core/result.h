#pragma once
// Result<T>: the value of an operation on untrusted input, or the reason it
// was refused. Reasons are short, Bitcoin-style strings ("bad-txnmrklroot")
// where Bitcoin has one, so they can be returned to RPC callers unchanged.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace btr::core {

struct Error {
  std::string reason;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const std::string& error() const {
    assert(!ok());
    return std::get<1>(v_).reason;
  }

 private:
  std::variant<T, Error> v_;
};

// Status: success, or the reason for a refusal.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : reason_(std::move(e.reason)), failed_(true) {}  // NOLINT

  static Status success() { return {}; }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& error() const {
    assert(failed_);
    return reason_;
  }

 private:
  std::string reason_;
  bool failed_ = false;
};

inline Error fail(std::string reason) { return Error{std::move(reason)}; }

}  // namespace btr::core
