// WorkerPool: one acceptor thread takes every request from nginx (FCGX_Accept_r) and hands it to
// N worker threads that turn it into an http::Request, route it and write the answer. The
// acceptor answers the health path itself, so health answers while every worker is busy; when
// the workers' queue is full it answers 503 + Retry-After at once. At the open-file limit it
// frees a reserved descriptor to accept and answer 503 instead of leaving nginx waiting.
// Thread-safe: start(), stop() and join*() from the owning thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "core/mutex.h"
#include "fcgi/peer_filter.h"
#include "http/router.h"

struct FCGX_Request;

namespace shopmcp::fcgi {

struct PoolOptions {
  int threads = 8;
  std::int64_t body_limit = 1 << 20;  // bytes; larger bodies get 413 without being read
  // Accepted requests waiting for a worker; one more gets 503 + Retry-After at once.
  std::size_t max_waiting = 256;
  // GET/HEAD on this path are answered by the acceptor, never queued ("" = none).
  std::string health_path = "/mcp/health";
  // The listening socket was passed in (systemd socket activation, spawn-fcgi) and may be handed
  // to the next process: stop() leaves it open and listening, and connections waiting in its
  // backlog wait for that process instead of being refused.
  bool inherited_socket = false;
  // Who may connect over TCP (--allowed-peers); a connection from anyone else is closed unanswered.
  PeerFilter peers;
};

class WorkerPool {
 public:
  // `listen_fd` and `router` must outlive the pool.
  WorkerPool(int listen_fd, PoolOptions options, const http::Router& router);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  // Stops accepting (without closing an inherited socket); requests still waiting for a worker
  // get 503; requests in flight are answered, then the workers exit. Returns at once.
  void stop();
  // Waits until every thread has exited or `deadline` passes; true if they all exited (and were
  // joined). After false the threads are still running: the caller may exit the process.
  bool join_until(std::chrono::steady_clock::time_point deadline);
  void join();

  std::int64_t requests_served() const { return served_.load(); }
  // Requests answered 503 because the open-file limit was reached or the queue was full.
  std::int64_t requests_refused() const { return refused_.load(); }

 private:
  using Owned = std::unique_ptr<FCGX_Request, void (*)(FCGX_Request*)>;
  void accept_loop(std::stop_token stop);
  void work(std::stop_token stop);
  void handle(Owned req);
  void reject(Owned req, const char* why);
  Owned fresh_request() const;
  void wake_acceptor();  // repeated while joining: one wake-up may come too early

  const int listen_fd_;
  const PoolOptions options_;
  const http::Router& router_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> acceptor_done_{false};
  std::atomic<std::int64_t> served_{0};
  std::atomic<std::int64_t> refused_{0};
  std::atomic<std::uint64_t> next_request_id_{1};  // ids for log lines: r1, r2, ...
  core::Mutex mu_;
  core::CondVar work_cv_;                      // a request was queued, or stopping
  core::CondVar done_cv_;                      // a thread exited
  std::deque<Owned> waiting_ GUARDED_BY(mu_);  // <= options_.max_waiting
  std::size_t idle_workers_ GUARDED_BY(mu_) = 0;
  int running_ GUARDED_BY(mu_) = 0;  // threads not yet returned from their loop
  std::vector<std::jthread> threads_;
};

}  // namespace shopmcp::fcgi
