// Mutex, MutexLock and CondVar with Clang thread-safety annotations (GUARDED_BY and friends).
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>

#if defined(__clang__)
#define MCP_TSA(x) __attribute__((x))
#else
#define MCP_TSA(x)
#endif

#define CAPABILITY(x) MCP_TSA(capability(x))
#define SCOPED_CAPABILITY MCP_TSA(scoped_lockable)
#define GUARDED_BY(x) MCP_TSA(guarded_by(x))
#define PT_GUARDED_BY(x) MCP_TSA(pt_guarded_by(x))
#define REQUIRES(...) MCP_TSA(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) MCP_TSA(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) MCP_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...) MCP_TSA(release_capability(__VA_ARGS__))

namespace shopmcp::core {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->lock(); }
  ~MutexLock() RELEASE() { mu_->unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* mu_;
};

// Condition variable over Mutex. Every wait is timed and stop-aware.
class CondVar {
 public:
  void notify_one() {
    generation_.fetch_add(1);
    cv_.notify_one();
  }
  void notify_all() {
    generation_.fetch_add(1);
    cv_.notify_all();
  }

  // Sleeps until notified, the deadline passes or stop is requested; the caller holds mu and
  // re-checks its own predicate in a loop. Returns false once the deadline passed or stop was
  // requested.
  template <typename Clock, typename Duration>
  bool wait_until(Mutex& mu, std::stop_token stop,
                  std::chrono::time_point<Clock, Duration> deadline) REQUIRES(mu) {
    std::unique_lock<std::mutex> l(mu.native(), std::adopt_lock);
    const std::uint64_t seen = generation_.load();
    cv_.wait_until(l, stop, deadline, [&] { return generation_.load() != seen; });
    l.release();
    return !stop.stop_requested() && Clock::now() < deadline;
  }

 private:
  std::condition_variable_any cv_;
  std::atomic<std::uint64_t> generation_{0};  // counts notifications, so none is missed
};

}  // namespace shopmcp::core
