#include "sse/stream_hub.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/check.h"
#include "log/log.h"

namespace shopmcp::sse {

const char* to_string(CloseReason r) {
  switch (r) {
    case CloseReason::kClientDisconnected: return "client_disconnected";
    case CloseReason::kBrokenPipe: return "broken_pipe";
    case CloseReason::kWriteFailures: return "write_failures";
    case CloseReason::kTimeout: return "timeout";
    case CloseReason::kServerShutdown: return "server_shutdown";
    case CloseReason::kSessionDeleted: return "session_deleted";
    case CloseReason::kCompleted: return "completed";
    case CloseReason::kError: return "error";
  }
  return "error";
}

struct StreamHub::Stream {
  Key key = 0;
  StreamInit init;
  std::unique_ptr<Sink> sink;
  TimePoint opened;
  std::int64_t opened_unix = 0;
  TimePoint next_ping;
  TimePoint deadline;
  std::int64_t pings = 0;
  int failures = 0;  // consecutive
  std::deque<std::string> pending;
  bool finish_after_flush = false;  // the last frame is queued: close once pending is empty
  bool watching_writable = false;   // EPOLLOUT armed because pending could not be written
};

namespace {

enum class WriteResult { kOk, kFailed, kClosed };

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

StreamHub::StreamHub(HubOptions options, const core::Clock& clock, metrics::Registry& metrics)
    : options_(options), clock_(clock), metrics_(metrics) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  MCP_CHECK(epoll_fd_ >= 0 && wake_fd_ >= 0);  // only fails when out of fds at start-up
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  MCP_CHECK(epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) == 0);
}

StreamHub::~StreamHub() {
  shutdown(std::chrono::milliseconds(2000));
  take_inbox();
  close_all(CloseReason::kServerShutdown);
  ::close(epoll_fd_);
  ::close(wake_fd_);
}

