// Clock: wall and monotonic time behind an interface so tests use a fake. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace shopmcp::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch, UTC.
  virtual std::int64_t unix_seconds() const = 0;
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t unix_seconds() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
};

// "YYYY-MM-DD HH:MM:SS" in UTC, the format of every timestamp the shop shows.
std::string format_utc(std::int64_t unix_seconds);

// Days since 1970-01-01 for a proleptic Gregorian date; false if the date does not exist.
bool days_from_civil(int year, int month, int day, std::int64_t* days);

}  // namespace shopmcp::core
