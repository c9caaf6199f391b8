#include "core/ids.h"

#include <sys/random.h>

#include <cerrno>
#include <vector>

#include "core/check.h"

namespace shopmcp::core {

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  std::size_t got = 0;
  while (got < bytes) {
    const ssize_t n = getrandom(buf.data() + got, bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    MCP_CHECK(n > 0);  // getrandom cannot fail on Linux >= 3.17 once the pool is ready
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : buf) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

}  // namespace shopmcp::core
