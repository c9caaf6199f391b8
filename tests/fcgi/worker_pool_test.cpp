// WorkerPool::stop on a socket this process made and on one it was given: the acceptor leaves in
// both cases, and only a given (inherited) socket keeps listening for the next process.
#include "fcgi/worker_pool.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "fcgi/listener.h"
#include "http/router.h"

namespace shopmcp::fcgi {
namespace {

bool can_connect(const std::string& path) {
  const int c = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  const bool ok = connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(c);
  return ok;
}

// Starts a pool on a fresh socket, lets the acceptor block in accept(2), stops it; returns
// whether the socket still takes connections afterwards.
bool listening_after_stop(bool inherited) {
  char dir[] = "/tmp/shopmcp-pool-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/s.sock";
  auto l = open_listener("unix:" + path, /*explicit_address=*/true);
  REQUIRE(l.has_value());
  http::Router router;
  PoolOptions options;
  options.threads = 2;
  options.inherited_socket = inherited;
  bool listening = false;
  {
    WorkerPool pool(l->fd, options, router);
    pool.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the acceptor is in accept(2)
    const auto t0 = std::chrono::steady_clock::now();
    pool.stop();
    // Without shutdown(2) only the wake-up signal gets the acceptor out of accept(2).
    CHECK(pool.join_until(t0 + std::chrono::seconds(3)));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
    listening = can_connect(path);
  }
  close(l->fd);
  unlink(path.c_str());
  rmdir(dir);
  return listening;
}

}  // namespace

TEST_CASE("stop on an inherited socket: the acceptor leaves, the socket keeps listening") {
  CHECK(listening_after_stop(/*inherited=*/true));
}

TEST_CASE("stop on a socket this process made: the acceptor leaves, connections are refused") {
  CHECK_FALSE(listening_after_stop(/*inherited=*/false));
}

}  // namespace shopmcp::fcgi
