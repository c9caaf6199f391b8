// Config: the process's settings from flags and SHOP_MCP_* environment variables, validated once at
// start and immutable afterwards. Thread-safe (read-only after parse).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace shopmcp::config {

struct Config {
  // "unix:PATH" or "HOST:PORT". Unless `listen_explicit` (the user chose it), a socket passed by
  // systemd (LISTEN_FDS) or a listening socket on fd 0 (spawn-fcgi) is used instead.
  std::string listen = "unix:/run/shop-mcp/shop-mcp.sock";
  bool listen_explicit = false;
  // IP addresses allowed to connect to a TCP --listen socket (the nginx hosts); empty = any. A
  // non-loopback TCP address needs a list (or "*"): FastCGI has no authentication of its own.
  std::vector<std::string> allowed_peers;
  // This process's name among several behind one nginx ("" = alone): every session id it issues
  // starts with "NAME." so nginx routes the session's requests here; health and stats show it.
  std::string instance;
  int threads = 8;
  // A SQLite file, or the shop's PostgreSQL database as a postgresql:// URL.
  std::string db = "shop.db";
  int db_pool_size = 8;           // PostgreSQL: connections at most
  int db_statement_timeout = 10;  // PostgreSQL: seconds one query may run; < tool_timeout
  bool db_prepare = false;  // PostgreSQL: install shop-mcp's objects on tables it did not create
  std::string log_level = "info";     // trace debug info warn error critical off
  std::string log_format = "text";    // text | json
  std::int64_t body_limit = 1 << 20;  // bytes
  int ping_interval = 15;             // seconds
  int max_connection_time = 3600;     // seconds
  int max_consecutive_failures = 3;
  int max_streams = 10000;             // open SSE streams; beyond it 503 + Retry-After
  int session_idle_timeout = 1800;     // seconds a session without streams or requests lives
  int max_sessions = 10000;            // MCP sessions at most; beyond it initialize gets 503
  int client_request_timeout = 60;     // seconds a tool waits for the client (sampling, ...)
  int resource_poll_interval = 2;      // seconds between checks of subscribed resources; 0 = off
  int max_sessions_per_client = 1000;  // per REMOTE_ADDR; at most max_sessions
  std::int64_t replay_log_budget = std::int64_t{128} << 20;  // bytes, all sessions' logs together
  int max_json_depth = 64;                        // nesting of arrays/objects in a request body
  int max_batch_messages = 100;                   // messages in one JSON-RPC batch
  std::int64_t max_batch_answer_bytes = 4 << 20;  // then the batch's remaining requests are not run
  int tool_timeout = 50;      // seconds a tool call may run; below nginx's fastcgi_read_timeout
  int shutdown_timeout = 10;  // seconds SIGTERM waits for cancelled calls before exiting anyway
  // Host and Origin values accepted besides the loopback names (localhost, 127.0.0.1, [::1]);
  // hosts without a port match any port. "*" accepts any.
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_origins;
  std::string auth_token;  // bearer token required on every route; "" = none
  // Mail for send_excel_email; without smtp_url and mail_from the tool says mail is not set up.
  std::string smtp_url;            // smtp://host[:port] (STARTTLS if offered), smtps://host[:port]
  std::string smtp_user;           // "" = no AUTH
  std::string smtp_password;       // read from --smtp-password-file; never logged
  std::string mail_from;           // the sender's address
  int smtp_timeout = 40;           // seconds one send may take in all; < tool_timeout
  int smtp_connect_timeout = 10;   // seconds to connect (TCP, TLS, greeting)
  std::int64_t seed_orders = 500;  // orders created when the database is new
  std::uint64_t seed_value = 20240101;
  bool init_only = false;  // create/migrate/seed the database, then exit
  bool show_help = false;
  bool show_version = false;
};

// Parses argv (flags win over the environment). `env` looks a name up, returning nullptr when
// unset (tests pass a fake). On a bad value the error message is one line naming the option and
// what is allowed.
using EnvLookup = const char* (*)(const char*);
core::Result<Config> parse(const std::vector<std::string>& args, EnvLookup env);

// The --help text: every option with its environment name and default.
std::string help_text();

}  // namespace shopmcp::config
