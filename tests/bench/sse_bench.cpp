// sse_bench: opens N seed-route SSE streams (POST /mcp/sse) through nginx from one epoll thread and
// measures what a stream server is judged by: app memory per stream, keepalive lateness, how fast a
// client that leaves is noticed (hang-up -> stream finished), and the drain time on SIGTERM.
// Prints figures; exits non-zero if a stream failed or missed a keepalive. Not a unit test.
//
//   sse_bench --port P --streams N --ping-interval S [--duration S] [--app-pid PID]
//             [--hangups K] [--drain]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dirent.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Stream {
  int fd = -1;
  std::string tail;  // last bytes, so a marker split across reads is still seen
  std::vector<Clock::time_point> pings;
  bool closed_frame = false;
  bool eof = false;
  bool headers_ok = false;
};

struct Options {
  int port = 8080;
  int streams = 100;
  double ping_interval = 1;
  double duration = 0;  // 0 = 2.5 ping intervals
  int app_pid = 0;
  int hangups = 0;
  bool drain = false;
};

// A numeric field of /proc/PID/status ("VmRSS:" in KB, "Threads:").
long status_field(int pid, const char* field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
  }
  return -1;
}
long rss_kb(int pid) { return status_field(pid, "VmRSS:"); }

int open_fds(int pid) {
  int n = 0;
  std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  if (auto* d = opendir(dir.c_str())) {
    while (readdir(d)) ++n;
    closedir(d);
  }
  return n - 2;
}

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

// A blocking HTTP GET; returns the response, or "" when the connection failed.
std::string http_get(int port, const char* path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) {
    close(fd);
    return "";
  }
  const std::string req = std::string("GET ") + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, req.data(), req.size()) < 0) {
    close(fd);
    return "";
  }
  std::string body;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) body.append(buf, static_cast<size_t>(n));
  close(fd);
  return body;
}

// The open-stream gauge from /mcp/metrics.
long open_streams_gauge(int port) {
  const std::string body = http_get(port, "/mcp/metrics");
  const auto p = body.find("\nshopmcp_streams_open ");
  return p == std::string::npos ? -1 : std::atol(body.c_str() + p + 22);
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())))];
}

