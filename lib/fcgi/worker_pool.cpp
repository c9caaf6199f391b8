#include "fcgi/worker_pool.h"

#include <fcgiapp.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <functional>
#include <string>

#include "core/check.h"
#include "fcgi/fcgi_sink.h"
#include "fcgi/listener.h"
#include "fcgi/request_io.h"
#include "http/errors.h"
#include "log/log.h"

namespace shopmcp::fcgi {
namespace {

// Reads what is left of stdin, up to its end record; false when more than a little is left (a
// body refused for its size) or the stream failed, so that the close lingers as libfcgi's does.
bool stdin_drained(FCGX_Stream* in) {
  char buf[4096];
  for (int budget = 16; budget > 0; --budget) {
    if (FCGX_GetStr(buf, sizeof buf, in) <= 0) break;
  }
  return FCGX_HasSeenEOF(in) == EOF && FCGX_GetError(in) == 0;
}

// The fcgi side of http::Exchange for one accepted request. A plain answer is written and the
// request finished (FCGX_Finish_r) here; a stream's head is written, then the FCGX_Request moves
// into an FcgiSink for the hub.
class FcgiExchange final : public http::Exchange {
 public:
  FcgiExchange(FCGX_Request& req, std::unique_ptr<FCGX_Request> (*release)(void*), void* owner,
               const std::string& id, bool head_only)
      : req_(req), release_(release), owner_(owner), id_(id), head_only_(head_only) {}

 private:
  void send(const http::Response& r) override {
    if (!write_response(req_.out, r, /*stream=*/false, head_only_)) {
      spdlog::info("request: id={} client went away before the answer was written (errno {})", id_,
                   FCGX_GetError(req_.out));
    }
    // With stdin read to its end nothing unread is left to turn the close into a reset, so it
    // closes at once (detached) instead of lingering: libfcgi's default close sends shutdown(2)
    // and then waits for nginx to close first, a round trip that holds this worker.
    if (stdin_drained(req_.in)) FCGX_Detach(&req_);
    FCGX_Finish_r(&req_);
  }

  std::unique_ptr<sse::Sink> detach(const http::Response& head) override {
    if (!write_response(req_.out, head, /*stream=*/true, head_only_)) {
      spdlog::info("request: id={} client went away before the stream started (errno {})", id_,
                   FCGX_GetError(req_.out));
    }
    // Consume the rest of stdin (its end record) so the socket only turns readable again when
    // nginx closes it; then the stream, and this request, belong to the new owner.
    char drain[4096];
    while (FCGX_GetStr(drain, sizeof drain, req_.in) > 0) {
    }
    return std::make_unique<FcgiSink>(release_(owner_), FcgiSink::Slim::kYes);
  }

  FCGX_Request& req_;
  std::unique_ptr<FCGX_Request> (*release_)(void*);  // hands the request over to the sink
  void* owner_;
  const std::string& id_;
  const bool head_only_;
};

// One log line per kLogEvery for a repeating failure, with how many were not logged.
class RateLimitedLog {
 public:
  static constexpr auto kLogEvery = std::chrono::seconds(10);
  // True when this occurrence should be logged; `suppressed` is then the count since the last.
  bool should_log(std::int64_t* suppressed) {
    const auto now = std::chrono::steady_clock::now();
    if (logged_ && now - last_ < kLogEvery) {
      ++suppressed_;
      return false;
    }
    *suppressed = suppressed_;
    suppressed_ = 0;
    last_ = now;
    logged_ = true;
    return true;
  }

 private:
  bool logged_ = false;
  std::chrono::steady_clock::time_point last_;
  std::int64_t suppressed_ = 0;
};

void free_request(FCGX_Request* r) {
  FCGX_Finish_r(r);  // a no-op once finished; closes an accepted connection not yet answered
  delete r;
}

// A descriptor held back for the moment the process reaches its open-file limit: closing it
// lets the acceptor take one connection and refuse it properly.
int open_reserve() { return open("/dev/null", O_RDONLY | O_CLOEXEC); }

constexpr auto kWakeRepeat = std::chrono::milliseconds(20);

}  // namespace

WorkerPool::WorkerPool(int listen_fd, PoolOptions options, const http::Router& router)
    : listen_fd_(listen_fd), options_(std::move(options)), router_(router) {}

WorkerPool::~WorkerPool() {
  stop();
  join();
}

WorkerPool::Owned WorkerPool::fresh_request() const {
  Owned r(new FCGX_Request, free_request);
  FCGX_InitRequest(r.get(), listen_fd_, kAcceptFlags);
  return r;
}

void WorkerPool::start() {
  {
    core::MutexLock l(&mu_);
    running_ = options_.threads + 1;
  }
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this](std::stop_token st) { work(st); });
  }
  threads_.emplace_back([this](std::stop_token st) { accept_loop(st); });
}

