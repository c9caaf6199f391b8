#include "core/mutex.h"

#include <doctest/doctest.h>

#include <thread>

using namespace std::chrono_literals;
using shopmcp::core::CondVar;
using shopmcp::core::Mutex;
using shopmcp::core::MutexLock;

TEST_SUITE("core.mutex") {
  TEST_CASE("wait_until sleeps until the deadline when nobody notifies") {
    Mutex mu;
    CondVar cv;
    std::stop_source stop;
    MutexLock l(&mu);
    const auto start = std::chrono::steady_clock::now();
    int wakeups = 0;
    while (cv.wait_until(mu, stop.get_token(), start + 30ms)) ++wakeups;
    CHECK(wakeups == 0);  // no return before the deadline without a notification
    CHECK(std::chrono::steady_clock::now() - start >= 30ms);
  }

  TEST_CASE("wait_until returns when notified, and when stop is requested") {
    Mutex mu;
    CondVar cv;
    std::stop_source stop;
    bool ready = false;
    std::thread t([&] {
      {
        MutexLock l(&mu);
        ready = true;
      }
      cv.notify_all();
    });
    {
      MutexLock l(&mu);
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (!ready) REQUIRE(cv.wait_until(mu, stop.get_token(), deadline));
    }
    t.join();
    std::thread s([&] { stop.request_stop(); });
    {
      MutexLock l(&mu);
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (cv.wait_until(mu, stop.get_token(), deadline)) {
      }
      CHECK(std::chrono::steady_clock::now() < deadline);
    }
    s.join();
  }
}
