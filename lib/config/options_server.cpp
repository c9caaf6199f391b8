// The options for the socket, logs, access checks and the database.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <sstream>

#include "config/option.h"

namespace shopmcp::config {
namespace {

using core::Result;

Result<void> set_token(Config& c, const std::string& token, const char* source) {
  std::string t = token;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  if (t.size() < 16) {
    return core::invalid_argument(std::string("the token ") + source +
                                  " must be at least 16 characters");
  }
  for (unsigned char ch : t) {
    if (ch < 0x21 || ch > 0x7e) {
      return core::invalid_argument(std::string("the token ") + source +
                                    " must be visible ASCII without spaces");
    }
  }
  c.auth_token = t;
  return {};
}

bool valid_ip(const std::string& s) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

Result<void> check_listen(const std::string& s) {
  if (s.rfind("unix:", 0) == 0) {
    if (s.size() > 5 && s[5] == '/') return {};
    return core::invalid_argument("must be unix:/absolute/path or HOST:PORT (got '" + s + "')");
  }
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return core::invalid_argument("must be unix:/absolute/path or HOST:PORT (got '" + s + "')");
  }
  auto port = parse_int(s.substr(colon + 1), 1, 65535, "a port");
  if (!port) {
    return core::invalid_argument(
        "must be unix:/absolute/path or HOST:PORT with a port from 1 to "
        "65535 (got '" +
        s + "')");
  }
  return {};
}
}  // namespace

