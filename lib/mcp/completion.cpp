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

}  // namespace shopmcp::mcp
