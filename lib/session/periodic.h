// session::Periodic: a thread that runs a task every period, and when woken, until stopped (the
// session reaper, the resource watcher). Thread-safe: start() and stop() from the owner; the task
// runs on the thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "core/mutex.h"

namespace shopmcp::session {

class Periodic {
 public:
  // `name` labels the log line if the task throws (the thread then ends).
  Periodic(std::string name, std::chrono::milliseconds period, std::function<void()> task);
  ~Periodic();  // stop()
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // Starts the thread; a period of 0 or less never starts.
  void start();
  // Stops and joins the thread; returns promptly, also mid-wait. Idempotent.
  void stop();
  // Runs the task now instead of at the end of the current period (the period starts again).
  void wake() EXCLUDES(mu_);

 private:
  void run(std::stop_token stop);

  const std::string name_;
  const std::chrono::milliseconds period_;
  const std::function<void()> task_;
  core::Mutex mu_;
  core::CondVar wake_;
  bool woken_ GUARDED_BY(mu_) = false;
  std::jthread thread_;  // last: stopped before the members above go
};

}  // namespace shopmcp::session
