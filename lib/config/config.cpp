#include "config/config.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

namespace shopmcp::config {
namespace {

using core::Result;

// One option: its flag, environment name, help text, and how a string value is applied.
struct Option {
  const char* flag;  // without the leading "--"
  const char* env;   // nullptr for flag-only options
  const char* meta;  // nullptr for switches
  const char* help;
  std::function<std::string(Config&)> show_default;
  std::function<Result<void>(Config&, const std::string&)> apply;
};

Result<std::int64_t> parse_int(const std::string& s, std::int64_t lo, std::int64_t hi,
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

template <typename T>
std::function<Result<void>(Config&, const std::string&)> int_setter(T Config::*field,
                                                                    std::int64_t lo,
                                                                    std::int64_t hi,
                                                                    const char* what) {
  return [=](Config& c, const std::string& s) -> Result<void> {
    auto v = parse_int(s, lo, hi, what);
    if (!v) return v.error();
    c.*field = static_cast<T>(*v);
    return {};
  };
}

template <typename T>
std::function<std::string(Config&)> show(T Config::*field) {
  return [=](Config& c) {
    std::ostringstream o;
    o << c.*field;
    return o.str();
  };
}

// "a, b,c" -> {"a","b","c"}; empty items are dropped.
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

bool has_control(const std::string& s) {
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f) return true;
  }
  return false;
}

Result<void> check_smtp_url(const std::string& s) {
  // Whatever the scheme, a URL with user info is refused without being echoed: it may hold a
  // password.
  const auto scheme_end = s.find("://");
  const std::string rest = scheme_end == std::string::npos ? s : s.substr(scheme_end + 3);
  const std::string authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string::npos) {
    return core::invalid_argument(
        "must not hold credentials; use --smtp-user and "
        "--smtp-password-file");
  }
  const std::string scheme = s.substr(0, scheme_end == std::string::npos ? 0 : scheme_end);
  if ((scheme != "smtp" && scheme != "smtps") || authority.empty() || authority[0] == ':' ||
      has_control(s) || s.find(' ') != std::string::npos) {
    return core::invalid_argument("must be smtp://HOST[:PORT] or smtps://HOST[:PORT] (got '" + s +
                                  "')");
  }
  return {};
}

// A plain address: something@domain, no spaces, brackets, quotes or control characters (the
// mailer checks it fully before each send).
Result<void> check_mail_from(const std::string& s) {
  const auto at = s.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 >= s.size() || has_control(s) ||
      s.find_first_of(" <>\"\\,;") != std::string::npos) {
    return core::invalid_argument("must be an e-mail address such as shop@example.com (got '" + s +
                                  "')");
  }
  return {};
}

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = {
      {"listen", "SHOP_MCP_LISTEN", "ADDR",
       "FastCGI socket: unix:/path or HOST:PORT. Unset with a listening socket on fd 0 "
       "(spawn-fcgi, systemd): use fd 0",
       show(&Config::listen),
       [](Config& c, const std::string& s) -> Result<void> {
         if (auto ok = check_listen(s); !ok) return ok;
         c.listen = s;
         c.listen_explicit = true;
         return {};
       }},
      {"threads", "SHOP_MCP_THREADS", "N", "worker threads accepting requests from nginx",
       show(&Config::threads), int_setter(&Config::threads, 1, 256, "an integer")},
      {"db", "SHOP_MCP_DB", "PATH", "SQLite database file; created and seeded when new",
       show(&Config::db),
       [](Config& c, const std::string& s) -> Result<void> {
         if (s.empty()) return core::invalid_argument("must be a file path (got '')");
         c.db = s;
         return {};
       }},
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
      {"smtp-url", "SHOP_MCP_SMTP_URL", "URL",
       "mail server for send_excel_email: smtp://HOST[:PORT] (STARTTLS when offered, required "
       "with credentials unless HOST is loopback) or smtps://HOST[:PORT]. Unset: no mail",
       nullptr,
       [](Config& c, const std::string& s) -> Result<void> {
         if (!s.empty()) {
           if (auto ok = check_smtp_url(s); !ok) return ok;
         }
         c.smtp_url = s;
         return {};
       }},
      {"smtp-user", "SHOP_MCP_SMTP_USER", "USER",
       "user name for SMTP AUTH (needs --smtp-password-file). Unset: no AUTH", nullptr,
       [](Config& c, const std::string& s) -> Result<void> {
         if (has_control(s)) return core::invalid_argument("must not hold control characters");
         c.smtp_user = s;
         return {};
       }},
      {"smtp-password-file", "SHOP_MCP_SMTP_PASSWORD_FILE", "PATH",
       "file holding the SMTP password (one line)", nullptr,
       [](Config& c, const std::string& path) -> Result<void> {
         std::ifstream in(path);
         if (!in) return core::invalid_argument("cannot read '" + path + "'");
         std::string pw;
         std::getline(in, pw);
         if (!pw.empty() && pw.back() == '\r') pw.pop_back();
         std::string rest;
         if (pw.empty() || has_control(pw) || (std::getline(in, rest) && !rest.empty())) {
           return core::invalid_argument("the file must hold the password alone on one line");
         }
         c.smtp_password = pw;
         return {};
       }},
      {"mail-from", "SHOP_MCP_MAIL_FROM", "ADDRESS",
       "sender address of the mail send_excel_email sends. Unset: no mail", nullptr,
       [](Config& c, const std::string& s) -> Result<void> {
         if (!s.empty()) {
           if (auto ok = check_mail_from(s); !ok) return ok;
         }
         c.mail_from = s;
         return {};
       }},
      {"smtp-timeout", "SHOP_MCP_SMTP_TIMEOUT", "SECONDS",
       "longest time one mail may take to send, in all", show(&Config::smtp_timeout),
       int_setter(&Config::smtp_timeout, 1, 3600, "seconds")},
      {"smtp-connect-timeout", "SHOP_MCP_SMTP_CONNECT_TIMEOUT", "SECONDS",
       "longest wait for the mail server to connect and greet", show(&Config::smtp_connect_timeout),
       int_setter(&Config::smtp_connect_timeout, 1, 600, "seconds")},
      {"seed-orders", "SHOP_MCP_SEED_ORDERS", "N", "orders generated when the database is new",
       show(&Config::seed_orders), int_setter(&Config::seed_orders, 0, 100'000'000, "an integer")},
      {"seed-value", "SHOP_MCP_SEED_VALUE", "N",
       "random seed of the generated orders (same seed, same orders)", show(&Config::seed_value),
       int_setter(&Config::seed_value, 0, std::numeric_limits<std::int64_t>::max(), "an integer")},
      {"init-only", nullptr, nullptr, "create, migrate and seed the database, then exit", nullptr,
       [](Config& c, const std::string&) -> Result<void> {
         c.init_only = true;
         return {};
       }},
      {"help", nullptr, nullptr, "print this help and exit", nullptr,
       [](Config& c, const std::string&) -> Result<void> {
         c.show_help = true;
         return {};
       }},
      {"version", nullptr, nullptr, "print the version and exit", nullptr,
       [](Config& c, const std::string&) -> Result<void> {
         c.show_version = true;
         return {};
       }},
  };
  return kOptions;
}

