#include "sse/frame.h"

namespace shopmcp::sse {

std::string event(std::string_view name, std::string_view data, std::string_view id) {
  std::string out;
  out.reserve(data.size() + name.size() + id.size() + 32);
  if (!name.empty()) out.append("event: ").append(name).append("\n");
  if (!id.empty()) out.append("id: ").append(id).append("\n");
  // A client ends a line at CRLF, LF or a lone CR: each of them starts a new data: line, so no
  // text inside the data can read as a field of its own ("x\rid: 9").
  std::size_t start = 0;
  while (true) {
    const std::size_t eol = data.find_first_of("\r\n", start);
    out.append("data: ").append(data.substr(start, eol - start)).append("\n");
    if (eol == std::string_view::npos) break;
    start = eol + (data[eol] == '\r' && eol + 1 < data.size() && data[eol + 1] == '\n' ? 2 : 1);
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

std::string retry(int retry_ms) { return "retry: " + std::to_string(retry_ms) + "\n\n"; }

std::string comment(std::string_view text) { return std::string(": ").append(text).append("\n\n"); }

}  // namespace shopmcp::sse
