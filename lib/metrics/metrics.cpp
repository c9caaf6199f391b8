#include "metrics/metrics.h"

#include <sstream>

namespace shopmcp::metrics {

void Histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<std::int64_t>(seconds * 1e6), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::array<std::int64_t, Histogram::kBounds.size() + 1> Histogram::cumulative() const {
  std::array<std::int64_t, kBounds.size() + 1> out{};
  std::int64_t running = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

namespace {

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::string& extra = "") {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + escape(values[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

void header(std::ostream& o, const std::string& name, const std::string& help, const char* type) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

void scalar(std::ostream& o, const char* name, const char* help, const char* type, std::int64_t v) {
  header(o, name, help, type);
  o << name << " " << v << "\n";
}

void counters(std::ostream& o, const Family<Counter>& f) {
  header(o, f.name(), f.help(), "counter");
  for (const auto& [values, c] : f.snapshot()) {
    o << f.name() << labels(f.label_names(), values) << " " << c->value() << "\n";
  }
}

void gauges(std::ostream& o, const Family<Gauge>& f) {
  header(o, f.name(), f.help(), "gauge");
  for (const auto& [values, g] : f.snapshot()) {
    o << f.name() << labels(f.label_names(), values) << " " << g->value() << "\n";
  }
}

}  // namespace

std::string Registry::render() const {
  std::ostringstream o;
  scalar(o, "shopmcp_streams_open", "SSE streams open now", "gauge", streams_open.value());
  gauges(o, streams_open_by_route);
  scalar(o, "shopmcp_streams_opened_total", "SSE streams opened", "counter",
         streams_opened.value());
  counters(o, streams_closed);
  scalar(o, "shopmcp_streams_rejected_total", "SSE streams refused at the cap (503)", "counter",
         streams_rejected.value());
  scalar(o, "shopmcp_pings_sent_total", "keepalive frames written", "counter", pings_sent.value());
  scalar(o, "shopmcp_write_failures_total", "failed stream writes", "counter",
         write_failures.value());
  scalar(o, "shopmcp_sessions_open", "MCP sessions open now", "gauge", sessions_open.value());
  scalar(o, "shopmcp_sessions_created_total", "MCP sessions created", "counter",
         sessions_created.value());
  counters(o, sessions_ended);
  counters(o, requests);
  counters(o, tool_calls);
  header(o, tool_seconds.name(), tool_seconds.help(), "histogram");
  for (const auto& [values, h] : tool_seconds.snapshot()) {
    const auto cum = h->cumulative();
    for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
      std::ostringstream le;
      le << "le=\"" << Histogram::kBounds[i] << "\"";
      o << tool_seconds.name() << "_bucket" << labels(tool_seconds.label_names(), values, le.str())
        << " " << cum[i] << "\n";
    }
    o << tool_seconds.name() << "_bucket"
      << labels(tool_seconds.label_names(), values, "le=\"+Inf\"") << " " << cum.back() << "\n";
    o << tool_seconds.name() << "_sum" << labels(tool_seconds.label_names(), values) << " "
      << h->sum() << "\n";
    o << tool_seconds.name() << "_count" << labels(tool_seconds.label_names(), values) << " "
      << h->count() << "\n";
  }
  return o.str();
}

}  // namespace shopmcp::metrics
