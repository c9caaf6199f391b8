// Completion (completion/complete): the suggestions for one prompt argument or resource-template
// variable, given what has been typed so far and the other arguments already chosen. Thread-safe
// (pure functions; completers must be thread-safe).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/result.h"

namespace shopmcp::mcp {

// Argument or variable values by name.
using Arguments = std::map<std::string, std::string, std::less<>>;

// At most this many values go back to the client (the specification's cap).
inline constexpr std::size_t kMaxCompletions = 100;

// Returns candidates for `value` (a prefix or substring, as the completer sees fit), best first.
// Returning more than kMaxCompletions tells the client there are more.
using Completer =
    std::function<std::vector<std::string>(std::string_view value, const Arguments& context)>;

// {completion: {values (at most kMaxCompletions), total, hasMore}}; `total` is left out when the
// completer stopped early (returned more than the cap).
rapidjson::Document completion_result(std::vector<std::string> values);

// Keeps the candidates of `all` that contain `value` case-insensitively (ASCII), those that start
// with it first; order is otherwise kept.
std::vector<std::string> filter_candidates(const std::vector<std::string>& all,
                                           std::string_view value);

// One completion/complete request.
struct CompletionRequest {
  enum class Ref { kPrompt, kResource };
  Ref ref = Ref::kPrompt;
  std::string target;    // the prompt's name, or the resource template's URI
  std::string argument;  // the argument (or template variable) being completed
  std::string value;     // what has been typed so far
  Arguments context;     // context.arguments: the values already chosen (strings only)
};

// Reads the request's params; a malformed one is an error whose message is the usage line the
// client gets with -32602.
core::Result<CompletionRequest> read_completion_request(const rapidjson::Value& params);

}  // namespace shopmcp::mcp