void StreamHub::start() {
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

bool StreamHub::try_reserve() {
  {
    core::MutexLock l(&mu_);
    if (!shutting_down_ && reserved_ < options_.max_streams) {
      ++reserved_;
      return true;
    }
  }
  metrics_.streams_rejected.inc();
  return false;
}

void StreamHub::release() {
  core::MutexLock l(&mu_);
  MCP_CHECK(reserved_ > 0);
  --reserved_;
}

void StreamHub::wake() {
  const std::uint64_t one = 1;
  // A full counter already means "wake up"; nothing else can fail on an eventfd we own.
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void StreamHub::adopt(std::unique_ptr<Sink> sink, StreamInit init) {
  auto s = std::make_unique<Stream>();
  s->sink = std::move(sink);
  s->init = std::move(init);
  s->opened = clock_.steady_now();
  s->opened_unix = clock_.unix_seconds();
  metrics_.streams_opened.inc();
  metrics_.streams_open.add(1);
  metrics_.streams_open_by_route.with({s->init.route}).add(1);
  bool closed_hub = false;
  {
    core::MutexLock l(&mu_);
    MCP_CHECK(reserved_ > 0);  // adopt() consumes a reservation from try_reserve()
    if (drained_) {
      closed_hub = true;
    } else {
      s->key = next_key_++;
      open_ids_[s->init.connection_id] = s->key;
      incoming_.push_back(std::move(s));
    }
  }
  if (!closed_hub) {
    wake();
    return;
  }
  // The hub has already drained: close this late stream here, the same way. Nothing else knows
  // of it, so this thread may touch it.
  const StreamView v{s->init.connection_id, 0, 0, s->opened_unix, 0, 0};
  write_last(*s, s->init.format->close(v, CloseReason::kServerShutdown));
  end(*s, CloseReason::kServerShutdown);
  core::MutexLock l(&mu_);
  --reserved_;
}

bool StreamHub::enqueue(const std::string& connection_id, std::string frame, bool last) {
  bool overflow = false;
  {
    core::MutexLock l(&mu_);
    if (open_ids_.find(connection_id) == open_ids_.end()) return false;
    auto& q = outbox_[connection_id];
    if (q.size() >= options_.max_queued) {
      overflow = true;
      close_requests_.emplace_back(connection_id, CloseReason::kError);
    } else {
      q.push_back(Queued{std::move(frame), last});
    }
  }
  if (overflow) spdlog::warn("SSE queue overflow, closing {{\"connection_id\":\"{}\"}}", connection_id);
  wake();
  return !overflow;
}

void StreamHub::request_close(const std::string& connection_id, CloseReason reason) {
  {
    core::MutexLock l(&mu_);
    close_requests_.emplace_back(connection_id, reason);
  }
  wake();
}

std::size_t StreamHub::open_streams() const {
  core::MutexLock l(&mu_);
  return open_ids_.size();
}

void StreamHub::take_inbox() {
  std::vector<std::unique_ptr<Stream>> incoming;
  std::vector<std::pair<Key, std::deque<Queued>>> frames;
  std::vector<std::pair<Key, CloseReason>> closes;
  {
    core::MutexLock l(&mu_);
    incoming.swap(incoming_);
    for (auto& [id, q] : outbox_) {
      if (auto it = open_ids_.find(id); it != open_ids_.end()) frames.emplace_back(it->second, std::move(q));
    }
    outbox_.clear();
    for (auto& [id, reason] : close_requests_) {
      if (auto it = open_ids_.find(id); it != open_ids_.end()) closes.emplace_back(it->second, reason);
    }
    close_requests_.clear();
  }
  for (auto& s : incoming) {
    const Key key = s->key;
    const auto interval = options_.ping_interval;
    // Stagger the first keepalive over the last quarter of the interval, so streams opened
    // together do not all ping together.
    const auto spread = interval / 4;
    const auto offset = spread.count() > 0
                            ? std::chrono::milliseconds((key * 2654435761u) % spread.count())
                            : std::chrono::milliseconds(0);
    s->next_ping = s->opened + interval - offset;
    s->deadline = s->opened + options_.max_connection_time;
    pings_.emplace(s->next_ping, key);
    deadlines_.emplace(s->deadline, key);
    const int fd = s->sink->fd();
    streams_.emplace(key, std::move(s));
    if (fd >= 0) {
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP;
      ev.data.u64 = key;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        spdlog::error("SSE cannot watch stream socket: {}", std::strerror(errno));
        close(key, CloseReason::kError);
      }
    }
  }
  for (auto& [key, q] : frames) {
    auto it = streams_.find(key);
    if (it == streams_.end()) continue;
    Stream& s = *it->second;
    for (auto& f : q) {
      if (s.finish_after_flush) break;  // nothing follows a last frame
      if (!f.frame.empty()) s.pending.push_back(std::move(f.frame));  // "" only marks the end
      s.finish_after_flush = f.last;
    }
    if (s.pending.size() > options_.max_queued) {
      spdlog::warn("SSE queue overflow, closing {{\"connection_id\":\"{}\"}}", s.init.connection_id);
      close(key, CloseReason::kError);
      continue;
    }
    flush(s);
  }
  for (auto& [key, reason] : closes) close(key, reason);
}

StreamView StreamHub::view(const Stream& s) const {
  return StreamView{s.init.connection_id,
                    std::chrono::duration_cast<std::chrono::seconds>(clock_.steady_now() - s.opened)
                        .count(),
                    s.pings,
                    clock_.unix_seconds(),
                    memory_usage_,
                    memory_peak_};
}

bool StreamHub::write_now(Stream& s, const std::string& frame) {
  const int err = s.sink->write(frame);
  if (err == 0) {
    s.failures = 0;
    s.init.frames += 1;
    s.init.bytes += static_cast<std::int64_t>(frame.size());
    return true;
  }
  metrics_.write_failures.inc();
  if (err == EPIPE || err == ECONNRESET) {
    close(s.key, CloseReason::kBrokenPipe);
    return false;
  }
  ++s.failures;
  spdlog::warn("SSE write failed {{\"connection_id\":\"{}\",\"consecutive_failures\":{},\"error\":\"{}\"}}",
               s.init.connection_id, s.failures, std::strerror(err));
  if (s.failures >= options_.max_consecutive_failures) {
    spdlog::info("SSE max consecutive failures reached, closing {{\"connection_id\":\"{}\",\"failures\":{}}}",
                 s.init.connection_id, s.failures);
    close(s.key, CloseReason::kWriteFailures);
  }
  return false;
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
  close(key, CloseReason::kClientDisconnected);
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
    const std::int64_t before = s.init.frames;
    flush(s);
    if (auto again = streams_.find(key); again != streams_.end() && again->second->init.frames > before) {
      metrics_.pings_sent.inc();
    }
  }
}

