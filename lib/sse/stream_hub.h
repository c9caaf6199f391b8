// StreamHub: owns every SSE stream after the worker hands it off. One thread watches all their
// sockets with epoll (a client that leaves is seen at once), sends keepalives, enforces the
// lifetime limit, writes queued frames, and closes each stream exactly once.
// Thread-safe: reserve/enqueue/request_close (and StreamSlot::adopt) from any thread; poll_once is
// called by the hub's own thread (or by a test) and never concurrently with itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"
#include "metrics/metrics.h"
#include "sse/sink.h"

namespace shopmcp::sse {

enum class CloseReason {
  // The client went away: seen by the socket watch (nginx closed the connection) or by a write
  // that found the peer gone (EPIPE, ECONNRESET), whichever came first; the log line says which.
  kClientDisconnected,
  kWriteFailures,
  kTimeout,
  kServerShutdown,
  kSessionDeleted,
  kCompleted,  // the stream's last frame was written (a request's answer, a stream closed on
               // purpose)
  kError,
};
const char* to_string(CloseReason r);

// What a Format may show about a stream.
struct StreamView {
  const std::string& connection_id;
  std::int64_t uptime_seconds;
  std::int64_t pings;
  std::int64_t now_unix;
  std::int64_t memory_usage;  // bytes resident now
  std::int64_t memory_peak;   // bytes, peak resident
};

// The frames the hub itself writes on one kind of stream. Thread-safe (const, shared by streams).
class Format {
 public:
  virtual ~Format() = default;
  virtual std::string ping(const StreamView& s) const = 0;
  // Sent when the lifetime limit is reached, before the close frame. May be empty.
  virtual std::string timeout(const StreamView& s) const = 0;
  // The last frame, when the peer can still read it. May be empty.
  virtual std::string close(const StreamView& s, CloseReason reason) const = 0;
};

struct HubOptions {
  std::chrono::milliseconds ping_interval{15000};
  std::chrono::milliseconds max_connection_time{3600 * 1000};
  int max_consecutive_failures = 3;
  std::size_t max_streams = 10000;  // beyond it try_reserve() fails (callers answer 503)
  std::size_t max_queued = 256;     // frames waiting on one stream; more closes it (kError)
};

// A stream being handed over: its first frames are already written.
struct StreamInit {
  std::string connection_id;  // unique; used by enqueue/request_close and the log
  std::string route;          // for the log, e.g. "POST /mcp/sse"
  std::shared_ptr<const Format> format;
  std::int64_t frames = 0;  // written before hand-off
  std::int64_t bytes = 0;
  // Told once, after the stream has ended (finished and counted), on the hub's thread or the
  // thread that closed it; no hub lock is held. May be empty.
  std::function<void(CloseReason)> on_close;
};

class StreamHub;

// A reserved stream slot, taken before a stream's head is written: consumed by adopt(), or given
// back to the hub when destroyed unused (an error path needs no hand-written release). Empty when
// the reservation was refused. Not thread-safe: one owner at a time; move-only.
class StreamSlot {
 public:
  StreamSlot() = default;
  StreamSlot(StreamSlot&& other) noexcept : hub_(std::exchange(other.hub_, nullptr)) {}
  StreamSlot& operator=(StreamSlot&& other) noexcept;
  StreamSlot(const StreamSlot&) = delete;
  StreamSlot& operator=(const StreamSlot&) = delete;
  ~StreamSlot();

  explicit operator bool() const { return hub_ != nullptr; }
  // Hands an open stream (its first frames already written) to the hub that reserved this slot,
  // consuming the slot. Never fails: after shutdown the stream is closed at once with
  // kServerShutdown.
  void adopt(std::unique_ptr<Sink> sink, StreamInit init) &&;

 private:
  friend class StreamHub;
  explicit StreamSlot(StreamHub* hub) : hub_(hub) {}
  StreamHub* hub_ = nullptr;
};

class StreamHub {
 public:
  StreamHub(HubOptions options, const core::Clock& clock, metrics::Registry& metrics);
  ~StreamHub();  // shutdown(), then finishes anything left
  StreamHub(const StreamHub&) = delete;
  StreamHub& operator=(const StreamHub&) = delete;

