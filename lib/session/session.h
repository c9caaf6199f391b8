// session::Session: everything about one client's MCP session (Streamable HTTP at /mcp, or the
// legacy HTTP+SSE transport), with one owner. Its protocol state: version, the capabilities the
// client declared, its log level and resource subscriptions (mcp::ClientState, what mcp::Server
// reads). Its logical streams (a POST's answer, the standalone GET stream, a legacy stream) and
// which hub connection carries each now; a bounded log of the events it sent, which Last-Event-ID
// replays from; its calls in flight (for cancellation); the requests it sent the client and awaits.
// Thread-safe. No lock is held while calling into the StreamHub: what must reach the hub is queued
// under the lock and handed over, in order, after it is released (see deliver()).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "core/clock.h"
#include "core/mutex.h"
#include "core/result.h"
#include "mcp/client_state.h"
#include "metrics/metrics.h"
#include "session/replay_budget.h"
#include "sse/stream_hub.h"

namespace shopmcp::session {

// The bounds a resume depends on, kept together: a Last-Event-ID resume replays up to every event
// the session's log holds onto a fresh connection at once, so the hub's queue for one connection
// must take all of them and still have room for the live frames behind them.
struct ReplayBounds {
  std::size_t logged_events = 512;        // per session, kept for Last-Event-ID
  std::size_t logged_bytes = 4u << 20;    // per session
  std::size_t live_frames = 256;          // queued behind a full replay before the stream overflows
  std::size_t budget_bytes = 128u << 20;  // all sessions together (ReplayBudget)
  // What sse::HubOptions::max_queued must be.
  std::size_t hub_queue() const { return logged_events + live_frames; }
};

struct SessionOptions {
  std::size_t max_sessions = 10000;
  // Sessions one client address may hold; at the limit its own oldest idle one is reclaimed.
  std::size_t max_sessions_per_client = 1000;
  std::chrono::milliseconds idle_timeout{30 * 60 * 1000};
  ReplayBounds replay;
  int retry_ms = 2000;  // the retry: hint that primes every stream
  std::chrono::milliseconds client_request_timeout{60000};
  // Calls blocked on a client's answer at once; each holds a worker thread, so this stays below
  // the worker count (the client's answer needs a free worker to arrive).
  int max_waiting_calls = 4;
  // Begins every session id ("NAME." with --instance), so nginx can route a session's requests
  // to the process that holds it.
  std::string id_prefix;
};

enum class SessionKind { kStreamable, kLegacy };

class Session final : public mcp::ClientState {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `client` is the address the session was created from (per-client limits).
  Session(std::string id, SessionKind kind, std::string version, sse::StreamHub& hub,
          const SessionOptions& options, std::atomic<int>& waiting_calls, const core::Clock& clock,
          ReplayBudget& budget, std::string client = {});
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& id() const { return id_; }
  SessionKind kind() const { return kind_; }
  const std::string& client() const { return client_; }
  const std::string& protocol_version() const { return version_; }

  // mcp::ClientState.
  void set_declared(mcp::DeclaredCapabilities d) override;
  mcp::DeclaredCapabilities declared() const override;
  void set_log_level(mcp::LogLevel level) override;
  std::optional<mcp::LogLevel> log_level() const override;
  void subscribe(const std::string& uri, std::size_t seen) override;
  void unsubscribe(const std::string& uri) override;
  // The subscriptions and the fingerprint each last saw.
  std::vector<std::pair<std::string, std::size_t>> subscriptions() const;
  // Records that `uri` now has fingerprint `now`; true when it is still subscribed and differed
  // from what the subscriber last saw (so it is told once per change).
  bool saw(const std::string& uri, std::size_t now);

  // A new logical stream.
  std::uint64_t open_stream();
  // The first frame of a connection for `stream`: a priming event (a fresh id, empty data) with
  // the retry hint.
  std::string priming_frame(std::uint64_t stream);
  // Connection `conn` (already adopted by the hub) now carries `stream`. Events of that stream
  // logged after `after_seq` are queued first (Last-Event-ID); a stream that already sent its
  // last event ends after that replay. A connection that carried it before is closed.
  void attach(std::uint64_t stream, const std::string& conn, std::uint64_t after_seq = 0);
  // The hub closed `conn`, which carried `stream`.
  void detach(std::uint64_t stream, const std::string& conn);
  // Sends a JSON-RPC message on `stream`: it gets the next event id, goes into the log, and is
  // queued on the stream's connection if one is attached. `last` ends the stream.
  void send(std::uint64_t stream, const rapidjson::Value& message, bool last = false);
  // Ends `stream` without a further message.
  void end_stream(std::uint64_t stream);
  // Closes the connection carrying `stream`, keeping the stream: later events wait in the log.
  void drop_connection(std::uint64_t stream);

  // The standalone GET stream. claim_standalone() makes `stream` it; false when another one is
  // open or opening (the caller answers 409).
  bool claim_standalone(std::uint64_t stream);
  std::uint64_t standalone() const;

  // A Last-Event-ID of this session: its stream and sequence number (kFound); kUnknown when
  // malformed, the stream is unknown, or the sequence number was never issued; kGone when an
  // event of that stream after it has been dropped from the log, so no replay could be whole.
  struct EventLookup {
    enum Status { kFound, kUnknown, kGone } status = kUnknown;
    std::uint64_t stream = 0;
    std::uint64_t seq = 0;
  };
  EventLookup find_event(std::string_view id) const;