bool StreamHub::close(Key key, CloseReason reason) {
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
  if (reason != CloseReason::kClientDisconnected && reason != CloseReason::kBrokenPipe) {
    write_last(*s, s->init.format->close(view(*s), reason));
  }
  end(*s, reason);
  return true;
}

void StreamHub::end(Stream& s, CloseReason reason) {
  s.sink->finish();
  const auto uptime_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.steady_now() - s.opened).count();
  spdlog::info(
      "SSE connection closed {{\"connection_id\":\"{}\",\"reason\":\"{}\",\"route\":\"{}\","
      "\"uptime_ms\":{},\"pings\":{},\"frames\":{},\"bytes\":{}}}",
      s.init.connection_id, to_string(reason), s.init.route, uptime_ms, s.pings, s.init.frames,
      s.init.bytes);
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

void StreamHub::poll_once(std::chrono::milliseconds max_wait) {
  take_inbox();
  fire_timers(clock_.steady_now());
  auto wait = max_wait;
  const auto now = clock_.steady_now();
  for (const auto* timers : {&pings_, &deadlines_}) {
    if (timers->empty()) continue;
    auto until = std::chrono::ceil<std::chrono::milliseconds>(timers->begin()->first - now);
    if (until < wait) wait = std::max(until, std::chrono::milliseconds(0));
  }
  epoll_event events[256];
  const int n = epoll_wait(epoll_fd_, events, 256, static_cast<int>(wait.count()));
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 == 0) {
      std::uint64_t drained;
      [[maybe_unused]] ssize_t r = ::read(wake_fd_, &drained, sizeof drained);
      continue;
    }
    on_socket_event(events[i].data.u64, events[i].events);
  }
  take_inbox();
  fire_timers(clock_.steady_now());
}

void StreamHub::run(std::stop_token stop) {
  try {
    while (!stop.stop_requested()) {
      bool draining;
      {
        core::MutexLock l(&mu_);
        draining = shutting_down_;
      }
      if (draining) {
        while (true) {
          take_inbox();
          close_all(CloseReason::kServerShutdown);
          core::MutexLock l(&mu_);
          if (incoming_.empty()) {
            drained_ = true;
            break;
          }
        }
        drained_cv_.notify_all();
        return;
      }
      poll_once(std::chrono::milliseconds(1000));
    }
  } catch (const std::exception& e) {
    spdlog::critical("SSE hub thread failed: {}", e.what());
  }
}

void StreamHub::shutdown(std::chrono::milliseconds budget) {
  {
    core::MutexLock l(&mu_);
    if (drained_) return;
    shutting_down_ = true;
  }
  if (!thread_.joinable()) {
    take_inbox();
    close_all(CloseReason::kServerShutdown);
    core::MutexLock l(&mu_);
    drained_ = true;
    return;
  }
  wake();
  {
    core::MutexLock l(&mu_);
    const auto deadline = std::chrono::steady_clock::now() + budget;
    std::stop_source never;
    while (!drained_) {
      if (!drained_cv_.wait_until(mu_, never.get_token(), deadline)) break;
    }
  }
  thread_.request_stop();
  wake();
  thread_.join();
}

}  // namespace shopmcp::sse
