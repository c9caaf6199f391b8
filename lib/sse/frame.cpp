#include "sse/frame.h"

namespace shopmcp::sse {

std::string event(std::string_view name, std::string_view data, std::string_view id) {
  std::string out;
  out.reserve(data.size() + name.size() + id.size() + 32);
  if (!name.empty()) out.append("event: ").append(name).append("\n");
  if (!id.empty()) out.append("id: ").append(id).append("\n");
  std::size_t start = 0;
  while (true) {
    const std::size_t nl = data.find('\n', start);
    std::string_view line = data.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.append("data: ").append(line).append("\n");
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out.append("\n");
  return out;
}

std::string priming(std::string_view id, int retry_ms) {
  std::string out = "id: ";
  out += id;
  out += "\nretry: " + std::to_string(retry_ms) + "\ndata: \n\n";
  return out;
}

std::string comment(std::string_view text) { return std::string(": ").append(text).append("\n\n"); }

}  // namespace shopmcp::sse
