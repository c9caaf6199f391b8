#include "core/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

namespace shopmcp::core {

ServiceNotifier::ServiceNotifier(const char* notify_socket) {
  if (notify_socket == nullptr) return;
  const std::string_view s = notify_socket;
  // A path or an abstract name ('@'), and short enough for sun_path.
  if ((s.starts_with('/') || s.starts_with('@')) && s.size() < sizeof(sockaddr_un::sun_path)) {
    address_ = s;
  }
}

bool ServiceNotifier::send(std::string_view message) const {
  if (address_.empty()) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, address_.data(), address_.size());
  if (address_.front() == '@') addr.sun_path[0] = '\0';  // abstract: no terminating NUL counted
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size() +
                                          (address_.front() == '@' ? 0 : 1));
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t n = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                           reinterpret_cast<const sockaddr*>(&addr), len);
  close(fd);
  return n == static_cast<ssize_t>(message.size());
}

}  // namespace shopmcp::core
