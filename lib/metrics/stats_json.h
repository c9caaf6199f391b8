// GET /mcp/stats: the metrics as one JSON object, for pages that chart them. Thread-safe (reads
// atomic metrics).
#pragma once

#include <cstdint>

#include <rapidjson/document.h>

#include "metrics/metrics.h"

namespace shopmcp::metrics {

// {time, uptime_seconds,
//  streams: {open, open_by_route: {route: n}, opened, closed: {reason: n}, rejected},
//  pings_sent, write_failures,
//  sessions: {open, created, ended: {reason: n}},
//  requests: {total, by_route: {route: {status: n}}},
//  tools: {tool: {ok, error, count, mean_ms, p95_ms_at_most}}}
// p95_ms_at_most is the upper bound of the latency bucket holding the 95th percentile (null above
// the largest bound).
rapidjson::Document stats_json(const Registry& m, std::int64_t unix_time, double uptime_seconds);

}  // namespace shopmcp::metrics
