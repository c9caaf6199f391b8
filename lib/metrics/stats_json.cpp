#include "metrics/stats_json.h"

#include <cmath>

#include "json/json.h"

namespace shopmcp::metrics {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

// {label value: series value} of a one-label family.
template <typename T>
rapidjson::Value by_label(const Family<T>& f, Allocator& a) {
  rapidjson::Value o(rapidjson::kObjectType);
  for (const auto& [values, series] : f.snapshot()) {
    o.AddMember(json::str(values.empty() ? "" : values[0], a), rapidjson::Value(series->value()),
                a);
  }
  return o;
}

rapidjson::Value& member(rapidjson::Value& obj, const std::string& key, Allocator& a) {
  auto it = obj.FindMember(key.c_str());
  if (it != obj.MemberEnd()) return it->value;
  obj.AddMember(json::str(key, a), rapidjson::Value(rapidjson::kObjectType), a);
  return obj[key.c_str()];
}

}  // namespace

rapidjson::Document stats_json(const Registry& m, std::int64_t unix_time, double uptime_seconds) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("time", unix_time, a);
  d.AddMember("uptime_seconds", std::floor(uptime_seconds * 10) / 10, a);

  rapidjson::Value streams(rapidjson::kObjectType);
  streams.AddMember("open", m.streams_open.value(), a);
  rapidjson::Value by_route(rapidjson::kObjectType);
  for (const auto& [values, g] : m.streams_open_by_route.snapshot()) {
    if (g->value() != 0)
      by_route.AddMember(json::str(values[0], a), rapidjson::Value(g->value()), a);
  }
  streams.AddMember("open_by_route", by_route, a);
  streams.AddMember("opened", m.streams_opened.value(), a);
  streams.AddMember("closed", by_label(m.streams_closed, a), a);
  streams.AddMember("rejected", m.streams_rejected.value(), a);
  d.AddMember("streams", streams, a);
  d.AddMember("pings_sent", m.pings_sent.value(), a);
  d.AddMember("write_failures", m.write_failures.value(), a);

  rapidjson::Value sessions(rapidjson::kObjectType);
  sessions.AddMember("open", m.sessions_open.value(), a);
  sessions.AddMember("created", m.sessions_created.value(), a);
  sessions.AddMember("ended", by_label(m.sessions_ended, a), a);
  d.AddMember("sessions", sessions, a);

  rapidjson::Value requests(rapidjson::kObjectType);
  rapidjson::Value routes(rapidjson::kObjectType);
  std::int64_t total = 0;
  for (const auto& [values, c] : m.requests.snapshot()) {
    total += c->value();
    member(routes, values[0], a)
        .AddMember(json::str(values[1], a), rapidjson::Value(c->value()), a);
  }
  requests.AddMember("total", total, a);
  requests.AddMember("by_route", routes, a);
  d.AddMember("requests", requests, a);

  rapidjson::Value tools(rapidjson::kObjectType);
  for (const auto& [values, c] : m.tool_calls.snapshot()) {
    member(tools, values[0], a).AddMember(json::str(values[1], a), rapidjson::Value(c->value()), a);
  }
  for (const auto& [values, h] : m.tool_seconds.snapshot()) {
    rapidjson::Value& t = member(tools, values[0], a);
    const std::int64_t count = h->count();
    t.AddMember("count", count, a);
    t.AddMember("mean_ms",
                count > 0 ? std::round(h->sum() * 1e6 / static_cast<double>(count)) / 1e3 : 0.0, a);
    rapidjson::Value p95;  // null: above the largest bucket, or no calls
    const auto cum = h->cumulative();
    for (std::size_t i = 0; i < Histogram::kBounds.size() && count > 0; ++i) {
      if (static_cast<double>(cum[i]) >= 0.95 * static_cast<double>(count)) {
        p95.SetDouble(Histogram::kBounds[i] * 1000);
        break;
      }
    }
    t.AddMember("p95_ms_at_most", p95, a);
  }
  d.AddMember("tools", tools, a);
  return d;
}

}  // namespace shopmcp::metrics
