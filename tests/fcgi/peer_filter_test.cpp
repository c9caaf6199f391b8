// PeerFilter: which TCP peers may speak FastCGI to the app (--allowed-peers).
#include "fcgi/peer_filter.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace {

sockaddr_storage v4(const char* ip) {
  sockaddr_storage s{};
  auto& a = reinterpret_cast<sockaddr_in&>(s);
  a.sin_family = AF_INET;
  REQUIRE(inet_pton(AF_INET, ip, &a.sin_addr) == 1);
  return s;
}

sockaddr_storage v6(const char* ip) {
  sockaddr_storage s{};
  auto& a = reinterpret_cast<sockaddr_in6&>(s);
  a.sin6_family = AF_INET6;
  REQUIRE(inet_pton(AF_INET6, ip, &a.sin6_addr) == 1);
  return s;
}

}  // namespace

TEST_SUITE("fcgi.peers") {
  TEST_CASE("an empty list or '*' allows every peer") {
    const shopmcp::fcgi::PeerFilter open;
    CHECK(open.allows(v4("203.0.113.9")));
    auto star = shopmcp::fcgi::PeerFilter::parse({"10.0.0.1", "*"});
    REQUIRE(star.has_value());
    CHECK(star->allows(v6("2001:db8::1")));
  }

  TEST_CASE("only listed addresses pass; IPv4 also in its IPv4-mapped IPv6 form") {
    auto f = shopmcp::fcgi::PeerFilter::parse({"10.0.0.5", "fd00::7"});
    REQUIRE(f.has_value());
    CHECK(f->allows(v4("10.0.0.5")));
    CHECK(f->allows(v6("::ffff:10.0.0.5")));
    CHECK(f->allows(v6("fd00::7")));
    CHECK_FALSE(f->allows(v4("10.0.0.6")));
    CHECK_FALSE(f->allows(v4("127.0.0.1")));
    CHECK_FALSE(f->allows(v6("fd00::8")));
    sockaddr_storage unix_peer{};
    unix_peer.ss_family = AF_UNIX;
    CHECK(f->allows(unix_peer));  // the socket file's permissions guard a unix socket
  }

  TEST_CASE("a name or a malformed address is refused with the offending value") {
    auto f = shopmcp::fcgi::PeerFilter::parse({"10.0.0.1", "nginx.example"});
    REQUIRE_FALSE(f.has_value());
    CHECK(f.error().message.find("nginx.example") != std::string::npos);
    CHECK_FALSE(shopmcp::fcgi::PeerFilter::parse({"10.0.0.256"}).has_value());
  }

  TEST_CASE("a connected socket is judged by its peer address") {
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    auto f = shopmcp::fcgi::PeerFilter::parse({"10.0.0.5"});
    REQUIRE(f.has_value());
    std::string peer;
    CHECK(f->allows_fd(sv[0], &peer));
    CHECK(peer == "unix");
    close(sv[0]);
    close(sv[1]);
    CHECK_FALSE(f->allows_fd(-1, &peer));  // no peer to read: refused
  }
}