  // The replay budget's view of the log: (stamp, bytes) of every logged event.
  std::vector<std::pair<std::uint64_t, std::size_t>> logged_stamps() const;
  // Drops logged events with a stamp below `stamp`; returns the bytes dropped.
  std::size_t drop_logged_before(std::uint64_t stamp);

  // Calls in flight by their JSON-RPC id (as JSON text), for notifications/cancelled.
  std::shared_ptr<std::atomic<bool>> begin_call(const std::string& id_text);
  void end_call(const std::string& id_text);
  void cancel(const std::string& id_text);

  // Sends a request to the client on `stream` and waits for the response it POSTs back (see
  // deliver()), at most `timeout`, returning early when `cancelled` turns true or the session
  // closes. Ids are strings of the server's own ("srv-N"), so they never meet the client's.
  core::Result<rapidjson::Document> request(std::uint64_t stream, std::string_view method,
                                            rapidjson::Document params,
                                            std::chrono::milliseconds timeout,
                                            const std::atomic<bool>& cancelled);
  // A response from the client: true when a request was waiting for it.
  bool deliver(const rapidjson::Value& response);

  void touch(TimePoint now);
  // Reclaimable: no connection attached, no call running, and no activity since `cutoff`.
  bool idle_since(TimePoint cutoff) const;
  TimePoint last_active() const;
  // Ends the session: every connection is closed with `reason`, calls are cancelled, waiting
  // requests fail. Idempotent.
  void close(sse::CloseReason reason);

 private:
  struct Stream {
    std::string conn;                   // the hub connection carrying it now; "" when none
    bool connecting = false;            // claimed as the standalone stream, not yet attached
    bool ended = false;                 // its last event was sent
    std::uint64_t dropped_through = 0;  // the newest of its events dropped from the log
    bool ever_attached = false;         // a first attach replays what was sent before it
  };
  struct Logged {
    std::uint64_t stream = 0;
    std::uint64_t seq = 0;
    std::string frame;
    bool last = false;
    std::uint64_t stamp = 0;  // ReplayBudget order
  };
  // A call into the hub, queued under mu_ and made after it is released.
  struct HubCall {
    std::string conn;
    std::string frame;
    bool last = false;
    std::optional<sse::CloseReason> close;  // set: close `conn` instead of queueing a frame
  };
  struct Pending {
    bool done = false;
    bool is_error = false;
    rapidjson::Document result;
    std::string error;
  };

  std::string frame(const std::string& message, std::uint64_t stream, std::uint64_t seq) const;
  // Logs `e`; true when the process-wide budget is now over (trim once unlocked).
  [[nodiscard]] bool log_event(Logged e) REQUIRES(mu_);
  void drop_oldest() REQUIRES(mu_);
  void prune_streams() REQUIRES(mu_);
  void to_hub(std::string conn, std::string frame, bool last) REQUIRES(mu_);
  void close_on_hub(std::string conn, sse::CloseReason reason) REQUIRES(mu_);
  // Makes the queued hub calls, in the order they were queued, without holding mu_. One thread at
  // a time delivers; a thread that finds another delivering leaves its calls to it.
  void deliver() EXCLUDES(mu_);

  const std::string id_;
  const SessionKind kind_;
  const std::string client_;
  const std::string version_;
  sse::StreamHub& hub_;
  const SessionOptions& options_;
  std::atomic<int>& waiting_calls_;
  const core::Clock& clock_;
  ReplayBudget& budget_;

  mutable core::Mutex mu_;
  core::CondVar answered_;
  bool closed_ GUARDED_BY(mu_) = false;
  TimePoint last_active_ GUARDED_BY(mu_);
  std::uint64_t next_stream_ GUARDED_BY(mu_) = 1;
  std::uint64_t next_seq_ GUARDED_BY(mu_) = 1;
  std::uint64_t next_request_ GUARDED_BY(mu_) = 1;
  std::uint64_t standalone_ GUARDED_BY(mu_) = 0;
  std::map<std::uint64_t, Stream> streams_ GUARDED_BY(mu_);
  // Lists, not deques: most sessions hold few events or none, and an empty std::deque already
  // holds a 512-byte block (a tenth of what an idle session costs).
  std::list<Logged> log_ GUARDED_BY(mu_);  // <= max_logged_events, <= max_logged_bytes
  std::size_t log_bytes_ GUARDED_BY(mu_) = 0;
  std::unordered_map<std::string, std::shared_ptr<std::atomic<bool>>> calls_ GUARDED_BY(mu_);
  std::unordered_map<std::string, std::shared_ptr<Pending>> pending_ GUARDED_BY(mu_);
  std::list<HubCall> hub_calls_ GUARDED_BY(mu_);
  // Connections the hub closed before they were attached; their attach is a no-op. Bounded: an
  // entry lives from a hang-up to the attach that follows it at once.
  static constexpr std::size_t kMaxGone = 64;
  std::unordered_set<std::string> gone_ GUARDED_BY(mu_);
  bool delivering_ GUARDED_BY(mu_) = false;
  mcp::DeclaredCapabilities declared_ GUARDED_BY(mu_);
  std::optional<mcp::LogLevel> log_level_ GUARDED_BY(mu_);
  std::map<std::string, std::size_t> subscriptions_ GUARDED_BY(mu_);  // uri -> fingerprint seen
};

}  // namespace shopmcp::session
