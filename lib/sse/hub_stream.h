// StreamHub::Stream: one stream the hub owns, as the hub's own files see it (not part of the
// module's API). Not thread-safe: the hub's polling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "sse/stream_hub.h"

namespace shopmcp::sse {

struct StreamHub::Stream {
  Key key = 0;
  StreamInit init;
  std::unique_ptr<Sink> sink;
  TimePoint opened;
  std::int64_t opened_unix = 0;
  TimePoint next_ping;
  TimePoint deadline;
  std::int64_t pings = 0;
  int failures = 0;      // consecutive: failed writes and keepalives that could not be written
  bool blocked = false;  // the last write found no room (back-pressure, not a failure by itself)
  // A list, not a deque: an idle stream queues nothing, and an empty std::deque still holds a
  // 512-byte block.
  std::list<std::string> pending;
  bool finish_after_flush = false;  // the last frame is queued: close once pending is empty
  bool watching_writable = false;   // EPOLLOUT armed because pending could not be written
};

}  // namespace shopmcp::sse
