// ResourceWatcher: notices when resources that sessions subscribed to change, whoever changed
// them (this server or another program writing the database), by re-reading them every interval
// (mcp::Server::poll_subscriptions), and sends notifications/resources/updated on each
// subscriber's standalone stream (the GET stream, or the legacy stream). A subscriber with no
// such stream open misses the update; the next read shows the new contents. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <thread>

#include "core/mutex.h"
#include "mcp/server.h"
#include "metrics/metrics.h"
#include "transport/session.h"

namespace shopmcp::transport {

class ResourceWatcher {
 public:
  ResourceWatcher(const mcp::Server& server, SessionTable& sessions,
                  std::chrono::milliseconds interval);
  ~ResourceWatcher();  // stop()
  ResourceWatcher(const ResourceWatcher&) = delete;
  ResourceWatcher& operator=(const ResourceWatcher&) = delete;

  // Starts polling every interval (production); tests call poll_once() instead. An interval of 0
  // never starts.
  void start();
  void stop();

  // One round: returns how many notifications were sent.
  std::size_t poll_once();

 private:
  void run(std::stop_token stop);

  const mcp::Server& server_;
  SessionTable& sessions_;
  const std::chrono::milliseconds interval_;
  core::Mutex mu_;
  core::CondVar wake_;
  std::jthread thread_;  // last: stopped before the members above go
};

}  // namespace shopmcp::transport