std::vector<Option> server_options() {
  return {
      {"listen", "SHOP_MCP_LISTEN", "ADDR",
       "FastCGI socket: unix:/path or HOST:PORT. Unset: the socket systemd passes (socket "
       "activation, LISTEN_FDS), else a listening socket on fd 0 (spawn-fcgi), else this",
       show(&Config::listen),
       [](Config& c, const std::string& s) -> Result<void> {
         if (auto ok = check_listen(s); !ok) return ok;
         c.listen = s;
         c.listen_explicit = true;
         return {};
       }},
      {"allowed-peers", "SHOP_MCP_ALLOWED_PEERS", "LIST",
       "with a TCP --listen: the addresses of the nginx hosts allowed to connect (comma-separated "
       "IPv4/IPv6; '*' = any); others are dropped. Required when listening beyond loopback",
       show_list(&Config::allowed_peers),
       [](Config& c, const std::string& s) -> Result<void> {
         auto list = split_list(s);
         for (const auto& p : list) {
           if (p != "*" && !valid_ip(p)) {
             return core::invalid_argument("must be IPv4 or IPv6 addresses or '*' (got '" + p +
                                           "')");
           }
         }
         c.allowed_peers = std::move(list);
         return {};
       }},
      {"instance", "SHOP_MCP_INSTANCE", "NAME",
       "this process's name when several run behind one nginx: session ids start with NAME. so "
       "nginx routes each session to it; /mcp/health and /mcp/stats show it (letters, digits, "
       "'-', '_'; at most 32)",
       show(&Config::instance),
       [](Config& c, const std::string& s) -> Result<void> {
         const bool ok =
             !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](unsigned char ch) {
               return std::isalnum(ch) || ch == '-' || ch == '_';
             });
         if (!ok) {
           return core::invalid_argument("must be 1 to 32 letters, digits, '-' or '_' (got '" + s +
                                         "')");
         }
         c.instance = s;
         return {};
       }},
      {"threads", "SHOP_MCP_THREADS", "N", "worker threads accepting requests from nginx",
       show(&Config::threads), int_setter(&Config::threads, 1, 256, "an integer")},
      {"db", "SHOP_MCP_DB", "PATH|URL",
       "SQLite database file (created and seeded when new), or the shop's PostgreSQL database: "
       "postgresql://USER@HOST[:PORT]/DB (the password from PGPASSWORD or PGPASSFILE, never the "
       "URL on a command line). Tables are created and seeded only when neither exists",
       [](Config& c) { return c.db.rfind("postgres", 0) == 0 ? std::string("(a URL)") : c.db; },
       [](Config& c, const std::string& s) -> Result<void> {
         if (s.empty()) return core::invalid_argument("must be a file path or a URL (got '')");
         c.db = s;
         return {};
       }},
      {"db-pool-size", "SHOP_MCP_DB_POOL_SIZE", "N",
       "PostgreSQL: connections held at most (a call waits for a free one up to the statement "
       "timeout)",
       show(&Config::db_pool_size), int_setter(&Config::db_pool_size, 1, 256, "an integer")},
      {"db-statement-timeout", "SHOP_MCP_DB_STATEMENT_TIMEOUT", "SECONDS",
       "PostgreSQL: seconds one query may run before it is cancelled (a tool error)",
       show(&Config::db_statement_timeout),
       int_setter(&Config::db_statement_timeout, 1, 3600, "a number of seconds")},
      {"db-prepare", "SHOP_MCP_DB_PREPARE", nullptr,
       "PostgreSQL: add shop-mcp's indexes, rollup and triggers (fast aggregates, change "
       "notices) to the shop's existing tables; their columns are never changed. Without it "
       "shop-mcp only reads them. Environment: 1 or 0",
       [](Config& c) { return std::string(c.db_prepare ? "1" : "0"); },
       [](Config& c, const std::string& s) -> Result<void> {
         if (s.empty() || s == "1" || s == "true" || s == "yes") {
           c.db_prepare = true;
         } else if (s == "0" || s == "false" || s == "no") {
           c.db_prepare = false;
         } else {
           return core::invalid_argument("must be 1 or 0 (got '" + s + "')");
         }
         return {};
       }},
      {"seed-orders", "SHOP_MCP_SEED_ORDERS", "N", "orders generated when the database is new",
       show(&Config::seed_orders), int_setter(&Config::seed_orders, 0, 100'000'000, "an integer")},
      {"seed-value", "SHOP_MCP_SEED_VALUE", "N",
       "random seed of the generated orders (same seed, same orders)", show(&Config::seed_value),
       int_setter(&Config::seed_value, 0, std::numeric_limits<std::int64_t>::max(), "an integer")},
      {"log-level", "SHOP_MCP_LOG_LEVEL", "LEVEL",
       "trace, debug, info, warn, error, critical or off", show(&Config::log_level),
       [](Config& c, const std::string& s) -> Result<void> {
         for (const char* l : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
           if (s == l) {
             c.log_level = s;
             return {};
           }
         }
         return core::invalid_argument(
             "must be one of trace, debug, info, warn, error, critical, off (got '" + s + "')");
       }},
      {"log-format", "SHOP_MCP_LOG_FORMAT", "FORMAT", "text or json (one JSON object per line)",
       show(&Config::log_format),
       [](Config& c, const std::string& s) -> Result<void> {
         if (s != "text" && s != "json") {
           return core::invalid_argument("must be text or json (got '" + s + "')");
         }
         c.log_format = s;
         return {};
       }},
      {"allowed-hosts", "SHOP_MCP_ALLOWED_HOSTS", "LIST",
       "Host header values accepted besides localhost, 127.0.0.1 and [::1] (comma-separated, "
       "e.g. shop.example.com; '*' = any); others get 403",
       show_list(&Config::allowed_hosts),
       [](Config& c, const std::string& s) -> Result<void> {
         c.allowed_hosts = split_list(s);
         return {};
       }},
      {"allowed-origins", "SHOP_MCP_ALLOWED_ORIGINS", "LIST",
       "Origin header values accepted besides http(s)://localhost, 127.0.0.1 and [::1] "
       "(comma-separated, e.g. https://shop.example.com; '*' = any); others get 403",
       show_list(&Config::allowed_origins),
       [](Config& c, const std::string& s) -> Result<void> {
         c.allowed_origins = split_list(s);
         return {};
       }},
      {"auth-token-file", "SHOP_MCP_AUTH_TOKEN_FILE", "PATH",
       "file holding the bearer token every request must carry (Authorization: Bearer ...); "
       "SHOP_MCP_AUTH_TOKEN sets it directly. Unset: no token",
       nullptr,
       [](Config& c, const std::string& path) -> Result<void> {
         std::ifstream in(path);
         if (!in) return core::invalid_argument("cannot read '" + path + "'");
         std::stringstream buf;
         buf << in.rdbuf();
         return set_token(c, buf.str(), "in the file");
       }},
      {"", "SHOP_MCP_AUTH_TOKEN", nullptr, nullptr, nullptr,  // env only: a flag shows in ps
       [](Config& c, const std::string& s) -> Result<void> { return set_token(c, s, "value"); }},
  };
}

}  // namespace shopmcp::config
