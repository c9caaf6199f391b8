#include "session/resource_watch.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "json/json.h"
#include "log/log.h"
#include "rpc/dispatcher.h"

namespace shopmcp::session {

ResourceWatcher::ResourceWatcher(const mcp::Server& server, SessionTable& sessions,
                                 std::chrono::milliseconds interval)
    : server_(server),
      sessions_(sessions),
      thread_("resource watcher", interval, [this] { poll_once(); }) {}

std::size_t ResourceWatcher::poll_once() {
  // Who subscribed to what, gathered without holding any lock while resources are read.
  std::map<std::string, std::vector<std::shared_ptr<Session>>> by_uri;
  for (const auto& s : sessions_.all()) {
    for (const auto& [uri, seen] : s->subscriptions()) by_uri[uri].push_back(s);
  }
  std::size_t sent = 0;
  for (const auto& [uri, subscribers] : by_uri) {
    const std::size_t now = server_.resource_fingerprint(uri);  // read once for all subscribers
    for (const auto& s : subscribers) {
      if (!s->saw(uri, now)) continue;
      const std::uint64_t stream = s->standalone();
      if (stream == 0) {
        spdlog::debug("resource updated, subscriber has no stream open: session={} uri={}", s->id(),
                      uri);
        continue;
      }
      rapidjson::Document params(rapidjson::kObjectType);
      params.AddMember("uri", json::str(uri, params.GetAllocator()), params.GetAllocator());
      s->send(stream, rpc::notification("notifications/resources/updated", std::move(params)));
      ++sent;
    }
  }
  return sent;
}

}  // namespace shopmcp::session
