// Logging: spdlog's default logger is the process's only global. setup() picks level and format.
// Thread-safe.
#pragma once

#include <string>

#include <spdlog/spdlog.h>

namespace shopmcp::log {

// Logs to stderr as text ("[time] [level] message") or JSON lines
// ({"time":..,"level":..,"msg":..}). `level`: trace debug info warn error critical off.
void setup(const std::string& level, const std::string& format);

}  // namespace shopmcp::log
