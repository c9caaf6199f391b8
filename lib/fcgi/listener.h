// The FastCGI listening socket: unix:PATH, HOST:PORT, or a listening socket inherited on fd 0
// (spawn-fcgi, systemd). Thread-safe (no shared state).
#pragma once

#include <string>

#include "core/result.h"

namespace shopmcp::fcgi {

struct Listener {
  int fd = -1;
  std::string description;  // for the log: "unix:/run/shop-mcp.sock", "fd 0", ...
};

// Opens the socket. With `explicit_address` false and a listening socket on fd 0, uses fd 0.
// A stale unix socket file is replaced; a unix path whose directory is missing is an error.
core::Result<Listener> open_listener(const std::string& address, bool explicit_address);

// Wakes every thread blocked accepting on `fd` and makes further accepts fail (shutdown(2)).
void stop_accepting(int fd);

}  // namespace shopmcp::fcgi
