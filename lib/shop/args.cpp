#include "shop/args.h"

#include <chrono>
#include <cmath>

#include "core/check.h"
#include "core/clock.h"
#include "core/text.h"
#include "json/json.h"
#include "log/log.h"

namespace shopmcp::shop {

std::optional<std::string> opt_string(const rapidjson::Value& args, const char* key) {
  auto it = args.FindMember(key);
  if (it == args.MemberEnd() || !it->value.IsString()) return std::nullopt;
  std::string s(it->value.GetString(), it->value.GetStringLength());
  if (s.empty()) return std::nullopt;
  return s;
}

std::optional<double> opt_number(const rapidjson::Value& args, const char* key) {
  auto it = args.FindMember(key);
  if (it == args.MemberEnd() || !it->value.IsNumber()) return std::nullopt;
  return it->value.GetDouble();
}

std::int64_t int_or(const rapidjson::Value& args, const char* key, std::int64_t fallback) {
  auto it = args.FindMember(key);
  if (it == args.MemberEnd() || !it->value.IsInt64()) return fallback;
  return it->value.GetInt64();
}

core::Result<void> check_date(const std::string& v, const char* key) {
  auto bad = [&] {
    return core::invalid_argument(std::string(key) +
                                  ": must be a real calendar date in YYYY-MM-DD format (got \"" +
                                  core::utf8_clip(v, 40) + "\")");
  };
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return bad();
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (v[i] < '0' || v[i] > '9') return bad();
  }
  const int y = std::stoi(v.substr(0, 4));
  const int m = std::stoi(v.substr(5, 2));
  const int d = std::stoi(v.substr(8, 2));
  std::int64_t days = 0;
  if (!core::days_from_civil(y, m, d, &days)) return bad();
  return {};
}

core::Result<void> read_dates_and_status(const rapidjson::Value& args, store::OrderFilter* f) {
  f->date_from = opt_string(args, "date_from");
  f->date_to = opt_string(args, "date_to");
  if (f->date_from) {
    if (auto ok = check_date(*f->date_from, "date_from"); !ok) return ok;
  }
  if (f->date_to) {
    if (auto ok = check_date(*f->date_to, "date_to"); !ok) return ok;
  }
  if (f->date_from && f->date_to && *f->date_to < *f->date_from) {
    return core::invalid_argument("date_to: must not be before date_from (got date_from " +
                                  *f->date_from + ", date_to " + *f->date_to + ")");
  }
  auto status = opt_string(args, "status");
  if (status && *status != "all") f->status = status;
  return {};
}

core::Result<void> read_bounds(const rapidjson::Value& args, const char* min_key,
                               const char* max_key, std::optional<double>* lo,
                               std::optional<double>* hi) {
  auto a = opt_number(args, min_key);
  auto b = opt_number(args, max_key);
  if (a && *a > 0) *lo = a;
  if (b && *b > 0) *hi = b;
  if (*lo && *hi && **lo > **hi) {
    return core::invalid_argument(std::string(min_key) + ": must not be greater than " + max_key +
                                  " (got " + json::to_string(rapidjson::Value(**lo)) + " > " +
                                  json::to_string(rapidjson::Value(**hi)) + ")");
  }
  return {};
}

rapidjson::Document schema_literal(const char* text) {
  auto d = json::parse(text);
  MCP_CHECK(d.has_value());
  return std::move(d).value();
}

rapidjson::Document order_filter_schema(const char* text) {
  static constexpr const char* kShared = R"json({
    "status": {"type": "string", "default": "all",
      "enum": ["all", "pending", "processing", "completed", "cancelled", "refunded"],
      "description": "Order status; all = any status."},
    "date_from": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
      "description": "First day (UTC, YYYY-MM-DD), inclusive."},
    "date_to": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
      "description": "Last day (UTC, YYYY-MM-DD), inclusive; not before date_from."}
  })json";
  rapidjson::Document d = schema_literal(text);
  rapidjson::Document shared = schema_literal(kShared);
  auto& props = d["properties"];
  for (auto& m : shared.GetObject()) {
    props.AddMember(rapidjson::Value(m.name, d.GetAllocator()),
                    rapidjson::Value(m.value, d.GetAllocator()), d.GetAllocator());
  }
  return d;
}

mcp::ToolResult invalid_arguments(const char* tool, const core::Error& e) {
  return mcp::ToolResult::error(std::string("Invalid arguments for ") + tool + ": " + e.message);
}

mcp::ToolResult store_failure(const char* tool, const core::Error& e) {
  spdlog::error("tool {} failed reading the store: {}", tool, e.message);
  return mcp::ToolResult::error(std::string(tool) +
                                ": the shop's data could not be read right now; try again shortly");
}

mcp::Tool make_tool(const char* name, const char* title, const char* description,
                    rapidjson::Document input_schema, const char* output_schema, RunFn run,
                    store::Store& store) {
  mcp::Tool t;
  t.name = name;
  t.title = title;
  t.description = description;
  t.input_schema = std::move(input_schema);
  t.output_schema = schema_literal(output_schema);
  const std::string tool_name = name;
  // Every query tells a client that asked how far it got and what it ran; none of it is sent
  // unless the client asked (a progress token, a logging level).
  t.handler = [run, &store, tool_name](const rapidjson::Value& args, mcp::ToolContext& ctx) {
    ctx.progress(0, 1, "querying the shop database");
    {
      rapidjson::Document d(rapidjson::kObjectType);
      d.AddMember("tool", json::str(tool_name, d.GetAllocator()), d.GetAllocator());
      d.AddMember("arguments", rapidjson::Value(args, d.GetAllocator()), d.GetAllocator());
      ctx.log(mcp::LogLevel::kInfo, "shop", d);
    }
    if (ctx.cancelled()) return mcp::ToolResult::error("The call was cancelled");
    const auto start = std::chrono::steady_clock::now();
    mcp::ToolResult r = run(store, args);
    rapidjson::Document d(rapidjson::kObjectType);
    d.AddMember("tool", json::str(tool_name, d.GetAllocator()), d.GetAllocator());
    d.AddMember(
        "ms",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
        d.GetAllocator());
    d.AddMember("is_error", r.is_error, d.GetAllocator());
    ctx.log(r.is_error ? mcp::LogLevel::kWarning : mcp::LogLevel::kInfo, "shop", d);
    ctx.progress(1, 1, "done");
    return r;
  };
  return t;
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

}  // namespace shopmcp::shop
