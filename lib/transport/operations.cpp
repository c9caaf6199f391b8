#include "transport/operations.h"

#include <chrono>

#include "json/json.h"
#include "metrics/stats_json.h"

namespace shopmcp::transport {
namespace {

std::chrono::duration<double> uptime(const Services& s) {
  return s.clock->steady_now() - s.started;
}

}  // namespace

void add_operations_routes(http::Router& router, const Services& s) {
  router.add("GET", "/mcp/health", [s](const http::Request&, http::Exchange& ex) {
    rapidjson::Document d(rapidjson::kObjectType);
    auto& a = d.GetAllocator();
    d.AddMember("status", "ok", a);
    d.AddMember("instance", json::str(s.instance, a), a);
    d.AddMember("version", json::str(s.server->info().version, a), a);
    d.AddMember("uptime_seconds",
                static_cast<std::int64_t>(
                    std::chrono::duration_cast<std::chrono::seconds>(uptime(s)).count()),
                a);
    ex.respond(http::json_response(200, d));
  });
  router.add("GET", "/mcp/metrics", [s](const http::Request&, http::Exchange& ex) {
    http::Response r;
    r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = s.metrics->render();
    ex.respond(std::move(r));
  });
  router.add("GET", "/mcp/stats", [s](const http::Request&, http::Exchange& ex) {
    http::Response r;
    r.set_header("Content-Type", "application/json");
    r.set_header("Cache-Control", "no-store");
    auto d = metrics::stats_json(*s.metrics, s.clock->unix_seconds(), uptime(s).count());
    d.AddMember("instance", json::str(s.instance, d.GetAllocator()), d.GetAllocator());
    r.body = json::to_string(d);
    ex.respond(std::move(r));
  });
}

}  // namespace shopmcp::transport
