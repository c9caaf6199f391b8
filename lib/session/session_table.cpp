#include "session/session_table.h"

#include <algorithm>

#include "core/check.h"
#include "core/ids.h"
#include "log/log.h"

namespace shopmcp::session {

SessionTable::SessionTable(SessionOptions options, sse::StreamHub& hub, const core::Clock& clock,
                           metrics::Registry& metrics)
    : options_(options),
      hub_(hub),
      clock_(clock),
      metrics_(metrics),
      reaper_("session reaper",
              std::clamp<std::chrono::milliseconds>(options_.idle_timeout / 4,
                                                    std::chrono::milliseconds(50),
                                                    std::chrono::milliseconds(5000)),
              [this] { expire_idle(); }) {
  // A resume replays up to the whole log onto one connection at once.
  MCP_CHECK(hub_.max_queued() >= options_.replay.hub_queue());
}

SessionTable::~SessionTable() { stop(); }

void SessionTable::start() { reaper_.start(); }

void SessionTable::stop() { reaper_.stop(); }

void SessionTable::ended(const std::shared_ptr<Session>& s, sse::CloseReason reason,
                         const char* why) {
  s->close(reason);
  metrics_.sessions_open.add(-1);
  metrics_.sessions_ended.with({why}).inc();
  spdlog::info("MCP session ended {{\"session_id\":\"{}\",\"reason\":\"{}\"}}", s->id(), why);
}

core::Result<std::shared_ptr<Session>> SessionTable::create(SessionKind kind, std::string version) {
  if (size() >= options_.max_sessions) expire_idle();
  auto s = std::make_shared<Session>(core::random_hex(16), kind, std::move(version), hub_, options_,
                                     waiting_calls_, clock_);
  std::shared_ptr<Session> victim;
  {
    core::MutexLock l(&mu_);
    if (sessions_.size() >= options_.max_sessions) {
      // Still full: reclaim the least recently active session that has no stream and no call, in
      // the same step that takes its place, so a concurrent create cannot take the place freed.
      const auto now = clock_.steady_now();
      for (const auto& [id, candidate] : sessions_) {
        if (!candidate->idle_since(now)) continue;
        if (!victim || candidate->last_active() < victim->last_active()) victim = candidate;
      }
      if (!victim)
        return core::unavailable("Too many MCP sessions are open; retry in a few seconds");
      sessions_.erase(victim->id());
    }
    sessions_.emplace(s->id(), s);
  }
  if (victim) ended(victim, sse::CloseReason::kSessionDeleted, "reclaimed");
  metrics_.sessions_open.add(1);
  metrics_.sessions_created.inc();
  return s;
}

std::shared_ptr<Session> SessionTable::find(const std::string& id) {
  std::shared_ptr<Session> s;
  {
    core::MutexLock l(&mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    s = it->second;
  }
  s->touch(clock_.steady_now());
  return s;
}

std::shared_ptr<Session> SessionTable::peek(const std::string& id) const {
  core::MutexLock l(&mu_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

std::shared_ptr<mcp::ClientState> SessionTable::client(const std::string& session_id) {
  return peek(session_id);
}

std::vector<std::shared_ptr<Session>> SessionTable::all() const {
  core::MutexLock l(&mu_);
  std::vector<std::shared_ptr<Session>> out;
  out.reserve(sessions_.size());
  for (const auto& [id, s] : sessions_) out.push_back(s);
  return out;
}

bool SessionTable::remove(const std::string& id, sse::CloseReason reason, const char* why) {
  std::shared_ptr<Session> s;
  {
    core::MutexLock l(&mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return false;
    s = std::move(it->second);
    sessions_.erase(it);
  }
  ended(s, reason, why);
  return true;
}

std::size_t SessionTable::expire_idle() {
  const auto cutoff = clock_.steady_now() - options_.idle_timeout;
  std::vector<std::shared_ptr<Session>> expired;
  {
    core::MutexLock l(&mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second->idle_since(cutoff)) {
        expired.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& s : expired) ended(s, sse::CloseReason::kTimeout, "expired");
  return expired.size();
}

void SessionTable::close_all() {
  std::unordered_map<std::string, std::shared_ptr<Session>> all;
  {
    core::MutexLock l(&mu_);
    all.swap(sessions_);
  }
  for (const auto& [id, s] : all) ended(s, sse::CloseReason::kServerShutdown, "server_shutdown");
}

std::size_t SessionTable::size() const {
  core::MutexLock l(&mu_);
  return sessions_.size();
}

}  // namespace shopmcp::session
