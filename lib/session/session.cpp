#include "session/session.h"

#include <vector>

#include "core/ids.h"
#include "core/text.h"
#include "json/json.h"
#include "log/log.h"
#include "sse/frame.h"

namespace shopmcp::session {

Session::Session(std::string id, SessionKind kind, std::string version, sse::StreamHub& hub,
                 const SessionOptions& options, std::atomic<int>& waiting_calls,
                 const core::Clock& clock, ReplayBudget& budget, std::string client)
    : id_(std::move(id)),
      kind_(kind),
      client_(std::move(client)),
      version_(std::move(version)),
      hub_(hub),
      options_(options),
      waiting_calls_(waiting_calls),
      clock_(clock),
      budget_(budget),
      last_active_(clock.steady_now()) {}

Session::~Session() {
  core::MutexLock l(&mu_);
  budget_.refund(log_bytes_);
}

std::uint64_t Session::open_stream() {
  core::MutexLock l(&mu_);
  const std::uint64_t n = next_stream_++;
  streams_[n];
  prune_streams();
  return n;
}

std::string Session::priming_frame(std::uint64_t stream) {
  core::MutexLock l(&mu_);
  const std::uint64_t seq = next_seq_++;
  return sse::priming(std::to_string(stream) + "-" + std::to_string(seq), options_.retry_ms);
}

std::string Session::frame(const std::string& message, std::uint64_t stream,
                           std::uint64_t seq) const {
  if (kind_ == SessionKind::kLegacy) return sse::event("message", message);
  return sse::event("", message, std::to_string(stream) + "-" + std::to_string(seq));
}

void Session::prune_streams() {
  // Ended streams nobody reads are kept only while they could still be resumed.
  const std::size_t keep = 2 * options_.replay.logged_events + 8;
  for (auto it = streams_.begin(); streams_.size() > keep && it != streams_.end();) {
    if (it->second.ended && it->second.conn.empty()) {
      it = streams_.erase(it);
    } else {
      ++it;
    }
  }
}

void Session::attach(std::uint64_t stream, const std::string& conn, std::uint64_t after_seq) {
  {
    core::MutexLock l(&mu_);
    if (closed_) {
      close_on_hub(conn, sse::CloseReason::kSessionDeleted);
    } else if (gone_.erase(conn) > 0) {
      // The hub closed the connection (the client left) before this attach: nothing to carry.
      streams_[stream].connecting = false;
    } else {
      Stream& s = streams_[stream];
      if (!s.conn.empty() && s.conn != conn) {
        close_on_hub(s.conn, sse::CloseReason::kCompleted);
      }
      s.conn = conn;
      s.connecting = false;
      bool ended_in_replay = false;
      if (after_seq > 0 && s.dropped_through > after_seq) {
        // Dropped since find_event(): a replay would have a hole. Close; the client's next
        // attempt gets the answer for a resume that cannot be whole.
        close_on_hub(conn, sse::CloseReason::kCompleted);
        after_seq = 0;
        s.conn.clear();
        ended_in_replay = true;
      } else if (after_seq > 0 || !s.ever_attached) {
        // A resume replays what came after its event; a first connection gets what was sent
        // before it was attached (the head had gone out, so the client already waits for it).
        for (const Logged& e : log_) {
          if (e.stream != stream || e.seq <= after_seq) continue;
          to_hub(conn, e.frame, e.last);
          ended_in_replay = ended_in_replay || e.last;
        }
      }
      s.ever_attached = true;
      if (s.ended && !ended_in_replay) {
        // Nothing more will come on it: end the new connection once the replay is written.
        to_hub(conn, "", true);
      }
    }
  }
  deliver();
}

void Session::to_hub(std::string conn, std::string frame, bool last) {
  hub_calls_.push_back(HubCall{std::move(conn), std::move(frame), last, std::nullopt});
}

void Session::close_on_hub(std::string conn, sse::CloseReason reason) {
  hub_calls_.push_back(HubCall{std::move(conn), {}, false, reason});
}

void Session::deliver() {
  std::list<HubCall> batch;
  {
    core::MutexLock l(&mu_);
    if (delivering_ || hub_calls_.empty()) return;  // the delivering thread takes what is queued
    delivering_ = true;
    batch.swap(hub_calls_);
  }
  try {
    while (true) {
      for (HubCall& c : batch) {
        if (c.close) {
          hub_.request_close(c.conn, *c.close);
        } else {
          // A full queue closes the connection; the event stays in the log for Last-Event-ID.
          hub_.enqueue(c.conn, std::move(c.frame), c.last);
        }
      }
      batch.clear();
      core::MutexLock l(&mu_);
      // Found empty and released in one step: a call queued after this is delivered by its own
      // thread, never left behind for a deliverer that is already leaving.
      if (hub_calls_.empty()) {
        delivering_ = false;
        return;
      }
      batch.swap(hub_calls_);
    }
  } catch (...) {
    core::MutexLock l(&mu_);
    delivering_ = false;  // another thread may deliver next; the failure goes on up
    throw;
  }
}

void Session::detach(std::uint64_t stream, const std::string& conn) {
  core::MutexLock l(&mu_);
  auto it = streams_.find(stream);
  if (it != streams_.end() && it->second.conn == conn) {
    it->second.conn.clear();
  } else if (!closed_) {
    // Closed before its attach (the hub adopts before the session attaches): remember it, so the
    // attach does not hold a dead connection that keeps the session busy forever.
    if (gone_.size() >= kMaxGone) gone_.clear();
    gone_.insert(conn);
  }
  last_active_ = std::max(last_active_, clock_.steady_now());
}

void Session::send(std::uint64_t stream, const rapidjson::Value& message, bool last) {
  const std::string text = json::to_string(message);  // serialised before taking the lock
  bool over_budget = false;
  {
    core::MutexLock l(&mu_);
    auto it = streams_.find(stream);
    if (closed_ || it == streams_.end() || it->second.ended)
      return;  // nothing follows a last event
    const std::uint64_t seq = next_seq_++;
    std::string f = frame(text, stream, seq);
    if (!it->second.conn.empty()) to_hub(it->second.conn, f, last);
    it->second.ended = last;
    over_budget = log_event(Logged{stream, seq, std::move(f), last});
  }
  deliver();
  if (over_budget) budget_.trim_if_over();
}

void Session::end_stream(std::uint64_t stream) {
  {
    core::MutexLock l(&mu_);
    auto it = streams_.find(stream);
    if (it == streams_.end() || it->second.ended) return;
    it->second.ended = true;
    it->second.connecting = false;
    if (!it->second.conn.empty()) to_hub(it->second.conn, "", true);
    if (standalone_ == stream) standalone_ = 0;
  }
  deliver();
}

void Session::drop_connection(std::uint64_t stream) {
  {
    core::MutexLock l(&mu_);
    auto it = streams_.find(stream);
    if (it == streams_.end() || it->second.conn.empty()) return;
    close_on_hub(std::move(it->second.conn), sse::CloseReason::kCompleted);
    it->second.conn.clear();
  }
  deliver();
}

bool Session::claim_standalone(std::uint64_t stream) {
  core::MutexLock l(&mu_);
  if (standalone_ != 0) {
    auto it = streams_.find(standalone_);
    if (it != streams_.end() && (!it->second.conn.empty() || it->second.connecting)) return false;
  }
  standalone_ = stream;
  streams_[stream].connecting = true;
  return true;
}

std::uint64_t Session::standalone() const {
  core::MutexLock l(&mu_);
  return standalone_;
}

std::shared_ptr<std::atomic<bool>> Session::begin_call(const std::string& id_text) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  core::MutexLock l(&mu_);
  if (closed_) flag->store(true);
  calls_[id_text] = flag;
  return flag;
}

