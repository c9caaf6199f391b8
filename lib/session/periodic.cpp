#include "session/periodic.h"

#include <exception>

#include "log/log.h"

namespace shopmcp::session {

Periodic::Periodic(std::string name, std::chrono::milliseconds period, std::function<void()> task)
    : name_(std::move(name)), period_(period), task_(std::move(task)) {}

Periodic::~Periodic() { stop(); }

void Periodic::start() {
  if (period_.count() <= 0) return;
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

void Periodic::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

void Periodic::wake() {
  {
    core::MutexLock l(&mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

void Periodic::run(std::stop_token stop) {
  try {
    while (!stop.stop_requested()) {
      {
        core::MutexLock l(&mu_);
        const auto deadline = std::chrono::steady_clock::now() + period_;
        while (!woken_ && wake_.wait_until(mu_, stop, deadline)) {
        }
        woken_ = false;
      }
      if (stop.stop_requested()) break;
      task_();
    }
  } catch (const std::exception& e) {
    spdlog::critical("{} failed: {}", name_, e.what());
  }
}

}  // namespace shopmcp::session
