// SSE wire format: events, comments and retry hints. Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

namespace shopmcp::sse {

// "event: NAME\nid: ID\ndata: ...\n\n"; empty `event` or `id` are left out; every line of `data`
// gets its own "data:" line (an empty `data` still yields one "data: " line).
std::string event(std::string_view name, std::string_view data, std::string_view id = {});
// "id: ID\nretry: MS\ndata: \n\n": the event a resumable stream starts with, so the client
// holds an event id (for Last-Event-ID) and the reconnection delay before anything else arrives.
std::string priming(std::string_view id, int retry_ms);
// "retry: MS\n\n": the reconnection delay alone. A resumed stream starts with it: the client
// already holds its place (the Last-Event-ID it sent), and event ids are never repeated.
std::string retry(int retry_ms);
// ": text\n\n" — ignored by clients, keeps proxies and idle timers from closing the stream.
std::string comment(std::string_view text);

}  // namespace shopmcp::sse
