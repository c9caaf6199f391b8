#include "config/option.h"

#include <charconv>

namespace shopmcp::config {

core::Result<std::int64_t> parse_int(const std::string& s, std::int64_t lo, std::int64_t hi,
                                     const char* what) {
  std::int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end || v < lo || v > hi) {
    std::ostringstream m;
    m << "must be " << what << " from " << lo << " to " << hi << " (got '" << s << "')";
    return core::invalid_argument(m.str());
  }
  return v;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    out.push_back(item.substr(b, item.find_last_not_of(" \t") - b + 1));
  }
  return out;
}

std::function<std::string(Config&)> show_list(std::vector<std::string> Config::*field) {
  return [=](Config& c) {
    std::string out;
    for (const auto& v : c.*field) out += (out.empty() ? "" : ",") + v;
    return out.empty() ? std::string("none") : out;
  };
}

}  // namespace shopmcp::config
