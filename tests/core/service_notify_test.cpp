#include "core/service_notify.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <string>

namespace shopmcp::core {
namespace {

// A datagram socket standing in for systemd's notify socket; `name` a path or "@abstract".
struct Receiver {
  int fd = -1;
  explicit Receiver(const std::string& name) {
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    name.copy(addr.sun_path, sizeof addr.sun_path - 1);
    socklen_t len = sizeof addr;
    if (name[0] == '@') {
      addr.sun_path[0] = '\0';
      len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    }
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0);
  }
  ~Receiver() { close(fd); }
  std::string take() const {
    char buf[512];
    const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
};

}  // namespace

TEST_CASE("ServiceNotifier sends each message as one datagram to a path socket") {
  char dir[] = "/tmp/shopmcp-notify-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/notify";
  {
    Receiver r(path);
    const ServiceNotifier n(path.c_str());
    CHECK(n.enabled());
    CHECK(n.send("READY=1\nSTATUS=answering"));
    CHECK(n.send("STOPPING=1"));
    CHECK(r.take() == "READY=1\nSTATUS=answering");
    CHECK(r.take() == "STOPPING=1");
  }
  unlink(path.c_str());
  rmdir(dir);
}

TEST_CASE("ServiceNotifier reaches an abstract socket ('@' name)") {
  const std::string name = "@shopmcp-notify-test-" + std::to_string(getpid());
  Receiver r(name);
  const ServiceNotifier n(name.c_str());
  CHECK(n.send("READY=1"));
  CHECK(r.take() == "READY=1");
}

TEST_CASE(
    "ServiceNotifier is a no-op without NOTIFY_SOCKET, and fails softly when nobody listens") {
  CHECK_FALSE(ServiceNotifier(nullptr).enabled());
  CHECK_FALSE(ServiceNotifier("").enabled());
  CHECK_FALSE(ServiceNotifier("relative/path").enabled());
  CHECK_FALSE(ServiceNotifier(nullptr).send("READY=1"));
  const ServiceNotifier gone("/tmp/shopmcp-no-such-notify-socket");
  CHECK(gone.enabled());
  CHECK_FALSE(gone.send("READY=1"));
}

}  // namespace shopmcp::core
