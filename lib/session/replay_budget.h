// session::ReplayBudget: the bytes all sessions' replay logs hold together, against one
// process-wide limit. A session charges what it logs and refunds what it drops; once the total
// passes the limit, the trimmer (set by the SessionTable) drops the oldest events of every
// session, by stamp, until the total is back under 90 % of the limit. Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace shopmcp::session {

class ReplayBudget {
 public:
  explicit ReplayBudget(std::size_t limit_bytes) : limit_(limit_bytes) {}
  ReplayBudget(const ReplayBudget&) = delete;
  ReplayBudget& operator=(const ReplayBudget&) = delete;

  // The order events were logged in, across sessions: older events have smaller stamps.
  std::uint64_t next_stamp() { return next_stamp_.fetch_add(1); }
  // Adds `bytes`; true when the total is now over the limit: the caller then calls
  // trim_if_over() once it holds no lock.
  bool charge(std::size_t bytes) { return used_.fetch_add(bytes) + bytes > limit_; }
  void refund(std::size_t bytes) { used_.fetch_sub(bytes); }

  // Set once, before any session logs; called with no lock held.
  void set_trimmer(std::function<void()> trim) { trimmer_ = std::move(trim); }
  // Runs the trimmer when over the limit, unless another thread is already trimming.
  void trim_if_over() {
    if (used_.load() <= limit_ || !trimmer_ || trimming_.exchange(true)) return;
    trimmer_();
    trimming_.store(false);
  }

  std::size_t used() const { return used_.load(); }
  std::size_t limit() const { return limit_; }
  // What a trim brings the total down to.
  std::size_t trim_target() const { return limit_ / 10 * 9; }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> used_{0};
  std::atomic<std::uint64_t> next_stamp_{1};
  std::atomic<bool> trimming_{false};
  std::function<void()> trimmer_;
};

}  // namespace shopmcp::session