void Session::end_call(const std::string& id_text) {
  core::MutexLock l(&mu_);
  calls_.erase(id_text);
  last_active_ = std::max(last_active_, clock_.steady_now());
}

void Session::cancel(const std::string& id_text) {
  core::MutexLock l(&mu_);
  if (auto it = calls_.find(id_text); it != calls_.end()) it->second->store(true);
  answered_.notify_all();
}

core::Result<rapidjson::Document> Session::request(std::uint64_t stream, std::string_view method,
                                                   rapidjson::Document params,
                                                   std::chrono::milliseconds timeout,
                                                   const std::atomic<bool>& cancelled) {
  if (waiting_calls_.fetch_add(1) >= options_.max_waiting_calls) {
    waiting_calls_.fetch_sub(1);
    return core::unavailable(std::string(method) +
                             ": too many calls are waiting for their clients right now; retry "
                             "in a moment");
  }
  struct Release {
    std::atomic<int>& n;
    ~Release() { n.fetch_sub(1); }
  } release{waiting_calls_};

  auto slot = std::make_shared<Pending>();
  std::string id;
  {
    core::MutexLock l(&mu_);
    if (closed_) return core::unavailable("the session has ended");
    id = "srv-" + std::to_string(next_request_++);
    pending_[id] = slot;
  }
  rapidjson::Document msg(rapidjson::kObjectType);
  auto& a = msg.GetAllocator();
  msg.AddMember("jsonrpc", "2.0", a);
  msg.AddMember("id", json::str(id, a), a);
  msg.AddMember("method", json::str(method, a), a);
  msg.AddMember("params", rapidjson::Value(params, a), a);
  send(stream, msg);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::stop_source never;
  core::MutexLock l(&mu_);
  while (!slot->done && !closed_ && !cancelled.load()) {
    if (!answered_.wait_until(mu_, never.get_token(), deadline)) break;
  }
  pending_.erase(id);
  if (slot->done) {
    if (slot->is_error) return core::invalid_argument(slot->error);
    return std::move(slot->result);
  }
  if (closed_)
    return core::unavailable("the session ended before the client answered " + std::string(method));
  if (cancelled.load()) return core::unavailable("the call was cancelled");
  return core::unavailable("the client did not answer " + std::string(method) + " within " +
                           std::to_string(timeout.count() / 1000) + " s");
}

