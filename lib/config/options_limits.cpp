// The options that bound what clients can hold or ask of the process: streams, sessions, request
// sizes, replay logs and time.
#include "config/option.h"

namespace shopmcp::config {

std::vector<Option> limit_options() {
  return {
      {"body-limit", "SHOP_MCP_BODY_LIMIT", "BYTES",
       "largest request body accepted; larger ones get 413 (keep nginx client_max_body_size equal)",
       show(&Config::body_limit), int_setter(&Config::body_limit, 1024, 64 << 20, "a byte count")},
      {"ping-interval", "SHOP_MCP_PING_INTERVAL", "SECONDS", "keepalive interval on SSE streams",
       show(&Config::ping_interval), int_setter(&Config::ping_interval, 1, 3600, "seconds")},
      {"max-connection-time", "SHOP_MCP_MAX_CONNECTION_TIME", "SECONDS",
       "lifetime limit of one SSE stream", show(&Config::max_connection_time),
       int_setter(&Config::max_connection_time, 1, 7 * 86400, "seconds")},
      {"max-consecutive-failures", "SHOP_MCP_MAX_CONSECUTIVE_FAILURES", "N",
       "failed writes in a row that close a stream", show(&Config::max_consecutive_failures),
       int_setter(&Config::max_consecutive_failures, 1, 100, "an integer")},
      {"max-streams", "SHOP_MCP_MAX_STREAMS", "N",
       "open SSE streams at most; more get 503 with Retry-After", show(&Config::max_streams),
       int_setter(&Config::max_streams, 1, 1'000'000, "an integer")},
      {"session-idle-timeout", "SHOP_MCP_SESSION_IDLE_TIMEOUT", "SECONDS",
       "an MCP session with no open stream and no request for this long is ended",
       show(&Config::session_idle_timeout),
       int_setter(&Config::session_idle_timeout, 1, 7 * 86400, "seconds")},
      {"max-sessions", "SHOP_MCP_MAX_SESSIONS", "N",
       "MCP sessions at most (idle ones are reclaimed first); beyond it 503",
       show(&Config::max_sessions), int_setter(&Config::max_sessions, 1, 1'000'000, "an integer")},
      {"client-request-timeout", "SHOP_MCP_CLIENT_REQUEST_TIMEOUT", "SECONDS",
       "how long a tool waits for the client to answer its request (sampling, elicitation)",
       show(&Config::client_request_timeout),
       int_setter(&Config::client_request_timeout, 1, 3600, "seconds")},
      {"resource-poll-interval", "SHOP_MCP_RESOURCE_POLL_INTERVAL", "SECONDS",
       "how often subscribed resources are re-read to notify subscribers of changes (0 = never)",
       show(&Config::resource_poll_interval),
       int_setter(&Config::resource_poll_interval, 0, 3600, "seconds")},
      {"max-sessions-per-client", "SHOP_MCP_MAX_SESSIONS_PER_CLIENT", "N",
       "MCP sessions one client address may hold (nginx's REMOTE_ADDR); at the limit its own "
       "oldest idle session is reclaimed, or initialize gets 503",
       show(&Config::max_sessions_per_client),
       int_setter(&Config::max_sessions_per_client, 1, 1'000'000, "an integer")},
      {"replay-log-budget", "SHOP_MCP_REPLAY_LOG_BUDGET", "BYTES",
       "bytes of events all sessions keep for resumption (Last-Event-ID), together; beyond it "
       "the oldest events are dropped first",
       show(&Config::replay_log_budget),
       int_setter(&Config::replay_log_budget, 1 << 20, std::int64_t{1} << 40, "a byte count")},
      {"max-json-depth", "SHOP_MCP_MAX_JSON_DEPTH", "N",
       "deepest nesting of arrays and objects in a request body; deeper ones get -32700",
       show(&Config::max_json_depth), int_setter(&Config::max_json_depth, 8, 1000, "an integer")},
      {"max-batch-messages", "SHOP_MCP_MAX_BATCH_MESSAGES", "N",
       "longest JSON-RPC batch (protocol 2025-03-26); longer ones are refused whole with -32600",
       show(&Config::max_batch_messages),
       int_setter(&Config::max_batch_messages, 1, 100'000, "an integer")},
      {"max-batch-answer-bytes", "SHOP_MCP_MAX_BATCH_ANSWER_BYTES", "BYTES",
       "once a batch's answers pass this size, its remaining requests are not run and each gets "
       "an error saying so",
       show(&Config::max_batch_answer_bytes),
       int_setter(&Config::max_batch_answer_bytes, 64 << 10, std::int64_t{1} << 30,
                  "a byte count")},
      {"tool-timeout", "SHOP_MCP_TOOL_TIMEOUT", "SECONDS",
       "longest a tool call may run before it is stopped with a tool error; keep it below "
       "nginx's fastcgi_read_timeout (60s in the shipped site file)",
       show(&Config::tool_timeout), int_setter(&Config::tool_timeout, 1, 86400, "seconds")},
      {"shutdown-timeout", "SHOP_MCP_SHUTDOWN_TIMEOUT", "SECONDS",
       "after SIGTERM, how long calls in flight (cancelled at once) may take to end before the "
       "process exits anyway",
       show(&Config::shutdown_timeout), int_setter(&Config::shutdown_timeout, 1, 600, "seconds")},
  };
}

}  // namespace shopmcp::config
