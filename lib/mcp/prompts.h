// Prompts: message templates a client offers its user (prompts/list, prompts/get), with their
// arguments and completers. Prompts are added before serving; afterwards every method is
// thread-safe (read-only; builders and completers must be thread-safe).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/result.h"
#include "mcp/completion.h"
#include "mcp/content.h"

namespace shopmcp::mcp {

struct PromptArgument {
  std::string name;
  std::string title;
  std::string description;
  bool required = false;
  Completer complete;  // may be empty: no suggestions
};

struct Prompt {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
  // The prompts/get result {description?, messages: [...]} for `args`: every required argument
  // is present and only declared ones are. core::invalid_argument says which value is wrong.
  std::function<core::Result<rapidjson::Document>(const Arguments& args)> get;
};

class PromptRegistry {
 public:
  // A new prompt; a duplicate name or argument is a bug.
  void add(Prompt p);
  bool empty() const { return prompts_.empty(); }

  // prompts/list's entries: {name, title?, description, arguments: [{name, title?, description,
  // required}]}
  rapidjson::Value list(Allocator& a) const;

  // prompts/get for `name` with `arguments` (an object of strings; null or absent = none).
  // Unknown prompt → not_found; a missing required argument, an unknown one or a non-string
  // value → invalid_argument naming it.
  core::Result<rapidjson::Document> get(std::string_view name,
                                        const rapidjson::Value* arguments) const;

  // Completions for argument `arg` of prompt `name`: not_found for an unknown prompt, an empty
  // list for an argument without a completer (or unknown).
  core::Result<std::vector<std::string>> complete(std::string_view name, std::string_view arg,
                                                  std::string_view value,
                                                  const Arguments& context) const;

 private:
  std::map<std::string, Prompt, std::less<>> prompts_;
  std::vector<std::string> order_;
};

}  // namespace shopmcp::mcp
