#include "transport/resource_watch.h"

#include "json/json.h"
#include "log/log.h"
#include "transport/mcp_http.h"

namespace shopmcp::transport {

ResourceWatcher::ResourceWatcher(const mcp::Server& server, SessionTable& sessions,
                                 std::chrono::milliseconds interval)
    : server_(server), sessions_(sessions), interval_(interval) {}

ResourceWatcher::~ResourceWatcher() { stop(); }

void ResourceWatcher::start() {
  if (interval_.count() <= 0) return;
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

void ResourceWatcher::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

std::size_t ResourceWatcher::poll_once() {
  if (server_.subscription_count() == 0) return 0;
  std::size_t sent = 0;
  for (const mcp::Server::Changed& c : server_.poll_subscriptions()) {
    auto session = sessions_.peek(c.session_id);
    if (session == nullptr) continue;
    const std::uint64_t stream = session->standalone();
    if (stream == 0) {
      spdlog::debug("resource updated, subscriber has no stream open: session={} uri={}",
                    c.session_id, c.uri);
      continue;
    }
    rapidjson::Document params(rapidjson::kObjectType);
    params.AddMember("uri", json::str(c.uri, params.GetAllocator()), params.GetAllocator());
    session->send(stream, notification("notifications/resources/updated", std::move(params)));
    ++sent;
  }
  return sent;
}

void ResourceWatcher::run(std::stop_token stop) {
  try {
    while (!stop.stop_requested()) {
      {
        core::MutexLock l(&mu_);
        wake_.wait_until(mu_, stop, std::chrono::steady_clock::now() + interval_);
      }
      if (stop.stop_requested()) break;
      poll_once();
    }
  } catch (const std::exception& e) {
    spdlog::critical("resource watcher failed: {}", e.what());
  }
}

}  // namespace shopmcp::transport
