// StreamHub, on its polling thread: checked writes, hang-up detection, keepalives and lifetime
// timers, and the one place a stream is closed (close → end).
#include "sse/stream_hub.h"

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "log/log.h"
#include "sse/hub_stream.h"

namespace shopmcp::sse {

const char* to_string(CloseReason r) {
  switch (r) {
    case CloseReason::kClientDisconnected:
      return "client_disconnected";
    case CloseReason::kWriteFailures:
      return "write_failures";
    case CloseReason::kTimeout:
      return "timeout";
    case CloseReason::kServerShutdown:
      return "server_shutdown";
    case CloseReason::kSessionDeleted:
      return "session_deleted";
    case CloseReason::kCompleted:
      return "completed";
    case CloseReason::kError:
      return "error";
  }
  return "error";
}

namespace {

void read_memory(std::int64_t* usage, std::int64_t* peak) {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  *usage = static_cast<std::int64_t>(resident) * sysconf(_SC_PAGESIZE);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  // ru_maxrss is updated lazily by the kernel; the peak is never below what is resident now.
  *peak = std::max<std::int64_t>(static_cast<std::int64_t>(ru.ru_maxrss) * 1024, *usage);
}

}  // namespace

StreamView StreamHub::view(const Stream& s) const {
  return StreamView{
      s.init.connection_id,
      std::chrono::duration_cast<std::chrono::seconds>(clock_.steady_now() - s.opened).count(),
      s.pings,
      clock_.unix_seconds(),
      memory_usage_,
      memory_peak_};
}

bool StreamHub::write_now(Stream& s, const std::string& frame) {
  const int err = s.sink->write(frame);
  if (err == 0) {
    s.failures = 0;
    s.blocked = false;
    s.init.frames += 1;
    s.init.bytes += static_cast<std::int64_t>(frame.size());
    return true;
  }
  if (err == EAGAIN) {
    // No room in the socket now: back-pressure. The frame waits (the queue is bounded) and goes
    // out when the socket reports room; only a keepalive that cannot go out counts (fire_timers).
    s.blocked = true;
    return false;
  }
  metrics_.write_failures.inc();
  if (err == EPIPE || err == ECONNRESET) {
    // The peer is gone: the client left, whichever detector sees it first.
    close(s.key, CloseReason::kClientDisconnected, "write");
    return false;
  }
  note_failure(s, std::strerror(err));
  return false;
}

void StreamHub::note_failure(Stream& s, const char* what) {
  ++s.failures;
  spdlog::warn(
      "SSE write failed {{\"connection_id\":\"{}\",\"consecutive_failures\":{},\"error\":\"{}\"}}",
      s.init.connection_id, s.failures, what);
  if (s.failures >= options_.max_consecutive_failures) {
    spdlog::info(
        "SSE max consecutive failures reached, closing "
        "{{\"connection_id\":\"{}\",\"failures\":{}}}",
        s.init.connection_id, s.failures);
    close(s.key, CloseReason::kWriteFailures);
  }
}

void StreamHub::write_last(Stream& s, const std::string& frame) {
  if (!frame.empty() && s.sink->write(frame) == 0) {
    s.init.frames += 1;
    s.init.bytes += static_cast<std::int64_t>(frame.size());
  }
}

void StreamHub::flush(Stream& s) {
  const Key key = s.key;
  while (!s.pending.empty()) {
    if (!write_now(s, s.pending.front())) {
      // Failed: kept for a retry as soon as the socket has room (unless the stream was closed).
      if (auto it = streams_.find(key); it != streams_.end()) watch_writable(s, true);
      return;
    }
    if (streams_.find(key) == streams_.end()) return;
    s.pending.pop_front();
  }
  watch_writable(s, false);
  if (s.finish_after_flush) close(key, CloseReason::kCompleted);
}

void StreamHub::watch_writable(Stream& s, bool on) {
  const int fd = s.sink->fd();
  if (fd < 0 || s.watching_writable == on) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0u);
  ev.data.u64 = s.key;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0) s.watching_writable = on;
}

