#include "config/config.h"

#include <arpa/inet.h>

#include <sstream>

#include "config/option.h"

namespace shopmcp::config {
namespace {

using core::Result;

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = [] {
    std::vector<Option> all;
    for (auto group : {server_options, limit_options, mail_options}) {
      for (Option& o : group()) all.push_back(std::move(o));
    }
    std::vector<Option> program = {
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
    for (Option& o : program) all.push_back(std::move(o));
    return all;
  }();
  return kOptions;
}

core::Error named(const std::string& name, const core::Error& e) {
  return core::invalid_argument(name + ": " + e.message);
}

// True for a unix socket or a TCP address on the loopback interface (127.0.0.0/8, ::1,
// localhost): only local processes can connect.
bool loopback_listen(const std::string& listen) {
  if (listen.rfind("unix:", 0) == 0) return true;
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
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
  if (c.listen_explicit && c.allowed_peers.empty() && !loopback_listen(c.listen)) {
    return core::invalid_argument(
        "--listen " + c.listen +
        " accepts FastCGI from other hosts, and FastCGI has no authentication: name the nginx "
        "hosts allowed to connect with --allowed-peers (SHOP_MCP_ALLOWED_PEERS), or '*' for any");
  }
  if (c.db_statement_timeout >= c.tool_timeout) {
    return core::invalid_argument(
        "--db-statement-timeout (" + std::to_string(c.db_statement_timeout) +
        " s) must be shorter than --tool-timeout (" + std::to_string(c.tool_timeout) +
        " s): a query must end, with a clear error, before its tool call's time is up");
  }
  if (c.smtp_timeout >= c.tool_timeout) {
    return core::invalid_argument(
        "--smtp-timeout (" + std::to_string(c.smtp_timeout) +
        " s) must be shorter than --tool-timeout (" + std::to_string(c.tool_timeout) +
        " s): a mail still sending when the call's time is up would be stopped half-way");
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
    // A long flag puts its description on the next line, in the same column.
    o << (left.size() < 32 ? std::string(32 - left.size(), ' ') : "\n" + std::string(34, ' '));
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