core::Error named(const std::string& name, const core::Error& e) {
  return core::invalid_argument(name + ": " + e.message);
}

}  // namespace

Result<Config> parse(const std::vector<std::string>& args, EnvLookup env) {
  Config c;
  for (const Option& o : options()) {
    if (o.env == nullptr) continue;
    if (const char* v = env(o.env); v != nullptr) {
      if (auto ok = o.apply(c, v); !ok) return named(o.env, ok.error());
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      return core::invalid_argument(a + ": unexpected argument (see --help)");
    }
    std::string name = a.substr(2);
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Option* opt = nullptr;
    for (const Option& o : options()) {
      if (name == o.flag && o.help != nullptr) opt = &o;  // help-less options are env-only
    }
    if (opt == nullptr)
      return core::invalid_argument("--" + name + ": unknown option (see --help)");
    if (opt->meta == nullptr) {
      if (has_value) return core::invalid_argument("--" + name + ": takes no value");
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        return core::invalid_argument("--" + name + ": needs a value (" + opt->meta + ")");
      }
      value = args[++i];
    }
    if (auto ok = opt->apply(c, value); !ok) return named("--" + name, ok.error());
  }
  if (c.smtp_user.empty() != c.smtp_password.empty()) {
    return core::invalid_argument(
        "--smtp-user and --smtp-password-file (SHOP_MCP_SMTP_USER, SHOP_MCP_SMTP_PASSWORD_FILE) "
        "go together: set both or neither");
  }
  return c;
}

std::string help_text() {
  std::ostringstream o;
  o << "Usage: shop-mcp [OPTIONS]\n"
       "MCP server for a shop's orders and products, run as a FastCGI application behind nginx.\n"
       "Every option can also be set by its environment variable; flags win.\n\n";
  Config defaults;
  for (const Option& opt : options()) {
    if (opt.help == nullptr) continue;
    std::string left = std::string("--") + opt.flag + (opt.meta ? std::string(" ") + opt.meta : "");
    o << "  " << left;
    if (left.size() < 32) o << std::string(32 - left.size(), ' ');
    o << opt.help;
    if (opt.env || opt.show_default) {
      o << "\n" << std::string(34, ' ');
      if (opt.env) o << "env " << opt.env;
      if (opt.show_default) o << (opt.env ? ", " : "") << "default " << opt.show_default(defaults);
    }
    o << "\n";
  }
  return o.str();
}

}  // namespace shopmcp::config
