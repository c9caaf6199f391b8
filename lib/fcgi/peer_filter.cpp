#include "fcgi/peer_filter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace shopmcp::fcgi {
namespace {

in6_addr mapped(const in_addr& v4) {
  in6_addr a{};
  a.s6_addr[10] = 0xff;
  a.s6_addr[11] = 0xff;
  std::memcpy(&a.s6_addr[12], &v4, 4);
  return a;
}

}  // namespace

core::Result<PeerFilter> PeerFilter::parse(const std::vector<std::string>& peers) {
  PeerFilter f;
  f.any_ = peers.empty();
  for (const auto& p : peers) {
    if (p == "*") {
      f.any_ = true;
      continue;
    }
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, p.c_str(), &v4) == 1) {
      f.allowed_.push_back(mapped(v4));
    } else if (inet_pton(AF_INET6, p.c_str(), &v6) == 1) {
      f.allowed_.push_back(v6);
    } else {
      return core::invalid_argument("not an IPv4 or IPv6 address: '" + p + "'");
    }
  }
  return f;
}

bool PeerFilter::allows(const sockaddr_storage& peer) const {
  if (any_ || peer.ss_family == AF_UNIX) return true;
  in6_addr a{};
  if (peer.ss_family == AF_INET) {
    a = mapped(reinterpret_cast<const sockaddr_in&>(peer).sin_addr);
  } else if (peer.ss_family == AF_INET6) {
    a = reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr;
  } else {
    return false;
  }
  return std::any_of(allowed_.begin(), allowed_.end(),
                     [&](const in6_addr& x) { return std::memcmp(&x, &a, sizeof a) == 0; });
}

bool PeerFilter::allows_fd(int fd, std::string* peer_text) const {
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) {
    if (peer_text) *peer_text = "(unknown peer)";
    return any_;
  }
  if (peer_text) {
    char buf[INET6_ADDRSTRLEN] = "";
    if (peer.ss_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(peer).sin_addr, buf, sizeof buf);
    } else if (peer.ss_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr, buf, sizeof buf);
    } else {
      std::strcpy(buf, "unix");
    }
    *peer_text = buf;
  }
  return allows(peer);
}

}  // namespace shopmcp::fcgi
