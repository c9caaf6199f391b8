#include "mcp/completion.h"

#include <algorithm>

#include "core/text.h"
#include "json/json.h"

namespace shopmcp::mcp {

rapidjson::Document completion_result(std::vector<std::string> values) {
  const bool more = values.size() > kMaxCompletions;
  if (more) values.resize(kMaxCompletions);
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const std::string& v : values) list.PushBack(json::str(v, a), a);
  rapidjson::Value completion(rapidjson::kObjectType);
  completion.AddMember("values", list, a);
  if (!more) completion.AddMember("total", static_cast<std::uint64_t>(values.size()), a);
  completion.AddMember("hasMore", more, a);
  d.AddMember("completion", completion, a);
  return d;
}

std::vector<std::string> filter_candidates(const std::vector<std::string>& all,
                                           std::string_view value) {
  const std::string needle = core::ascii_lower(value);
  std::vector<std::string> starts, contains;
  for (const std::string& c : all) {
    const std::string l = core::ascii_lower(c);
    const auto pos = l.find(needle);
    if (pos == 0) {
      starts.push_back(c);
    } else if (pos != std::string::npos) {
      contains.push_back(c);
    }
  }
  starts.insert(starts.end(), contains.begin(), contains.end());
  return starts;
}

core::Result<CompletionRequest> read_completion_request(const rapidjson::Value& params) {
  const auto usage = core::invalid_argument(
      "completion/complete: params must be {ref: {type: \"ref/prompt\", name} or {type: "
      "\"ref/resource\", uri}, argument: {name, value}, context?: {arguments}}");
  if (!params.IsObject()) return usage;
  auto ref = params.FindMember("ref");
  auto arg = params.FindMember("argument");
  if (ref == params.MemberEnd() || !ref->value.IsObject() || arg == params.MemberEnd() ||
      !arg->value.IsObject()) {
    return usage;
  }
  auto type = json::get_string(ref->value, "type");
  auto arg_name = json::get_string(arg->value, "name");
  auto value = json::get_string(arg->value, "value");
  if (!type || !type->has_value() || !arg_name || !arg_name->has_value() || !value) return usage;
  CompletionRequest r;
  const char* target_field = nullptr;
  if (**type == "ref/prompt") {
    r.ref = CompletionRequest::Ref::kPrompt;
    target_field = "name";
  } else if (**type == "ref/resource") {
    r.ref = CompletionRequest::Ref::kResource;
    target_field = "uri";
  } else {
    return usage;
  }
  auto target = json::get_string(ref->value, target_field);
  if (!target || !target->has_value()) return usage;
  r.target = **target;
  r.argument = **arg_name;
  r.value = value->value_or("");
  if (auto c = params.FindMember("context"); c != params.MemberEnd() && c->value.IsObject()) {
    if (auto as = c->value.FindMember("arguments");
        as != c->value.MemberEnd() && as->value.IsObject()) {
      for (const auto& m : as->value.GetObject()) {
        if (m.value.IsString()) {
          r.context[std::string(m.name.GetString(), m.name.GetStringLength())] =
              std::string(m.value.GetString(), m.value.GetStringLength());
        }
      }
    }
  }
  return r;
}

}  // namespace shopmcp::mcp