void scan(Stream& s, const char* data, size_t n) {
  std::string chunk = s.tail + std::string(data, n);
  if (!s.headers_ok && chunk.find("HTTP/1.1 200") != std::string::npos) s.headers_ok = true;
  size_t pos = 0;
  // Markers are counted only in the new bytes (plus the tail), so nothing is seen twice.
  while ((pos = chunk.find("event: ping", pos)) != std::string::npos) {
    if (pos + 11 > s.tail.size()) s.pings.push_back(Clock::now());
    pos += 11;
  }
  if (chunk.find("event: close") != std::string::npos) s.closed_frame = true;
  s.tail = chunk.size() > 16 ? chunk.substr(chunk.size() - 16) : chunk;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc || (i < argc && std::string(argv[i]) == "--drain"); ++i) {
    std::string a = argv[i];
    if (a == "--drain") {
      o.drain = true;
      continue;
    }
    const char* v = argv[++i];
    if (a == "--port")
      o.port = std::atoi(v);
    else if (a == "--streams")
      o.streams = std::atoi(v);
    else if (a == "--ping-interval")
      o.ping_interval = std::atof(v);
    else if (a == "--duration")
      o.duration = std::atof(v);
    else if (a == "--app-pid")
      o.app_pid = std::atoi(v);
    else if (a == "--hangups")
      o.hangups = std::atoi(v);
    else {
      std::fprintf(stderr, "sse_bench: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (o.duration <= 0) o.duration = o.ping_interval * 2.5;
  signal(SIGPIPE, SIG_IGN);
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  const long rss_before = o.app_pid ? rss_kb(o.app_pid) : 0;
  const int fds_before = o.app_pid ? open_fds(o.app_pid) : 0;
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Stream> streams(static_cast<size_t>(o.streams));
  const std::string req =
      "POST /mcp/sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n";
  std::vector<bool> sent(streams.size(), false);
  std::vector<epoll_event> events(1024);
  auto pump = [&](int timeout_ms) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout_ms);
    for (int k = 0; k < n; ++k) {
      const size_t i = events[k].data.u64;
      Stream& s = streams[i];
      if (s.fd < 0) continue;
      if ((events[k].events & EPOLLOUT) && !sent[i]) {
        if (write(s.fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) sent[i] = true;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_MOD, s.fd, &ev);
      }
      if (events[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        char buf[16384];
        while (true) {
          const ssize_t r = read(s.fd, buf, sizeof buf);
          if (r > 0) {
            scan(s, buf, static_cast<size_t>(r));
            continue;
          }
          if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
            s.eof = true;
            epoll_ctl(ep, EPOLL_CTL_DEL, s.fd, nullptr);
            close(s.fd);
            s.fd = -1;
          }
          break;
        }
      }
    }
  };
  // Open the streams with at most 256 handshakes in flight (a ramp, not one burst), then hold
  // them for the duration.
  const auto t_open = Clock::now();
  size_t opened = 0;
  while (opened < streams.size()) {
    size_t in_flight = 0;
    for (size_t i = 0; i < opened; ++i) in_flight += !streams[i].headers_ok && !streams[i].eof;
    while (in_flight < 256 && opened < streams.size()) {
      Stream& s = streams[opened];
      s.fd = connect_to(o.port);
      if (s.fd < 0) {
        std::fprintf(stderr, "sse_bench: connect %zu failed: %s\n", opened, std::strerror(errno));
        return 1;
      }
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
      ev.data.u64 = opened;
      epoll_ctl(ep, EPOLL_CTL_ADD, s.fd, &ev);
      ++opened;
      ++in_flight;
    }
    pump(10);
  }
  std::printf("opened %zu streams in %.0f ms\n", opened, ms_since(t_open));
  const auto t_hold = Clock::now();
  while (ms_since(t_hold) < o.duration * 1000) pump(50);
  int ok = 0, failed = 0;
  std::vector<double> lateness;
  for (auto& s : streams) {
    if (s.headers_ok && !s.eof && !s.pings.empty())
      ++ok;
    else
      ++failed;
    for (size_t k = 1; k < s.pings.size(); ++k) {
      const double gap =
          std::chrono::duration<double, std::milli>(s.pings[k] - s.pings[k - 1]).count();
      lateness.push_back(std::max(0.0, gap - o.ping_interval * 1000));
    }
  }
  const long rss_open = o.app_pid ? rss_kb(o.app_pid) : 0;
  std::printf("streams: %d open and pinged, %d failed (of %d)\n", ok, failed, o.streams);
  std::printf("ping lateness: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %zu intervals\n",
              pct(lateness, 50), pct(lateness, 99), pct(lateness, 100), lateness.size());
  if (o.app_pid) {
    std::printf("app RSS: %ld KB before, %ld KB with %d streams: %.1f KB per stream\n", rss_before,
                rss_open, ok, ok ? static_cast<double>(rss_open - rss_before) / ok : 0.0);
    std::printf("app fds: %d before, %d with streams open; app threads: %ld\n", fds_before,
                open_fds(o.app_pid), status_field(o.app_pid, "Threads:"));
  }
  // Short requests while every stream is open: the workers are free.
  std::vector<double> req_ms;
  for (int k = 0; k < 50; ++k) {
    const auto t0 = Clock::now();
    const std::string r = http_get(o.port, "/mcp/tools");
    if (r.find("200 OK") == std::string::npos) ++failed;
    req_ms.push_back(ms_since(t0));
    pump(0);
  }
  std::printf("GET /mcp/tools with the streams open: p50 %.1f ms, p99 %.1f ms\n", pct(req_ms, 50),
              pct(req_ms, 99));

  // Hang-ups, one at a time: close a client, then watch the open-stream gauge fall.
  std::vector<double> hangup;
  long expected = open_streams_gauge(o.port);
  for (int h = 0; h < o.hangups; ++h) {
    Stream* s = nullptr;
    for (auto& c : streams) {
      if (c.fd >= 0) {
        s = &c;
        break;
      }
    }
    if (!s) break;
    const auto t0 = Clock::now();
    epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, nullptr);
    close(s->fd);
    s->fd = -1;
    --expected;
    while (open_streams_gauge(o.port) > expected && ms_since(t0) < 5000) {
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    hangup.push_back(ms_since(t0));
    pump(0);
  }
  if (!hangup.empty()) {
    std::printf("hang-up -> stream finished: p50 %.1f ms, p99 %.1f ms over %zu clients\n",
                pct(hangup, 50), pct(hangup, 99), hangup.size());
  }

  if (o.drain && o.app_pid) {
    int open_now = 0;
    for (auto& s : streams) open_now += s.fd >= 0;
    const auto t0 = Clock::now();
    kill(o.app_pid, SIGTERM);
    while (ms_since(t0) < 10000) {
      pump(20);
      bool all_done = true;
      for (auto& s : streams) all_done = all_done && s.fd < 0;
      if (all_done) break;
    }
    const double streams_done = ms_since(t0);
    while (kill(o.app_pid, 0) == 0 && ms_since(t0) < 10000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    int with_close = 0;
    for (auto& s : streams) with_close += s.closed_frame;
    std::printf(
        "drain on SIGTERM: %d of %d streams got a close frame; all ended in %.0f ms, "
        "app exited in %.0f ms\n",
        with_close, open_now, streams_done, ms_since(t0));
  }
  const bool late = !lateness.empty() && pct(lateness, 100) > o.ping_interval * 1000 / 2;
  return failed == 0 && !late ? 0 : 1;
}
