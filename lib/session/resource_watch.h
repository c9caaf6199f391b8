// session::ResourceWatcher: notices when resources that sessions subscribed to change, whoever
// changed them (this server or another program writing the database), by reading each subscribed
// resource once every interval, or when woken because the database reported a change
// (mcp::Server::resource_fingerprint), and sends
// notifications/resources/updated on each subscriber's standalone stream (the GET stream, or the
// legacy stream). A subscriber with no such stream open misses the update; the next read shows the
// new contents. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>

#include "mcp/server.h"
#include "session/periodic.h"
#include "session/session_table.h"

namespace shopmcp::session {

class ResourceWatcher {
 public:
  ResourceWatcher(const mcp::Server& server, SessionTable& sessions,
                  std::chrono::milliseconds interval);
  ResourceWatcher(const ResourceWatcher&) = delete;
  ResourceWatcher& operator=(const ResourceWatcher&) = delete;

  // Starts polling every interval (production); tests call poll_once() instead. An interval of 0
  // never starts.
  void start() { thread_.start(); }
  void stop() { thread_.stop(); }

  // One round: returns how many notifications were sent.
  std::size_t poll_once();
  // A round now (the database reported a change), on the watcher's thread.
  void wake() { thread_.wake(); }

 private:
  const mcp::Server& server_;
  SessionTable& sessions_;
  Periodic thread_;  // last: stopped before the members above go
};

}  // namespace shopmcp::session
