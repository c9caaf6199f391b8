// session::SessionTable: every open MCP session by id: creation with a cap (reclaiming the least
// recently active idle session), lookup, removal, and the reaper thread that ends idle sessions.
// The one place a session ends (ended()). Thread-safe. Lock order: the table, then a session.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"
#include "core/result.h"
#include "mcp/client_state.h"
#include "metrics/metrics.h"
#include "session/periodic.h"
#include "session/session.h"
#include "sse/stream_hub.h"

namespace shopmcp::session {

class SessionTable final : public mcp::ClientDirectory {
 public:
  // `hub`'s per-connection queue must hold a whole replay (options.replay.hub_queue()).
  SessionTable(SessionOptions options, sse::StreamHub& hub, const core::Clock& clock,
               metrics::Registry& metrics);
  ~SessionTable() override;  // stop()
  SessionTable(const SessionTable&) = delete;
  SessionTable& operator=(const SessionTable&) = delete;

  // Starts the thread that ends idle sessions (production); tests call expire_idle() instead.
  void start();
  void stop();

  // A new session with a fresh id (options.id_prefix, then 128 random bits in hex) for `client` (its address). When the
  // client holds max_sessions_per_client, its own least recently active idle session is
  // reclaimed; at the global cap, idle sessions are ended first, then the least recently active
  // idle session of the client holding the most. Fails with kUnavailable when none is idle.
  core::Result<std::shared_ptr<Session>> create(SessionKind kind, std::string version,
                                                const std::string& client = {});
  // The session, touched; nullptr when unknown, expired or deleted.
  std::shared_ptr<Session> find(const std::string& id);
  // The session without touching it (for the server's own messages, which are not activity).
  std::shared_ptr<Session> peek(const std::string& id) const;
  // mcp::ClientDirectory: peek().
  std::shared_ptr<mcp::ClientState> client(const std::string& session_id) override;
  // Every open session, for a walk that must not hold the table's lock.
  std::vector<std::shared_ptr<Session>> all() const;
  // Ends a session: `reason` closes its streams, `why` labels the metric. False when unknown.
  bool remove(const std::string& id, sse::CloseReason reason, const char* why);
  // Ends sessions idle for longer than the idle timeout; returns how many.
  std::size_t expire_idle();
  // Ends every session (shutdown): waiting calls return at once.
  void close_all();

  std::size_t size() const;
  // Sessions held by `client`.
  std::size_t size_of(const std::string& client) const;
  // Bytes held by every session's replay log.
  std::size_t replay_bytes() const { return budget_.used(); }
  // Drops the oldest logged events of all sessions until the replay budget's trim target is met.
  void trim_replay();
  const SessionOptions& options() const { return options_; }

 private:
  void ended(const std::shared_ptr<Session>& s, sse::CloseReason reason, const char* why);
  void forget(const std::shared_ptr<Session>& s) REQUIRES(mu_);  // erase from both maps

  const SessionOptions options_;
  sse::StreamHub& hub_;
  const core::Clock& clock_;
  metrics::Registry& metrics_;
  std::atomic<int> waiting_calls_{0};
  ReplayBudget budget_;  // before sessions_: a session refunds it when destroyed

  mutable core::Mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions_ GUARDED_BY(mu_);
  std::unordered_map<std::string, std::size_t> per_client_ GUARDED_BY(mu_);  // address -> count
  Periodic reaper_;  // last: stopped before the members above go
};

}  // namespace shopmcp::session