  // Starts the hub's thread (production). Tests drive poll_once() themselves instead.
  void start();

  // Reserves a stream slot before a stream's head is written; an empty slot at the cap or after
  // shutdown (the caller answers 503), counted as rejected.
  StreamSlot reserve();

  // Queues a frame for a stream. False if the stream is closed (or being closed) or its queue is
  // full, in which case the stream is closed with kError — frames are never dropped silently.
  // With `last`, the stream is closed with kCompleted once this frame (and all before it) went out.
  bool enqueue(const std::string& connection_id, std::string frame, bool last = false);

  // Asks for a stream to be closed (no-op if it is already closed).
  void request_close(const std::string& connection_id, CloseReason reason);

  // Closes every stream with kServerShutdown (close frames delivered where the peer reads), stops
  // the thread; returns within about `budget`.
  void shutdown(std::chrono::milliseconds budget);

  // One round: takes new streams, frames and close requests, waits up to `max_wait` for socket
  // events or the next timer, then closes hung-up streams and sends what is due.
  void poll_once(std::chrono::milliseconds max_wait);

  std::size_t open_streams() const;
  // Frames one stream may have waiting (HubOptions::max_queued).
  std::size_t max_queued() const { return options_.max_queued; }

 private:
  struct Stream;
  using Key = std::uint64_t;
  using TimePoint = std::chrono::steady_clock::time_point;

  friend class StreamSlot;
  void release();
  void adopt(std::unique_ptr<Sink> sink, StreamInit init);
  void run(std::stop_token stop);
  struct Queued {
    std::string frame;
    bool last = false;
  };
  void take_inbox();
  void on_socket_event(Key key, std::uint32_t events);
  void watch_writable(Stream& s, bool on);
  void fire_timers(TimePoint now);
  void flush(Stream& s);
  bool write_now(Stream& s, const std::string& frame);
  // Counts one toward max_consecutive_failures, closing the stream (kWriteFailures) at the limit.
  void note_failure(Stream& s, const char* what);
  // A best-effort frame before a close (timeout, close): counted when written, never retried.
  void write_last(Stream& s, const std::string& frame);
  // `detected_by` names what saw a client leave ("hangup", "write") for the log; "" otherwise.
  bool close(Key key, CloseReason reason, const char* detected_by = "");
  // The end every close shares: FCGX_Finish_r (via the sink), the log line, the counters.
  void end(Stream& s, CloseReason reason, const char* detected_by = "");
  void close_all(CloseReason reason);
  StreamView view(const Stream& s) const;
  void wake();

  const HubOptions options_;
  const core::Clock& clock_;
  metrics::Registry& metrics_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;

  // Shared with other threads.
  mutable core::Mutex mu_;
  std::vector<std::unique_ptr<Stream>> incoming_ GUARDED_BY(mu_);
  std::unordered_map<std::string, std::deque<Queued>> outbox_ GUARDED_BY(mu_);
  std::vector<std::pair<std::string, CloseReason>> close_requests_ GUARDED_BY(mu_);
  std::unordered_map<std::string, Key> open_ids_ GUARDED_BY(mu_);
  std::size_t reserved_ GUARDED_BY(mu_) = 0;  // reservations + open + incoming
  bool shutting_down_ GUARDED_BY(mu_) = false;
  bool drained_ GUARDED_BY(mu_) = false;
  core::CondVar drained_cv_;

  // Owned by the polling thread.
  Key next_key_ = 1;
  std::unordered_map<Key, std::unique_ptr<Stream>> streams_;
  std::set<std::pair<TimePoint, Key>> pings_;
  std::set<std::pair<TimePoint, Key>> deadlines_;
  std::int64_t memory_usage_ = 0;
  std::int64_t memory_peak_ = 0;

  std::jthread thread_;  // last: stopped and joined before the members above go
};

}  // namespace shopmcp::sse
