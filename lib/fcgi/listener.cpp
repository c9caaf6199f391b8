#include "fcgi/listener.h"

#include <fcgiapp.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace shopmcp::fcgi {
namespace {

bool is_listening_socket(int fd) {
  int listening = 0;
  socklen_t len = sizeof listening;
  return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening != 0;
}

// A decimal number without sign or spaces, or -1.
long parse_count(const char* s) {
  if (s == nullptr || *s < '0' || *s > '9') return -1;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s, &end, 10);
  return (errno != 0 || *end != '\0') ? -1 : v;
}

constexpr int kFirstSystemdFd = 3;  // SD_LISTEN_FDS_START

// A deep backlog: after a restart every SSE client reconnects at once, and a full backlog makes
// nginx fail those connects at once (502) instead of queueing them. The kernel caps it at
// net.core.somaxconn.
constexpr int kBacklog = 65535;

// Interrupts accept(2) in the acceptor thread. SIGURG's default action is to ignore it, so a
// stray one (or one sent before the handler exists) harms nothing.
constexpr int kWakeSignal = SIGURG;

void on_wake_signal(int) {}

// The sockets are made here, not by FCGX_OpenSocket, which ends the process when bind fails.
// An error's message says why, for "cannot listen on ADDRESS: ...".
core::Result<int> bound(int fd, const sockaddr* addr, socklen_t len) {
  if (bind(fd, addr, len) != 0 || listen(fd, kBacklog) != 0) {
    const int err = errno;
    close(fd);
    return core::unavailable(std::strerror(err));
  }
  return fd;
}

core::Result<int> listen_unix(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    return core::invalid_argument("the path is longer than " +
                                  std::to_string(sizeof addr.sun_path - 1) + " bytes");
  }
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return core::invalid_argument("the path exists and is not a socket");
    }
    unlink(path.c_str());  // stale socket from an earlier run
  }
  const auto slash = path.rfind('/');
  const std::string dir = path.substr(0, slash == 0 ? 1 : slash);
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return core::invalid_argument("the directory " + dir + " does not exist");
  }
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return core::unavailable(std::strerror(errno));
  auto r = bound(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  if (!r) {
    unlink(path.c_str());  // bound but could not listen: leave no socket file behind
    return r;
  }
  // nginx's workers run as another user: let them connect. Restrict access with the socket's
  // directory permissions instead.
  chmod(path.c_str(), 0666);
  return r;
}

// "HOST:PORT"; HOST may be a name, an IPv4 address or a bracketed IPv6 one ("[::1]:9000").
core::Result<int> listen_tcp(const std::string& address) {
  const auto colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const bool any = host == "*";  // every interface, as libfcgi's "*:PORT"
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(any ? nullptr : host.c_str(), port.c_str(), &hints, &found);
      rc != 0) {
    return core::invalid_argument("cannot resolve " + host + ": " +
                                  (rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc)));
  }
  core::Result<int> r = core::unavailable("no address to listen on");
  for (addrinfo* ai = found; ai != nullptr && !r; ai = ai->ai_next) {
    const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      r = core::unavailable(std::strerror(errno));
      continue;
    }
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // restart despite TIME_WAIT
    r = bound(fd, ai->ai_addr, ai->ai_addrlen);
  }
  freeaddrinfo(found);
  return r;
}

}  // namespace

core::Result<int> systemd_listen_fd(const char* listen_pid, const char* listen_fds, long self_pid) {
  if (listen_pid == nullptr || listen_fds == nullptr) return -1;
  const long pid = parse_count(listen_pid);
  if (pid <= 0) {
    return core::invalid_argument("LISTEN_PID must be a process id (got '" +
                                  std::string(listen_pid) + "')");
  }
  if (pid != self_pid) return -1;  // meant for the process that started this one
  const long n = parse_count(listen_fds);
  if (n < 0) {
    return core::invalid_argument("LISTEN_FDS must be a count of sockets (got '" +
                                  std::string(listen_fds) + "')");
  }
  if (n == 0) return -1;
  return kFirstSystemdFd;
}

core::Result<Listener> open_listener(const std::string& address, bool explicit_address) {
  if (FCGX_Init() != 0) return core::internal("FCGX_Init failed");
  if (!explicit_address) {
    auto fd = systemd_listen_fd(std::getenv("LISTEN_PID"), std::getenv("LISTEN_FDS"), getpid());
    if (!fd) return fd.error();
    if (*fd >= 0) {
      const std::string n = std::getenv("LISTEN_FDS");
      // Not for any process this one might start.
      unsetenv("LISTEN_PID");
      unsetenv("LISTEN_FDS");
      unsetenv("LISTEN_FDNAMES");
      if (!is_listening_socket(*fd)) {
        return core::invalid_argument(
            "LISTEN_FDS says systemd passed a socket, but fd 3 is not a listening socket");
      }
      fcntl(*fd, F_SETFD, FD_CLOEXEC);
      std::string what = "fd 3 (systemd socket activation)";
      if (n != "1") {
        what += "; " + n + " sockets passed, the first is used";
        const long count = parse_count(n.c_str());
        for (long extra = 1; extra < count && extra < 64; ++extra) {
          fcntl(*fd + static_cast<int>(extra), F_SETFD, FD_CLOEXEC);
        }
      }
      return Listener{*fd, what, true};
    }
    if (is_listening_socket(0)) return Listener{0, "fd 0 (inherited)", true};
  }

  // With an explicit address, a socket systemd passed is not used: say so in the description.
  bool passed_too = false;
  if (explicit_address) {
    auto sd = systemd_listen_fd(std::getenv("LISTEN_PID"), std::getenv("LISTEN_FDS"), getpid());
    passed_too = sd && *sd >= 0;
  }
  auto fd = address.rfind("unix:", 0) == 0 ? listen_unix(address.substr(5)) : listen_tcp(address);
  if (!fd)
    return core::Error{fd.error().code, "cannot listen on " + address + ": " + fd.error().message};
  return Listener{*fd, passed_too ? address +
                                        " (--listen given: the socket systemd passed is "
                                        "not used)"
                                  : address};
}

void stop_accepting(int fd) { shutdown(fd, SHUT_RDWR); }

const int kAcceptFlags = FCGI_FAIL_ACCEPT_ON_INTR;

namespace {
void mask_wake_signal(int how) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, kWakeSignal);
  pthread_sigmask(how, &set, nullptr);
}
}  // namespace

void allow_acceptor_wakeup() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = on_wake_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: accept(2) returns EINTR
    sigaction(kWakeSignal, &sa, nullptr);
  });
  mask_wake_signal(SIG_UNBLOCK);
}

void block_acceptor_wakeup() { mask_wake_signal(SIG_BLOCK); }

void wake_acceptor(pthread_t thread) { pthread_kill(thread, kWakeSignal); }

}  // namespace shopmcp::fcgi
