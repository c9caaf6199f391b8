// MCP_CHECK: a broken invariant is a bug; log it and abort in every build.
// Never use it on network, disk or configuration input. Thread-safe.
#pragma once

namespace shopmcp::core {
[[noreturn]] void check_failed(const char* expr, const char* file, int line);
}  // namespace shopmcp::core

#define MCP_CHECK(cond)                                                    \
  do {                                                                     \
    if (!(cond)) ::shopmcp::core::check_failed(#cond, __FILE__, __LINE__); \
  } while (false)
