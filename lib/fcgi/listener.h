// The FastCGI listening socket: unix:PATH, HOST:PORT, a socket passed by systemd's socket
// activation (LISTEN_FDS, first fd 3), or a listening socket inherited on fd 0 (spawn-fcgi).
// Thread-safe (no shared state); open_listener() edits the environment, so call it before
// starting threads.
#pragma once

#include <pthread.h>

#include <string>

#include "core/result.h"

namespace shopmcp::fcgi {

struct Listener {
  int fd = -1;
  std::string description;  // for the log: "unix:/run/shop-mcp.sock", "fd 0 (inherited)", ...
  // Passed in by whoever started the process (systemd, spawn-fcgi), which may hand the same
  // socket to the next process: it must keep listening after this one stops.
  bool inherited = false;
};

// The socket-activation convention (sd_listen_fds): with LISTEN_PID equal to `self_pid` and
// LISTEN_FDS = N >= 1, the sockets are fds 3 .. 3+N-1. Returns 3 when they are passed to this
// process, -1 when not (unset, or meant for another process); malformed values are an error.
core::Result<int> systemd_listen_fd(const char* listen_pid, const char* listen_fds, long self_pid);

// Opens the socket. With `explicit_address` false: a socket from systemd first (LISTEN_PID,
// LISTEN_FDS, which are then removed from the environment), else a listening socket on fd 0,
// else `address`. A stale unix socket file is replaced; a unix path whose directory is missing
// is an error.
core::Result<Listener> open_listener(const std::string& address, bool explicit_address);

// Makes every further accept on a socket this process opened fail at once (shutdown(2)), which
// also refuses the connections waiting in its backlog. Never for an inherited socket: that would
// close it for the process that shares it.
void stop_accepting(int fd);

// Waking a thread blocked in FCGX_Accept_r without touching the socket: the thread calls
// allow_acceptor_wakeup() once and initialises its requests with kAcceptFlags; after
// wake_acceptor(thread) its FCGX_Accept_r returns -EINTR. A wake-up sent just before the thread
// enters accept(2) is lost: repeat it until the thread is seen to leave.
extern const int kAcceptFlags;
void allow_acceptor_wakeup();
void wake_acceptor(pthread_t thread);
// In a thread whose blocking calls must never be interrupted by a wake-up.
void block_acceptor_wakeup();

}  // namespace shopmcp::fcgi
