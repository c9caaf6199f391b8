// mcp_bench: the load side of tests/bench/compare.sh. It speaks MCP Streamable HTTP (2025-06-18)
// over HTTP/1.1 keep-alive to any server, shop-mcp behind nginx or the TypeScript SDK anchor, so
// both are measured by the same client. Prints one "key=value" line per result; not a unit test.
//
//   mcp_bench rps --port P --conns C --seconds S [--warmup S] [--tool NAME] [--args JSON]
//       C connections, each with its own session, call the tool back to back: req/s, p50, p99.
//   mcp_bench streams --port P --streams N [--rss NAME=PID[,PID...]]... [--gauge PATH KEY]
//                     [--hangups K]
//       N sessions, each holding a GET stream: RSS per stream of each named group of processes;
//       then K streams closed one at a time, each timed until the gauge (the number after KEY in
//       the body of GET PATH) falls: hang-up -> stream finished.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())))];
}

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

struct Response {
  int status = 0;
  std::string raw;      // the header block as sent
  std::string headers;  // the same, lower-cased, to search
  std::string body;
};

// One client connection; buf holds bytes read past the last response.
struct Conn {
  int port = 0;
  int fd = -1;
  std::string buf;

  bool open() {
    if (fd >= 0) close(fd);
    buf.clear();
    fd = connect_to(port);
    return fd >= 0;
  }
  bool send(const std::string& s) const {
    size_t off = 0;
    while (off < s.size()) {
      const ssize_t w = write(fd, s.data() + off, s.size() - off);
      if (w <= 0 && errno != EINTR) return false;
      if (w > 0) off += static_cast<size_t>(w);
    }
    return true;
  }
  bool fill() {
    char tmp[16384];
    while (true) {
      const ssize_t r = ::read(fd, tmp, sizeof tmp);
      if (r > 0) {
        buf.append(tmp, static_cast<size_t>(r));
        return true;
      }
      if (r < 0 && errno == EINTR) continue;
      return false;
    }
  }
  // Reads one response: headers, then the body by Content-Length or chunked encoding (unless
  // headers_only, for a stream). False when the connection ended first.
  bool read(Response& r, bool headers_only = false) {
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return false;
    }
    r.raw = buf.substr(0, end + 2);
    r.headers = r.raw;
    for (char& c : r.headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    buf.erase(0, end + 4);
    r.status = r.headers.size() > 12 ? std::atoi(r.headers.c_str() + 9) : 0;
    r.body.clear();
    if (headers_only || r.status == 204 || r.status == 304) return true;
    if (r.headers.find("transfer-encoding: chunked") != std::string::npos) {
      while (true) {
        size_t eol;
        while ((eol = buf.find("\r\n")) == std::string::npos) {
          if (!fill()) return false;
        }
        const size_t n = std::strtoul(buf.c_str(), nullptr, 16);
        while (buf.size() < eol + 2 + n + 2) {
          if (!fill()) return false;
        }
        r.body.append(buf, eol + 2, n);
        buf.erase(0, eol + 2 + n + 2);
        if (n == 0) return true;  // no trailers are sent by either server
      }
    }
    const size_t cl = r.headers.find("content-length:");
    const size_t n =
        cl == std::string::npos ? 0 : std::strtoul(r.headers.c_str() + cl + 15, nullptr, 10);
    while (buf.size() < n) {
      if (!fill()) return false;
    }
    r.body = buf.substr(0, n);
    buf.erase(0, n);
    return true;
  }
  std::string header(const Response& r, const char* name) const {
    const size_t p = r.headers.find(std::string("\n") + name + ":");
    if (p == std::string::npos) return {};
    size_t b = p + std::strlen(name) + 2;
    while (b < r.headers.size() && r.headers[b] == ' ') ++b;
    return r.raw.substr(b, r.headers.find('\r', b) - b);
  }
};

std::string post(const std::string& path, const std::string& sid, const std::string& body) {
  std::string s = "POST " + path +
                  " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  "Accept: application/json, text/event-stream\r\n";
  if (!sid.empty()) s += "Mcp-Session-Id: " + sid + "\r\nMcp-Protocol-Version: 2025-06-18\r\n";
  s += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return s;
}

