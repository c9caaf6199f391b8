// Session's event log: what it keeps for Last-Event-ID, within its own bounds and the
// process-wide ReplayBudget, and the lookup of a client's Last-Event-ID in it.
#include "session/session.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace shopmcp::session {

bool Session::log_event(Logged e) {
  e.stamp = budget_.next_stamp();
  const bool over = budget_.charge(e.frame.size());
  log_bytes_ += e.frame.size();
  log_.push_back(std::move(e));
  while (log_.size() > options_.replay.logged_events ||
         (log_bytes_ > options_.replay.logged_bytes && log_.size() > 1)) {
    drop_oldest();
  }
  return over;
}

void Session::drop_oldest() {
  const Logged& e = log_.front();
  if (auto it = streams_.find(e.stream); it != streams_.end()) {
    it->second.dropped_through = std::max(it->second.dropped_through, e.seq);
  }
  log_bytes_ -= e.frame.size();
  budget_.refund(e.frame.size());
  log_.pop_front();
}

std::vector<std::pair<std::uint64_t, std::size_t>> Session::logged_stamps() const {
  core::MutexLock l(&mu_);
  std::vector<std::pair<std::uint64_t, std::size_t>> out;
  out.reserve(log_.size());
  for (const Logged& e : log_) out.emplace_back(e.stamp, e.frame.size());
  return out;
}

std::size_t Session::drop_logged_before(std::uint64_t stamp) {
  core::MutexLock l(&mu_);
  std::size_t dropped = 0;
  while (!log_.empty() && log_.front().stamp < stamp) {
    dropped += log_.front().frame.size();
    drop_oldest();
  }
  return dropped;
}

Session::EventLookup Session::find_event(std::string_view id) const {
  EventLookup out;
  const auto dash = id.find('-');
  if (dash == std::string_view::npos) return out;
  std::uint64_t stream = 0, seq = 0;
  auto [p1, e1] = std::from_chars(id.data(), id.data() + dash, stream);
  auto [p2, e2] = std::from_chars(id.data() + dash + 1, id.data() + id.size(), seq);
  if (e1 != std::errc() || e2 != std::errc() || p1 != id.data() + dash ||
      p2 != id.data() + id.size()) {
    return out;
  }
  core::MutexLock l(&mu_);
  const auto it = streams_.find(stream);
  if (it == streams_.end() || seq == 0 || seq >= next_seq_) {
    return out;  // not an id this session issued
  }
  out.stream = stream;
  out.seq = seq;
  out.status = it->second.dropped_through > seq ? EventLookup::kGone : EventLookup::kFound;
  return out;
}

}  // namespace shopmcp::session