bool Session::deliver(const rapidjson::Value& response) {
  auto id = response.FindMember("id");
  if (id == response.MemberEnd() || !id->value.IsString()) return false;
  core::MutexLock l(&mu_);
  auto it = pending_.find(id->value.GetString());
  if (it == pending_.end()) return false;
  Pending& p = *it->second;
  if (auto r = response.FindMember("result"); r != response.MemberEnd()) {
    p.result.CopyFrom(r->value, p.result.GetAllocator());
  } else {
    p.is_error = true;
    p.error = "the client answered with an error";
    if (auto e = response.FindMember("error"); e != response.MemberEnd() && e->value.IsObject()) {
      auto m = e->value.FindMember("message");
      if (m != e->value.MemberEnd() && m->value.IsString()) {
        p.error +=
            ": " + core::utf8_clip(
                       std::string_view(m->value.GetString(), m->value.GetStringLength()), 500);
      }
    }
  }
  p.done = true;
  answered_.notify_all();
  return true;
}

void Session::touch(TimePoint now) {
  core::MutexLock l(&mu_);
  last_active_ = std::max(last_active_, now);
}

Session::TimePoint Session::last_active() const {
  core::MutexLock l(&mu_);
  return last_active_;
}

bool Session::idle_since(TimePoint cutoff) const {
  core::MutexLock l(&mu_);
  if (!calls_.empty() || last_active_ >= cutoff) return false;
  for (const auto& [n, s] : streams_) {
    if (!s.conn.empty() || s.connecting) return false;
  }
  return true;
}

void Session::close(sse::CloseReason reason) {
  {
    core::MutexLock l(&mu_);
    if (closed_) return;
    closed_ = true;
    for (auto& [n, s] : streams_) {
      if (!s.conn.empty()) close_on_hub(std::move(s.conn), reason);
      s.conn.clear();
    }
    for (auto& [id, flag] : calls_) flag->store(true);
    answered_.notify_all();
    budget_.refund(log_bytes_);  // nothing can resume an ended session
    log_bytes_ = 0;
    log_.clear();
  }
  deliver();
}

void Session::set_declared(mcp::DeclaredCapabilities d) {
  core::MutexLock l(&mu_);
  declared_ = d;
}

mcp::DeclaredCapabilities Session::declared() const {
  core::MutexLock l(&mu_);
  return declared_;
}

void Session::set_log_level(mcp::LogLevel level) {
  core::MutexLock l(&mu_);
  log_level_ = level;
}

std::optional<mcp::LogLevel> Session::log_level() const {
  core::MutexLock l(&mu_);
  return log_level_;
}

void Session::subscribe(const std::string& uri, std::size_t seen) {
  core::MutexLock l(&mu_);
  subscriptions_[uri] = seen;
}

void Session::unsubscribe(const std::string& uri) {
  core::MutexLock l(&mu_);
  subscriptions_.erase(uri);
}

std::vector<std::pair<std::string, std::size_t>> Session::subscriptions() const {
  core::MutexLock l(&mu_);
  return {subscriptions_.begin(), subscriptions_.end()};
}

bool Session::saw(const std::string& uri, std::size_t now) {
  core::MutexLock l(&mu_);
  auto it = subscriptions_.find(uri);
  if (it == subscriptions_.end() || it->second == now) return false;
  it->second = now;
  return true;
}

}  // namespace shopmcp::session
