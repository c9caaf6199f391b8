// Argument helpers shared by the shop's tools: they run after the JSON-Schema check, so types are
// already right; these add the rules a schema cannot say (real dates, ranges, "all").
// Thread-safe (pure functions).
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "mcp/tool.h"
#include "store/store.h"

namespace shopmcp::shop {

std::optional<std::string> opt_string(const rapidjson::Value& args, const char* key);
std::optional<double> opt_number(const rapidjson::Value& args, const char* key);
std::int64_t int_or(const rapidjson::Value& args, const char* key, std::int64_t fallback);

// A real calendar date "YYYY-MM-DD"; else an error naming `key`.
core::Result<void> check_date(const std::string& value, const char* key);

// Reads date_from/date_to and status ("all" or absent = no filter) into `f`, checking that both
// dates exist and date_to is not before date_from.
core::Result<void> read_dates_and_status(const rapidjson::Value& args, store::OrderFilter* f);

// Reads a lower/upper bound pair where 0 means "no bound", checking min <= max.
core::Result<void> read_bounds(const rapidjson::Value& args, const char* min_key,
                               const char* max_key, std::optional<double>* lo,
                               std::optional<double>* hi);

// Parses a schema literal known at compile time (a bug if it does not parse).
rapidjson::Document schema_literal(const char* text);
// schema_literal plus the date_from, date_to and status properties that order filters share.
rapidjson::Document order_filter_schema(const char* text);

// The tool error for bad arguments, and the one for a store failure (details go to the log only).
mcp::ToolResult invalid_arguments(const char* tool, const core::Error& e);
mcp::ToolResult store_failure(const char* tool, const core::Error& e);

// A tool definition whose handler runs `run` on `store` (which must outlive the tool).
using RunFn = mcp::ToolResult (*)(store::Store&, const rapidjson::Value&);
mcp::Tool make_tool(const char* name, const char* title, const char* description,
                    rapidjson::Document input_schema, const char* output_schema, RunFn run,
                    store::Store& store);

// Money for output: rounded to 2 decimals.
double round2(double v);

}  // namespace shopmcp::shop
