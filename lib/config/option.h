// config's option table, internal to the module: one Option per flag, and the helpers the three
// groups of options (server, limits, mail) are written with. Thread-safe (read-only tables).
#pragma once

#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace shopmcp::config {

// One option: its flag, environment name, help text, and how a string value is applied.
struct Option {
  const char* flag;  // without the leading "--"
  const char* env;   // nullptr for flag-only options
  const char* meta;  // nullptr for switches
  const char* help;  // nullptr for environment-only options (a flag would show in ps)
  std::function<std::string(Config&)> show_default;
  std::function<core::Result<void>(Config&, const std::string&)> apply;
};

// The groups, in the order --help lists them.
std::vector<Option> server_options();  // options_server.cpp: socket, logs, access, database
std::vector<Option> limit_options();   // options_limits.cpp: streams, sessions, every bound
std::vector<Option> mail_options();    // options_mail.cpp: send_excel_email's SMTP

// `s` as an integer in [lo, hi]; the error says "must be <what> from lo to hi (got 's')".
core::Result<std::int64_t> parse_int(const std::string& s, std::int64_t lo, std::int64_t hi,
                                     const char* what);

// "a, b,c" -> {"a","b","c"}; empty items are dropped.
std::vector<std::string> split_list(const std::string& s);

std::function<std::string(Config&)> show_list(std::vector<std::string> Config::*field);

template <typename T>
std::function<core::Result<void>(Config&, const std::string&)> int_setter(T Config::*field,
                                                                          std::int64_t lo,
                                                                          std::int64_t hi,
                                                                          const char* what) {
  return [=](Config& c, const std::string& s) -> core::Result<void> {
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

}  // namespace shopmcp::config
