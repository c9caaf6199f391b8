// Test support for code above a Sink: a fake clock, a Sink over one end of a socketpair, and the
// other end as the client. Not thread-safe unless a member says so.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <deque>
#include <string>

#include "core/clock.h"
#include "sse/sink.h"

namespace shopmcp::testing {

class FakeClock final : public core::Clock {
 public:
  std::int64_t unix_seconds() const override { return 1700000000 + ms_.load() / 1000; }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(1000000 + ms_.load()));
  }
  void advance(std::chrono::milliseconds d) { ms_ += d.count(); }

 private:
  std::atomic<std::int64_t> ms_{0};
};

struct Counters {
  std::atomic<int> finishes{0};
  std::deque<int> scripted_errors;  // errors returned by the next writes, then 0
};

// One end of a socketpair; the test reads the other end.
class SocketSink final : public sse::Sink {
 public:
  SocketSink(int fd, Counters* c) : fd_(fd), c_(c) {}
  ~SocketSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  int write(std::string_view data) override {
    if (!c_->scripted_errors.empty()) {
      const int e = c_->scripted_errors.front();
      c_->scripted_errors.pop_front();
      if (e != 0) return e;
    }
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) return errno;
    return static_cast<std::size_t>(n) == data.size() ? 0 : EAGAIN;
  }
  int fd() const override { return fd_; }
  void finish() override {
    ::close(fd_);
    fd_ = -1;
    c_->finishes++;
  }

 private:
  int fd_;
  Counters* c_;
};

struct Peer {
  int fd = -1;
  ~Peer() {
    if (fd >= 0) ::close(fd);
  }
  // Everything readable now; "" plus eof=true once the hub closed its end.
  std::string read_now(bool* eof = nullptr) {
    std::string out;
    char buf[4096];
    while (true) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 0) <= 0) break;
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) {
        if (eof) *eof = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
};

}  // namespace shopmcp::testing