void StreamHub::on_socket_event(Key key, std::uint32_t events) {
  auto it = streams_.find(key);
  if (it == streams_.end()) return;
  if ((events & EPOLLOUT) && !(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
    flush(*it->second);
    return;
  }
  char c;
  const ssize_t n = recv(it->second->sink->fd(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;  // spurious
  // EOF, an error, or bytes nginx never sends after the request body: the client is gone.
  close(key, CloseReason::kClientDisconnected, "hangup");
}

void StreamHub::fire_timers(TimePoint now) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const Key key = deadlines_.begin()->second;
    auto it = streams_.find(key);
    if (it == streams_.end()) {
      deadlines_.erase(deadlines_.begin());
      continue;
    }
    Stream& s = *it->second;
    spdlog::info("SSE connection timeout {{\"connection_id\":\"{}\"}}", s.init.connection_id);
    write_last(s, s.init.format->timeout(view(s)));
    close(key, CloseReason::kTimeout);
  }
  bool memory_read = false;
  while (!pings_.empty() && pings_.begin()->first <= now) {
    const auto [due, key] = *pings_.begin();
    pings_.erase(pings_.begin());
    auto it = streams_.find(key);
    if (it == streams_.end()) continue;
    Stream& s = *it->second;
    if (!memory_read) {
      read_memory(&memory_usage_, &memory_peak_);
      memory_read = true;
    }
    s.pings += 1;
    s.next_ping = due + options_.ping_interval;
    if (s.next_ping <= now) s.next_ping = now + options_.ping_interval;  // we were late: no burst
    pings_.emplace(s.next_ping, key);
    s.pending.push_back(s.init.format->ping(view(s)));
    if (s.pending.size() > options_.max_queued) {
      close(key, CloseReason::kError);
      continue;
    }
    flush(s);
    if (streams_.find(key) == streams_.end()) continue;  // closed by a failed write
    if (s.pending.empty()) {
      metrics_.pings_sent.inc();
    } else if (s.blocked) {
      // A keepalive attempt that failed: the client has not read for a whole interval.
      metrics_.write_failures.inc();
      note_failure(s, "keepalive not written: the client is not reading");
    }
  }
}

bool StreamHub::close(Key key, CloseReason reason, const char* detected_by) {
  auto it = streams_.find(key);
  if (it == streams_.end()) return false;
  std::unique_ptr<Stream> s = std::move(it->second);
  streams_.erase(it);
  pings_.erase({s->next_ping, key});
  deadlines_.erase({s->deadline, key});
  if (const int fd = s->sink->fd(); fd >= 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  {
    core::MutexLock l(&mu_);
    open_ids_.erase(s->init.connection_id);
    outbox_.erase(s->init.connection_id);
    --reserved_;
  }
  if (reason != CloseReason::kClientDisconnected) {
    write_last(*s, s->init.format->close(view(*s), reason));
  }
  end(*s, reason, detected_by);
  return true;
}

void StreamHub::end(Stream& s, CloseReason reason, const char* detected_by) {
  s.sink->finish();
  const auto uptime_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.steady_now() - s.opened).count();
  const std::string detected =
      *detected_by != '\0' ? std::string(",\"detected_by\":\"") + detected_by + "\"" : "";
  spdlog::info(
      "SSE connection closed {{\"connection_id\":\"{}\",\"reason\":\"{}\"{},\"route\":\"{}\","
      "\"uptime_ms\":{},\"pings\":{},\"frames\":{},\"bytes\":{}}}",
      s.init.connection_id, to_string(reason), detected, s.init.route, uptime_ms, s.pings,
      s.init.frames, s.init.bytes);
  metrics_.streams_open.add(-1);
  metrics_.streams_open_by_route.with({s.init.route}).add(-1);
  metrics_.streams_closed.with({to_string(reason)}).inc();
  if (s.init.on_close) s.init.on_close(reason);
}

void StreamHub::close_all(CloseReason reason) {
  std::vector<Key> keys;
  keys.reserve(streams_.size());
  for (const auto& [key, s] : streams_) keys.push_back(key);
  for (Key k : keys) close(k, reason);
}

}  // namespace shopmcp::sse
