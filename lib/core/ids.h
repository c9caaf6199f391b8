// Random identifiers from the OS's CSPRNG (getrandom), for connection and session ids. Thread-safe.
#pragma once

#include <string>

namespace shopmcp::core {

// `bytes` random bytes as lowercase hex (2 * bytes visible ASCII characters).
std::string random_hex(std::size_t bytes);

}  // namespace shopmcp::core