// initialize + notifications/initialized on c; returns the session id, empty on failure.
std::string open_session(Conn& c, const std::string& path) {
  Response r;
  const std::string init =
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
      R"("capabilities":{},"clientInfo":{"name":"mcp_bench","version":"1"}}})";
  if (!c.send(post(path, "", init)) || !c.read(r) || r.status != 200) return {};
  return c.header(r, "mcp-session-id");
}

struct Args {
  std::string mode;
  int port = 0;
  std::string path = "/mcp";
  int conns = 16;
  double seconds = 5, warmup = 1;
  std::string tool = "test_simple_text", tool_args = "{}";
  int streams = 1000, hangups = 0;
  std::vector<std::pair<std::string, std::vector<int>>> rss;
  std::string gauge_path, gauge_key;
};

long rss_kb(const std::vector<int>& pids) {
  long sum = 0;
  for (int pid : pids) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line)) {
      if (line.rfind("VmRSS:", 0) == 0) sum += std::atol(line.c_str() + 6);
    }
  }
  return sum;
}

int run_rps(const Args& a) {
  std::atomic<bool> measuring{false}, stop{false};
  std::atomic<int> ready{0}, failed_open{0};
  std::vector<std::vector<double>> lat(static_cast<size_t>(a.conns));
  std::vector<long> errors(static_cast<size_t>(a.conns), 0), reconnects(lat.size(), 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < a.conns; ++t) {
    threads.emplace_back([&, t] {
      Conn c;
      c.port = a.port;
      std::string sid;
      if (!c.open() || (sid = open_session(c, a.path)).empty()) {
        ++failed_open;
        ++ready;
        return;
      }
      Response r;
      const std::string note = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
      c.send(post(a.path, sid, note));
      c.read(r);
      ++ready;
      long id = 1;
      while (!stop) {
        const std::string call = R"({"jsonrpc":"2.0","id":)" + std::to_string(id++) +
                                 R"(,"method":"tools/call","params":{"name":")" + a.tool +
                                 R"(","arguments":)" + a.tool_args + "}}";
        const auto t0 = Clock::now();
        bool ok = c.send(post(a.path, sid, call)) && c.read(r);
        if (!ok) {  // the server closed the keep-alive connection: reconnect, send again
          ++reconnects[static_cast<size_t>(t)];
          ok = c.open() && c.send(post(a.path, sid, call)) && c.read(r);
        }
        const double ms = ms_since(t0);
        if (!ok || r.status != 200 || r.body.find("\"result\"") == std::string::npos ||
            r.body.find("\"isError\":true") != std::string::npos) {
          ++errors[static_cast<size_t>(t)];
          if (!ok && !c.open()) return;
          continue;
        }
        if (measuring) lat[static_cast<size_t>(t)].push_back(ms);
      }
      // End the session as a client does (DELETE), so that no server carries this run's
      // sessions into the next one.
      if (c.send("DELETE " + a.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nMcp-Session-Id: " + sid +
                 "\r\nMcp-Protocol-Version: 2025-06-18\r\n\r\n") &&
          c.read(r) && r.status >= 300) {
        ++errors[static_cast<size_t>(t)];
      }
    });
  }
  while (ready < a.conns) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::duration<double>(a.warmup));
  measuring = true;
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(a.seconds));
  measuring = false;
  const double secs = ms_since(t0) / 1000;
  stop = true;
  for (auto& th : threads) th.join();
  std::vector<double> all;
  long errs = 0, recon = 0;
  for (size_t t = 0; t < lat.size(); ++t) {
    all.insert(all.end(), lat[t].begin(), lat[t].end());
    errs += errors[t];
    recon += reconnects[t];
  }
  const double n = static_cast<double>(all.size());
  std::printf(
      "rps conns=%d req_s=%.0f p50_ms=%.2f p99_ms=%.2f requests=%zu errors=%ld "
      "failed_sessions=%d reconnects=%ld\n",
      a.conns, n / secs, pct(all, 50), pct(all, 99), all.size(), errs, failed_open.load(), recon);
  return errs == 0 && failed_open == 0 && !all.empty() ? 0 : 1;
}

