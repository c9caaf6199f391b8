// Pool<T>: reusable resources (the store's SQLite connections) lent to one borrower at a time.
// checkout() lends an idle one, or makes a new one when all are lent out; the handle it returns
// gives the resource back on destruction. Thread-safe; the pool must outlive every handle.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "core/mutex.h"
#include "core/result.h"

namespace shopmcp::store {

template <typename T>
class Pool {
 public:
  using Factory = std::function<core::Result<std::unique_ptr<T>>()>;

  struct GiveBack {
    Pool* pool;
    void operator()(T* t) const { pool->give_back(std::unique_ptr<T>(t)); }
  };
  using Lease = std::unique_ptr<T, GiveBack>;

  explicit Pool(Factory make) : make_(std::move(make)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Fails only when a new resource is needed and the factory fails (its error is passed on).
  // The mutex is held neither while the factory runs nor while the borrower works.
  core::Result<Lease> checkout() EXCLUDES(mu_) {
    std::unique_ptr<T> t;
    {
      core::MutexLock l(&mu_);
      if (!idle_.empty()) {
        t = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (!t) {
      auto made = make_();
      if (!made) return std::move(made).error();
      t = std::move(*made);
    }
    return Lease(t.release(), GiveBack{this});
  }

  // Puts `t` on the idle list: a lease's resource, or one made elsewhere.
  void give_back(std::unique_ptr<T> t) EXCLUDES(mu_) {
    core::MutexLock l(&mu_);
    idle_.push_back(std::move(t));
  }

 private:
  const Factory make_;
  core::Mutex mu_;
  std::vector<std::unique_ptr<T>> idle_ GUARDED_BY(mu_);  // one per past concurrent borrower
};

}  // namespace shopmcp::store
