// PeerFilter: which hosts may speak FastCGI to a TCP listening socket (--allowed-peers), checked
// on each accepted connection. Unix-socket peers are always allowed: the socket file's
// permissions guard them. Thread-safe (immutable after construction).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>
#include <vector>

#include "core/result.h"

namespace shopmcp::fcgi {

class PeerFilter {
 public:
  // Allows everyone.
  PeerFilter() = default;
  // `peers`: IPv4 or IPv6 addresses, or "*" (any). Empty = any. An IPv4 address also matches its
  // IPv4-mapped IPv6 form (::ffff:a.b.c.d), as a dual-stack socket reports it.
  static core::Result<PeerFilter> parse(const std::vector<std::string>& peers);

  bool allows(const sockaddr_storage& peer) const;
  // The connected socket's peer (getpeername), written to `peer_text` for the log; a socket
  // whose peer cannot be read is refused unless any peer is allowed.
  bool allows_fd(int fd, std::string* peer_text) const;

 private:
  bool any_ = true;
  std::vector<in6_addr> allowed_;  // IPv4 entries stored as IPv4-mapped IPv6
};

}  // namespace shopmcp::fcgi
