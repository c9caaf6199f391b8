// WorkerPool: N threads that accept requests from nginx (FCGX_Accept_r, serialized by a mutex),
// turn each into an http::Request, route it and write the http::Response.
// Thread-safe: start() and stop() from the owning thread; workers are joined by the destructor.
#pragma once

#include <atomic>
#include <cstdint>
#include <stop_token>
#include <thread>
#include <vector>

#include "core/mutex.h"
#include "http/router.h"

namespace shopmcp::fcgi {

struct PoolOptions {
  int threads = 8;
  std::int64_t body_limit = 1 << 20;  // bytes; larger bodies get 413 without being read
};

class WorkerPool {
 public:
  // `listen_fd` and `router` must outlive the pool.
  WorkerPool(int listen_fd, PoolOptions options, const http::Router& router);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  // Stops accepting; requests in flight are answered; then the workers exit. Returns at once;
  // join() waits for the workers.
  void stop();
  void join();

  std::int64_t requests_served() const { return served_.load(); }

 private:
  void run(std::stop_token stop);

  const int listen_fd_;
  const PoolOptions options_;
  const http::Router& router_;
  core::Mutex accept_mu_;  // serializes FCGX_Accept_r
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> served_{0};
  std::atomic<std::uint64_t> next_request_id_{1};  // ids for log lines: r1, r2, ...
  std::vector<std::jthread> workers_;
};

}  // namespace shopmcp::fcgi
