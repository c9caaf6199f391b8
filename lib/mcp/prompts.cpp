#include "mcp/prompts.h"

#include <set>

#include "core/check.h"
#include "core/text.h"
#include "json/json.h"

namespace shopmcp::mcp {

void PromptRegistry::add(Prompt p) {
  MCP_CHECK(!p.name.empty() && !p.description.empty() && p.get);
  MCP_CHECK(prompts_.find(p.name) == prompts_.end());
  std::set<std::string> seen;
  for (const PromptArgument& arg : p.arguments) MCP_CHECK(seen.insert(arg.name).second);
  order_.push_back(p.name);
  std::string name = p.name;
  prompts_.emplace(std::move(name), std::move(p));
}

rapidjson::Value PromptRegistry::list(Allocator& a) const {
  rapidjson::Value arr(rapidjson::kArrayType);
  for (const std::string& n : order_) {
    const Prompt& p = prompts_.find(n)->second;
    rapidjson::Value o(rapidjson::kObjectType);
    o.AddMember("name", json::str(p.name, a), a);
    if (!p.title.empty()) o.AddMember("title", json::str(p.title, a), a);
    o.AddMember("description", json::str(p.description, a), a);
    rapidjson::Value args(rapidjson::kArrayType);
    for (const PromptArgument& arg : p.arguments) {
      rapidjson::Value ao(rapidjson::kObjectType);
      ao.AddMember("name", json::str(arg.name, a), a);
      if (!arg.title.empty()) ao.AddMember("title", json::str(arg.title, a), a);
      if (!arg.description.empty()) ao.AddMember("description", json::str(arg.description, a), a);
      ao.AddMember("required", arg.required, a);
      args.PushBack(ao, a);
    }
    o.AddMember("arguments", args, a);
    arr.PushBack(o, a);
  }
  return arr;
}

core::Result<rapidjson::Document> PromptRegistry::get(std::string_view name,
                                                      const rapidjson::Value* arguments) const {
  auto it = prompts_.find(name);
  if (it == prompts_.end()) {
    std::string known;
    for (const std::string& n : order_) known += (known.empty() ? "" : ", ") + n;
    return core::not_found("Unknown prompt: " + core::utf8_clip(name, 100) +
                           ". Available prompts: " + known);
  }
  const Prompt& p = it->second;
  Arguments args;
  if (arguments != nullptr && !arguments->IsNull()) {
    if (!arguments->IsObject()) return core::invalid_argument("\"arguments\" must be an object");
    for (const auto& m : arguments->GetObject()) {
      const std::string key(m.name.GetString(), m.name.GetStringLength());
      bool declared = false;
      for (const PromptArgument& arg : p.arguments) declared = declared || arg.name == key;
      if (!declared) {
        std::string names;
        for (const PromptArgument& arg : p.arguments) {
          names += (names.empty() ? "" : ", ") + arg.name;
        }
        return core::invalid_argument("prompt " + p.name + " has no argument \"" +
                                      core::utf8_clip(key, 100) + "\"" +
                                      (names.empty() ? "; it takes none" : "; it takes: " + names));
      }
      if (!m.value.IsString()) {
        return core::invalid_argument("argument \"" + key + "\" must be a string");
      }
      args[key] = std::string(m.value.GetString(), m.value.GetStringLength());
    }
  }
  for (const PromptArgument& arg : p.arguments) {
    if (arg.required && args.find(arg.name) == args.end()) {
      return core::invalid_argument("prompt " + p.name + " needs the argument \"" + arg.name +
                                    "\": " + arg.description);
    }
  }
  return p.get(args);
}

core::Result<std::vector<std::string>> PromptRegistry::complete(std::string_view name,
                                                                std::string_view arg,
                                                                std::string_view value,
                                                                const Arguments& context) const {
  auto it = prompts_.find(name);
  if (it == prompts_.end()) return core::not_found("Unknown prompt: " + core::utf8_clip(name, 100));
  for (const PromptArgument& a : it->second.arguments) {
    if (a.name == arg) return a.complete ? a.complete(value, context) : std::vector<std::string>{};
  }
  return std::vector<std::string>{};
}

}  // namespace shopmcp::mcp
