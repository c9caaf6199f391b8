#include "fcgi/listener.h"

#include <fcgiapp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace shopmcp::fcgi {
namespace {

bool is_listening_socket(int fd) {
  int listening = 0;
  socklen_t len = sizeof listening;
  return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening != 0;
}

}  // namespace

core::Result<Listener> open_listener(const std::string& address, bool explicit_address) {
  if (FCGX_Init() != 0) return core::internal("FCGX_Init failed");
  if (!explicit_address && is_listening_socket(0)) return Listener{0, "fd 0 (inherited)"};

  std::string path;
  if (address.rfind("unix:", 0) == 0) {
    path = address.substr(5);
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        return core::invalid_argument("cannot listen on " + address +
                                      ": the path exists and is not a socket");
      }
      unlink(path.c_str());  // stale socket from an earlier run
    }
  } else {
    path = address;  // HOST:PORT, as FCGX_OpenSocket takes it
  }
  errno = 0;
  // A deep backlog: after a restart every SSE client reconnects at once, and a full unix-socket
  // backlog makes nginx fail those connects at once (502) instead of queueing them. The kernel
  // caps it at net.core.somaxconn.
  const int fd = FCGX_OpenSocket(path.c_str(), 65535);
  if (fd < 0) {
    return core::unavailable("cannot listen on " + address + ": " +
                             (errno != 0 ? std::strerror(errno) : "FCGX_OpenSocket failed"));
  }
  if (address.rfind("unix:", 0) == 0) {
    // nginx's workers run as another user: let them connect. Restrict access with the socket's
    // directory permissions instead.
    chmod(path.c_str(), 0666);
  }
  return Listener{fd, address};
}

void stop_accepting(int fd) { shutdown(fd, SHUT_RDWR); }

}  // namespace shopmcp::fcgi
