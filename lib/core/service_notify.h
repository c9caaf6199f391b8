// ServiceNotifier: tells the service manager this process's state (systemd's Type=notify
// protocol): one datagram per message to the unix socket named in NOTIFY_SOCKET, a path or, with
// a leading '@', an abstract name. A no-op when the variable is unset, so the same binary runs
// under systemd, spawn-fcgi or a shell. Thread-safe (each send opens its own socket).
#pragma once

#include <string>
#include <string_view>

namespace shopmcp::core {

class ServiceNotifier {
 public:
  // `notify_socket`: NOTIFY_SOCKET's value, or nullptr / "" when there is none.
  explicit ServiceNotifier(const char* notify_socket);

  bool enabled() const { return !address_.empty(); }
  // Sends `message`, e.g. "READY=1\nSTATUS=listening" or "STOPPING=1". True when it was sent
  // (always false when disabled); a failure is the caller's to log, never fatal.
  bool send(std::string_view message) const;

 private:
  std::string address_;
};

}  // namespace shopmcp::core
