#include "fcgi/listener.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace shopmcp::fcgi {

TEST_CASE("systemd_listen_fd: fd 3 only when the sockets are meant for this process") {
  CHECK(systemd_listen_fd("4242", "1", 4242).value() == 3);
  CHECK(systemd_listen_fd("4242", "2", 4242).value() == 3);   // the first one is used
  CHECK(systemd_listen_fd("4242", "1", 4243).value() == -1);  // for the process that started us
  CHECK(systemd_listen_fd("4242", "0", 4242).value() == -1);
  CHECK(systemd_listen_fd(nullptr, "1", 4242).value() == -1);
  CHECK(systemd_listen_fd("4242", nullptr, 4242).value() == -1);
}

TEST_CASE("systemd_listen_fd: malformed variables are an error naming the variable") {
  for (const char* bad : {"", "x", "-1", "12a", " 12", "0"}) {
    auto r = systemd_listen_fd(bad, "1", 4242);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("LISTEN_PID") != std::string::npos);
  }
  for (const char* bad : {"", "one", "-1", "1 "}) {
    auto r = systemd_listen_fd("4242", bad, 4242);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("LISTEN_FDS") != std::string::npos);
  }
}

TEST_CASE("open_listener takes the socket passed on fd 3, and clients reach it") {
  // Stand in for systemd: a listening unix socket on fd 3 and the variables naming this process.
  char dir[] = "/tmp/shopmcp-listener-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/s.sock";
  const int s = socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(s >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  REQUIRE(bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(s, 8) == 0);
  const int saved3 = dup(3);  // whatever the test runner has on fd 3, restored below
  REQUIRE(dup2(s, 3) == 3);
  setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
  setenv("LISTEN_FDS", "1", 1);

  auto l = open_listener("unix:/nonexistent/dir/x.sock", /*explicit_address=*/false);
  REQUIRE(l.has_value());
  CHECK(l->fd == 3);
  CHECK(l->inherited);
  CHECK(l->description.find("systemd") != std::string::npos);
  CHECK(std::getenv("LISTEN_PID") == nullptr);  // removed, as sd_listen_fds(1) does
  CHECK(std::getenv("LISTEN_FDS") == nullptr);

  // A client reaches the process through it (worker_pool_test stops a pool on such a socket).
  const int c = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  close(c);

  if (saved3 >= 0) {
    dup2(saved3, 3);
    close(saved3);
  } else {
    close(3);
  }
  close(s);
  unlink(path.c_str());
  rmdir(dir);
}

TEST_CASE("open_listener: an explicit address wins over a passed socket") {
  char dir[] = "/tmp/shopmcp-listener-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string address = "unix:" + std::string(dir) + "/own.sock";
  setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
  setenv("LISTEN_FDS", "1", 1);
  auto l = open_listener(address, /*explicit_address=*/true);
  REQUIRE(l.has_value());
  CHECK(l->description == address + " (--listen given: the socket systemd passed is not used)");
  CHECK_FALSE(l->inherited);
  close(l->fd);
  unlink(address.c_str() + 5);
  rmdir(dir);
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDS");
}

TEST_CASE("open_listener: a socket path in a missing directory is a clear error") {
  auto l = open_listener("unix:/nonexistent-shopmcp-dir/x.sock", /*explicit_address=*/true);
  REQUIRE_FALSE(l.has_value());
  CHECK(l.error().message ==
        "cannot listen on unix:/nonexistent-shopmcp-dir/x.sock: the directory "
        "/nonexistent-shopmcp-dir does not exist");
}

TEST_CASE("open_listener: a TCP port in use is a clear error, not the end of the process") {
  const int taken = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(taken, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(listen(taken, 1) == 0);
  socklen_t len = sizeof a;
  REQUIRE(getsockname(taken, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  const std::string address = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  auto l = open_listener(address, /*explicit_address=*/true);
  REQUIRE_FALSE(l.has_value());
  CHECK(l.error().message == "cannot listen on " + address + ": Address already in use");
  close(taken);

  auto ok = open_listener(address, /*explicit_address=*/true);  // free again
  REQUIRE(ok.has_value());
  CHECK(ok->description == address);
  CHECK_FALSE(ok->inherited);
  close(ok->fd);

  auto any = open_listener("*:0", /*explicit_address=*/true);  // every interface, any port
  REQUIRE(any.has_value());
  close(any->fd);

  auto unknown = open_listener("no-such-host.invalid:9000", /*explicit_address=*/true);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message.find("cannot resolve no-such-host.invalid") != std::string::npos);
}

TEST_CASE("open_listener: a unix socket path too long for sun_path is a clear error") {
  const std::string path = "/tmp/" + std::string(120, 'x') + ".sock";
  auto l = open_listener("unix:" + path, /*explicit_address=*/true);
  REQUIRE_FALSE(l.has_value());
  CHECK(l.error().message ==
        "cannot listen on unix:" + path + ": the path is longer than 107 bytes");
}

TEST_CASE("open_listener: LISTEN_FDS for this process without a socket on fd 3 is an error") {
  const int saved3 = dup(3);
  close(3);
  const int f = open("/dev/null", O_RDONLY);  // lands on fd 3: not a socket
  setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
  setenv("LISTEN_FDS", "1", 1);
  auto l = open_listener("unix:/tmp/unused.sock", /*explicit_address=*/false);
  REQUIRE_FALSE(l.has_value());
  CHECK(l.error().message.find("fd 3 is not a listening socket") != std::string::npos);
  close(f);
  if (saved3 >= 0) {
    dup2(saved3, 3);
    close(saved3);
  }
}

}  // namespace shopmcp::fcgi