long gauge(const Args& a) {
  Conn c;
  c.port = a.port;
  Response r;
  if (!c.open() ||
      !c.send("GET " + a.gauge_path +
              " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") ||
      !c.read(r)) {
    return -1;
  }
  close(c.fd);
  const size_t p = r.body.find(a.gauge_key);
  return p == std::string::npos ? -1 : std::atol(r.body.c_str() + p + a.gauge_key.size());
}

int run_streams(const Args& a) {
  std::vector<long> before;
  for (auto& g : a.rss) before.push_back(rss_kb(g.second));
  std::vector<Conn> conns;
  conns.reserve(static_cast<size_t>(a.streams));
  int failed = 0;
  const auto t_open = Clock::now();
  for (int i = 0; i < a.streams; ++i) {
    Conn c;
    c.port = a.port;
    Response r;
    std::string sid;
    if (!c.open() || (sid = open_session(c, a.path)).empty() ||
        !c.send(post(a.path, sid, R"({"jsonrpc":"2.0","method":"notifications/initialized"})")) ||
        !c.read(r) ||
        !c.send("GET " + a.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n" +
                "Mcp-Session-Id: " + sid + "\r\nMcp-Protocol-Version: 2025-06-18\r\n\r\n") ||
        !c.read(r, true) || r.status != 200) {
      if (failed++ == 0)
        std::fprintf(stderr, "mcp_bench: stream %d failed (status %d)\n", i, r.status);
      if (c.fd >= 0) close(c.fd);
      continue;
    }
    conns.push_back(std::move(c));
  }
  const double open_ms = ms_since(t_open);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the servers settle
  std::printf("streams open=%zu failed=%d open_s=%.1f\n", conns.size(), failed, open_ms / 1000);
  for (size_t g = 0; g < a.rss.size(); ++g) {
    const long after = rss_kb(a.rss[g].second);
    std::printf("rss group=%s before_kb=%ld after_kb=%ld per_stream_kb=%.1f\n",
                a.rss[g].first.c_str(), before[g], after,
                conns.empty() ? 0.0 : static_cast<double>(after - before[g]) / conns.size());
  }
  std::vector<double> hang;
  long expected = a.hangups ? gauge(a) : 0;
  for (int h = 0; h < a.hangups && !conns.empty(); ++h) {
    const auto t0 = Clock::now();
    close(conns.back().fd);
    conns.pop_back();
    --expected;
    long now;
    while ((now = gauge(a)) > expected && ms_since(t0) < 5000) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (now > expected) ++failed;
    expected = now;
    hang.push_back(ms_since(t0));
  }
  if (!hang.empty()) {
    std::printf("hangup p50_ms=%.2f p99_ms=%.2f count=%zu\n", pct(hang, 50), pct(hang, 99),
                hang.size());
  }
  for (auto& c : conns) close(c.fd);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (argc < 2) {
    std::fprintf(stderr, "usage: mcp_bench rps|streams --port P ... (see the source's header)\n");
    return 2;
  }
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--port")
      a.port = std::atoi(v);
    else if (k == "--path")
      a.path = v;
    else if (k == "--conns")
      a.conns = std::atoi(v);
    else if (k == "--seconds")
      a.seconds = std::atof(v);
    else if (k == "--warmup")
      a.warmup = std::atof(v);
    else if (k == "--tool")
      a.tool = v;
    else if (k == "--args")
      a.tool_args = v;
    else if (k == "--streams")
      a.streams = std::atoi(v);
    else if (k == "--hangups")
      a.hangups = std::atoi(v);
    else if (k == "--gauge" && i + 2 < argc) {
      a.gauge_path = v;
      a.gauge_key = argv[++i + 1];
    } else if (k == "--rss") {
      const std::string s = v;
      const size_t eq = s.find('=');
      std::vector<int> pids;
      for (size_t p = eq + 1; p < s.size(); p = s.find(',', p) + 1) {
        pids.push_back(std::atoi(s.c_str() + p));
        if (s.find(',', p) == std::string::npos) break;
      }
      a.rss.emplace_back(s.substr(0, eq), pids);
    } else {
      std::fprintf(stderr, "mcp_bench: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  if (a.mode == "rps") return run_rps(a);
  if (a.mode == "streams") return run_streams(a);
  std::fprintf(stderr, "mcp_bench: unknown mode %s\n", a.mode.c_str());
  return 2;
}
