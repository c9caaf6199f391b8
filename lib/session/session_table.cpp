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
      budget_(options_.replay.budget_bytes),
      reaper_("session reaper",
              std::clamp<std::chrono::milliseconds>(options_.idle_timeout / 4,
                                                    std::chrono::milliseconds(50),
                                                    std::chrono::milliseconds(5000)),
              [this] { expire_idle(); }) {
  // A resume replays up to the whole log onto one connection at once.
  MCP_CHECK(hub_.max_queued() >= options_.replay.hub_queue());
  budget_.set_trimmer([this] { trim_replay(); });
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

void SessionTable::forget(const std::shared_ptr<Session>& s) {
  sessions_.erase(s->id());
  if (auto it = per_client_.find(s->client()); it != per_client_.end() && --it->second == 0) {
    per_client_.erase(it);
  }
}

core::Result<std::shared_ptr<Session>> SessionTable::create(SessionKind kind, std::string version,
                                                            const std::string& client) {
  if (size() >= options_.max_sessions) expire_idle();
  auto s =
      std::make_shared<Session>(options_.id_prefix + core::random_hex(16), kind, std::move(version),
                                hub_, options_, waiting_calls_, clock_, budget_, client);
  std::shared_ptr<Session> victim;
  {
    core::MutexLock l(&mu_);
    const auto now = clock_.steady_now();
    const auto held = per_client_.find(client);
    const std::size_t per_client_cap =
        std::min(options_.max_sessions_per_client, options_.max_sessions);
    if (held != per_client_.end() && held->second >= per_client_cap) {
      // The client's own limit: only its own idle sessions are candidates.
      for (const auto& [id, candidate] : sessions_) {
        if (candidate->client() != client || !candidate->idle_since(now)) continue;
        if (!victim || candidate->last_active() < victim->last_active()) victim = candidate;
      }
      if (!victim) {
        return core::unavailable("This client already holds " + std::to_string(held->second) +
                                 " MCP sessions, all busy; end one (DELETE) or retry later");
      }
    } else if (sessions_.size() >= options_.max_sessions) {
      // Still full: reclaim an idle session of the client holding the most, its least recently
      // active one, so one client's flood ends its own sessions before anyone else's.
      std::size_t victim_holds = 0;
      for (const auto& [id, candidate] : sessions_) {
        if (!candidate->idle_since(now)) continue;
        const std::size_t holds = per_client_[candidate->client()];
        if (!victim || holds > victim_holds ||
            (holds == victim_holds && candidate->last_active() < victim->last_active())) {
          victim = candidate;
          victim_holds = holds;
        }
      }
      if (!victim)
        return core::unavailable("Too many MCP sessions are open; retry in a few seconds");
    }
    // The victim's place is taken in the same step, so a concurrent create cannot take it.
    if (victim) forget(victim);
    sessions_.emplace(s->id(), s);
    ++per_client_[client];
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
    s = it->second;
    forget(s);
  }
  ended(s, reason, why);
  return true;
}

std::size_t SessionTable::expire_idle() {
  const auto cutoff = clock_.steady_now() - options_.idle_timeout;
  std::vector<std::shared_ptr<Session>> expired;
  {
    core::MutexLock l(&mu_);
    for (const auto& [id, s] : sessions_) {
      if (s->idle_since(cutoff)) expired.push_back(s);
    }
    for (const auto& s : expired) forget(s);
  }
  for (const auto& s : expired) ended(s, sse::CloseReason::kTimeout, "expired");
  return expired.size();
}

void SessionTable::close_all() {
  std::unordered_map<std::string, std::shared_ptr<Session>> all;
  {
    core::MutexLock l(&mu_);
    all.swap(sessions_);
    per_client_.clear();
  }
  for (const auto& [id, s] : all) ended(s, sse::CloseReason::kServerShutdown, "server_shutdown");
}

std::size_t SessionTable::size() const {
  core::MutexLock l(&mu_);
  return sessions_.size();
}

std::size_t SessionTable::size_of(const std::string& client) const {
  core::MutexLock l(&mu_);
  auto it = per_client_.find(client);
  return it == per_client_.end() ? 0 : it->second;
}

void SessionTable::trim_replay() {
  // Keep the newest events that fit in the trim target; drop everything older, in every session.
  const auto sessions = all();
  std::vector<std::pair<std::uint64_t, std::size_t>> events;
  for (const auto& s : sessions) {
    auto e = s->logged_stamps();
    events.insert(events.end(), e.begin(), e.end());
  }
  std::sort(events.begin(), events.end(), std::greater<>());
  std::size_t kept = 0;
  std::uint64_t cutoff = 0;
  for (const auto& [stamp, bytes] : events) {
    if (kept + bytes > budget_.trim_target()) {
      cutoff = stamp + 1;
      break;
    }
    kept += bytes;
  }
  if (cutoff == 0) return;
  std::size_t dropped = 0;
  for (const auto& s : sessions) dropped += s->drop_logged_before(cutoff);
  spdlog::info("replay logs over their budget of {} bytes: dropped the oldest {} bytes of events",
               budget_.limit(), dropped);
}

}  // namespace shopmcp::session
