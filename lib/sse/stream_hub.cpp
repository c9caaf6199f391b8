// StreamHub: intake (reservations, adoption, queued frames and closes from other threads), the
// polling loop and shutdown. Writing, timers and closing are in stream_hub_io.cpp.
#include "sse/stream_hub.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/check.h"
#include "log/log.h"
#include "sse/hub_stream.h"

namespace shopmcp::sse {

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

StreamSlot& StreamSlot::operator=(StreamSlot&& other) noexcept {
  if (this != &other) {
    if (hub_ != nullptr) hub_->release();
    hub_ = std::exchange(other.hub_, nullptr);
  }
  return *this;
}

StreamSlot::~StreamSlot() {
  if (hub_ != nullptr) hub_->release();
}

void StreamSlot::adopt(std::unique_ptr<Sink> sink, StreamInit init) && {
  MCP_CHECK(hub_ != nullptr);
  std::exchange(hub_, nullptr)->adopt(std::move(sink), std::move(init));
}

StreamSlot StreamHub::reserve() {
  {
    core::MutexLock l(&mu_);
    if (!shutting_down_ && reserved_ < options_.max_streams) {
      ++reserved_;
      return StreamSlot(this);
    }
  }
  metrics_.streams_rejected.inc();
  return StreamSlot();
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
    MCP_CHECK(reserved_ > 0);  // adopt() consumes a StreamSlot from reserve()
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
  if (overflow)
    spdlog::warn("SSE queue overflow, closing {{\"connection_id\":\"{}\"}}", connection_id);
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
      if (auto it = open_ids_.find(id); it != open_ids_.end())
        frames.emplace_back(it->second, std::move(q));
    }
    outbox_.clear();
    for (auto& [id, reason] : close_requests_) {
      if (auto it = open_ids_.find(id); it != open_ids_.end())
        closes.emplace_back(it->second, reason);
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
      spdlog::warn("SSE queue overflow, closing {{\"connection_id\":\"{}\"}}",
                   s.init.connection_id);
      close(key, CloseReason::kError);
      continue;
    }
    flush(s);
  }
  for (auto& [key, reason] : closes) close(key, reason);
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