void WorkerPool::stop() {
  if (stopping_.exchange(true)) return;
  if (!options_.inherited_socket) stop_accepting(listen_fd_);
  // A wake-up sent just before the acceptor enters accept(2) is lost; until it leaves, it may
  // take connections from a shared socket that the next process should have.
  for (int i = 0; i < 50 && !acceptor_done_.load(); ++i) {
    wake_acceptor();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::deque<Owned> waiting;
  {
    core::MutexLock l(&mu_);
    waiting.swap(waiting_);
  }
  work_cv_.notify_all();
  for (auto& r : waiting) reject(std::move(r), "the server is shutting down");
}

bool WorkerPool::join_until(std::chrono::steady_clock::time_point deadline) {
  {
    core::MutexLock l(&mu_);
    while (running_ > 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      wake_acceptor();
      done_cv_.wait_until(mu_, std::stop_token(), std::min(deadline, now + kWakeRepeat));
    }
  }
  join();
  return true;
}

void WorkerPool::wake_acceptor() {
  if (stopping_.load() && !acceptor_done_.load() && !threads_.empty()) {
    fcgi::wake_acceptor(threads_.back().native_handle());
  }
}

void WorkerPool::join() {
  while (stopping_.load() && !acceptor_done_.load() && !threads_.empty()) {
    wake_acceptor();
    std::this_thread::sleep_for(kWakeRepeat);
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::reject(Owned req, const char* why) {
  refused_.fetch_add(1);
  http::Response r = http::refuse(http::ErrorShape::kPlain, http::Refusal::kBusy, why);
  if (!write_response(req->out, r, /*stream=*/false, /*head_only=*/false)) {
    spdlog::debug("refused request: client went away before the 503 was written");
  }
}

void WorkerPool::accept_loop(std::stop_token stop) {
  allow_acceptor_wakeup();
  int reserve = open_reserve();
  RateLimitedLog exhausted_log, error_log, peer_log;
  auto backoff = std::chrono::milliseconds(0);
  while (!stop.stop_requested() && !stopping_.load()) {
    Owned req = fresh_request();
    const int rc = FCGX_Accept_r(req.get());
    if (rc < 0 && stopping_.load()) break;
    if (rc == -EINTR) continue;
    if (rc == -EMFILE || rc == -ENFILE) {
      // Out of descriptors: the connection waits in the backlog. Spend the reserve on it, refuse
      // it with 503 + Retry-After (nginx passes that to the client at once), then take the
      // reserve back. Pause only when nothing could be accepted, so EMFILE cannot spin.
      std::int64_t suppressed = 0;
      if (exhausted_log.should_log(&suppressed)) {
        spdlog::error(
            "accept: the process is at its open-file limit ({}); new requests get 503 "
            "({} more refused since the last line)",
            std::strerror(-rc), suppressed);
      }
      bool refused = false;
      if (reserve >= 0) {
        close(reserve);
        reserve = -1;
        req = fresh_request();
        if (FCGX_Accept_r(req.get()) >= 0) {
          reject(std::move(req), "the server has too many open connections");
          refused = true;
        }
        req = fresh_request();  // closes the refused connection before the reserve is retaken
      }
      reserve = open_reserve();
      if (refused && reserve >= 0) {
        backoff = std::chrono::milliseconds(0);  // work was done; the next one may be health
      } else {
        // Nothing could be accepted: pause so this thread does not spin on EMFILE.
        backoff = std::min(std::max(backoff * 2, std::chrono::milliseconds(10)),
                           std::chrono::milliseconds(500));
        std::this_thread::sleep_for(backoff);
      }
      continue;
    }
    if (rc < 0) {
      std::int64_t suppressed = 0;
      if (error_log.should_log(&suppressed)) {
        spdlog::warn("accept failed: {} ({} more since the last line); retrying",
                     std::strerror(-rc), suppressed);
      }
      backoff = std::min(std::max(backoff * 2, std::chrono::milliseconds(10)),
                         std::chrono::milliseconds(500));
      std::this_thread::sleep_for(backoff);
      continue;
    }
    backoff = std::chrono::milliseconds(0);
    if (reserve < 0) reserve = open_reserve();
    if (std::string peer; !options_.peers.allows_fd(req->ipcFd, &peer)) {
      std::int64_t suppressed = 0;
      if (peer_log.should_log(&suppressed)) {
        spdlog::warn(
            "refused a FastCGI connection from {}: not in --allowed-peers ({} more since the "
            "last line)",
            peer, suppressed);
      }
      // Closed unanswered and at once (detached: no lingering read from that peer).
      FCGX_Detach(req.get());
      FCGX_Free(req.get(), 1);
      continue;
    }
    const char* method = FCGX_GetParam("REQUEST_METHOD", req->envp);
    const char* path = FCGX_GetParam("DOCUMENT_URI", req->envp);
    const std::string_view m = method ? method : "";
    if (!options_.health_path.empty() && path != nullptr && options_.health_path == path &&
        (m == "GET" || m == "HEAD")) {
      handle(std::move(req));  // cheap, and must not wait behind busy workers
      continue;
    }
    bool queued = false;
    {
      core::MutexLock l(&mu_);
      if (waiting_.size() < options_.max_waiting + idle_workers_) {
        waiting_.push_back(std::move(req));
        queued = true;
      }
    }
    if (queued) {
      work_cv_.notify_one();
    } else {
      std::int64_t suppressed = 0;
      if (error_log.should_log(&suppressed)) {
        spdlog::warn(
            "every worker is busy and {} requests wait: refusing with 503 ({} more since "
            "the last line)",
            options_.max_waiting, suppressed);
      }
      reject(std::move(req), "every worker is busy");
    }
  }
  if (reserve >= 0) close(reserve);
  core::MutexLock l(&mu_);
  acceptor_done_.store(true);
  work_cv_.notify_all();  // workers wait for the acceptor before they leave
  --running_;
  done_cv_.notify_all();
}

void WorkerPool::work(std::stop_token stop) {
  block_acceptor_wakeup();  // the acceptor's wake-up must never interrupt a worker's I/O
  for (;;) {
    Owned req(nullptr, free_request);
    {
      core::MutexLock l(&mu_);
      ++idle_workers_;
      // After stop, a worker leaves only once the acceptor has: a request it accepted in the
      // meantime is still answered.
      while (waiting_.empty() && !(stopping_.load() && acceptor_done_.load())) {
        work_cv_.wait_until(mu_, stop, std::chrono::steady_clock::now() + std::chrono::seconds(1));
        if (stop.stop_requested()) break;
      }
      --idle_workers_;
      if (!waiting_.empty()) {
        req = std::move(waiting_.front());
        waiting_.pop_front();
      }
    }
    if (!req) break;
    handle(std::move(req));
  }
  core::MutexLock l(&mu_);
  --running_;
  done_cv_.notify_all();
}

void WorkerPool::handle(Owned owned) {
  FCGX_Request& req = *owned;
  const auto start = std::chrono::steady_clock::now();
  const std::string id = "r" + std::to_string(next_request_id_.fetch_add(1));
  http::Request hr = request_from_params(req.envp);
  const char* cl = FCGX_GetParam("CONTENT_LENGTH", req.envp);
  const std::int64_t content_length = (cl && *cl) ? std::atoll(cl) : -1;
  auto release = [](void* o) {
    return std::unique_ptr<FCGX_Request>(static_cast<Owned*>(o)->release());
  };
  FcgiExchange ex(req, release, &owned, id, hr.method == "HEAD");
  try {
    if (!read_body(req.in, content_length, options_.body_limit, &hr.body)) {
      ex.respond(http::refuse(http::ErrorShape::kPlain, http::Refusal::kBodyTooLarge,
                              std::to_string(options_.body_limit)));
    } else {
      hr.id = id;
      router_.route(hr, ex);
    }
  } catch (const std::exception& e) {
    spdlog::error("request failed: id={} {} {} error={}", id, hr.method, hr.path, e.what());
    // After a stream started, the request belongs to the hub: nothing is left to answer.
    if (!ex.answered())
      ex.respond(http::refuse(http::ErrorShape::kPlain, http::Refusal::kInternal));
  }
  if (auto after = ex.take_follow_up()) {
    try {
      after();
    } catch (const std::exception& e) {
      spdlog::error("request follow-up failed: id={} {} {} error={}", id, hr.method, hr.path,
                    e.what());
    }
  }
  served_.fetch_add(1);
  spdlog::debug("request: id={} {} {} -> {} ms={} remote={} body_bytes={}", id, hr.method, hr.path,
                ex.status(),
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count(),
                hr.remote_addr, hr.body.size());
}

}  // namespace shopmcp::fcgi
