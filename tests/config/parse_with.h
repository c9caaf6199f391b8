// config::parse with a given command line and a fake environment, for the config tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"

namespace shopmcp::testing {

inline std::map<std::string, std::string>*& fake_env_map() {
  static std::map<std::string, std::string>* env = nullptr;
  return env;
}

inline const char* fake_env(const char* name) {
  auto it = fake_env_map()->find(name);
  return it == fake_env_map()->end() ? nullptr : it->second.c_str();
}

// Parses `args` as if the environment held exactly `env`.
inline core::Result<config::Config> parse_with(std::vector<std::string> args,
                                               std::map<std::string, std::string> env) {
  fake_env_map() = &env;
  auto r = config::parse(args, fake_env);
  fake_env_map() = nullptr;
  return r;
}

}  // namespace shopmcp::testing
