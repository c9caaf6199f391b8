#include "fcgi/worker_pool.h"

#include <fcgiapp.h>

#include <chrono>
#include <cstring>
#include <exception>
#include <functional>
#include <string>

#include "core/check.h"
#include "fcgi/fcgi_sink.h"
#include "fcgi/listener.h"
#include "http/errors.h"
#include "log/log.h"

namespace shopmcp::fcgi {
namespace {

// Builds the request from the FastCGI params; the body is read by the caller.
http::Request request_from_params(FCGX_ParamArray envp) {
  http::Request r;
  for (char** p = envp; p != nullptr && *p != nullptr; ++p) {
    const char* eq = std::strchr(*p, '=');
    if (eq == nullptr) continue;
    std::string_view name(*p, static_cast<std::size_t>(eq - *p));
    const char* value = eq + 1;
    if (name == "REQUEST_METHOD") {
      r.method = value;
    } else if (name == "DOCUMENT_URI") {
      r.path = value;
    } else if (name == "QUERY_STRING") {
      r.query = value;
    } else if (name == "CONTENT_TYPE") {
      r.content_type = value;
    } else if (name == "REMOTE_ADDR") {
      r.remote_addr = value;
    } else if (name.rfind("HTTP_", 0) == 0) {
      r.headers[http::header_name_from_cgi(name)] = value;
    }
  }
  if (r.path.empty()) {  // not behind nginx's fastcgi_params: fall back to REQUEST_URI
    const char* uri = FCGX_GetParam("REQUEST_URI", envp);
    std::string u = uri ? uri : "/";
    r.path = http::url_decode(u.substr(0, u.find('?')), false);
  }
  return r;
}

// Reads at most `limit` bytes of body. Returns false if the body is larger than `limit`.
bool read_body(FCGX_Stream* in, std::int64_t content_length, std::int64_t limit, std::string* out) {
  if (content_length > limit) return false;
  const std::int64_t want = content_length >= 0 ? content_length : limit + 1;
  out->resize(static_cast<std::size_t>(want));
  std::size_t got = 0;
  while (got < out->size()) {
    const int chunk = static_cast<int>(std::min<std::size_t>(out->size() - got, 1 << 16));
    const int n = FCGX_GetStr(out->data() + got, chunk, in);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out->resize(got);
  return static_cast<std::int64_t>(got) <= limit;
}

// Writes the response; false if the peer is gone (the error is logged by the caller). A stream's
// head has no Content-Length: nginx chunks it.
bool write_response(FCGX_Stream* out, const http::Response& resp, bool stream, bool head_only) {
  std::string head_text =
      "Status: " + std::to_string(resp.status) + " " + http::reason_phrase(resp.status) + "\r\n";
  for (const auto& [k, v] : resp.headers) head_text += k + ": " + v + "\r\n";
  if (!stream && !resp.header("Content-Length") && resp.status != 204) {
    head_text += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
  }
  head_text += "\r\n";
  if (FCGX_PutStr(head_text.data(), static_cast<int>(head_text.size()), out) < 0) return false;
  if (!head_only && !resp.body.empty() &&
      FCGX_PutStr(resp.body.data(), static_cast<int>(resp.body.size()), out) < 0) {
    return false;
  }
  return FCGX_FFlush(out) == 0;
}

// The fcgi side of http::Exchange for one accepted request. A plain answer is written and the
// request finished (FCGX_Finish_r) here; a stream's head is written, then the FCGX_Request moves
// into an FcgiSink for the hub and the worker gets a fresh one.
class FcgiExchange final : public http::Exchange {
 public:
  FcgiExchange(std::unique_ptr<FCGX_Request>& owned,
               std::function<std::unique_ptr<FCGX_Request>()> fresh, const std::string& id,
               bool head_only)
      : owned_(owned), fresh_(std::move(fresh)), id_(id), head_only_(head_only) {}

 private:
  void send(const http::Response& r) override {
    FCGX_Request& req = *owned_;
    if (!write_response(req.out, r, /*stream=*/false, head_only_)) {
      spdlog::info("request: id={} client went away before the answer was written (errno {})", id_,
                   FCGX_GetError(req.out));
    }
    FCGX_Finish_r(&req);
  }

  std::unique_ptr<sse::Sink> detach(const http::Response& head) override {
    FCGX_Request& req = *owned_;
    if (!write_response(req.out, head, /*stream=*/true, head_only_)) {
      spdlog::info("request: id={} client went away before the stream started (errno {})", id_,
                   FCGX_GetError(req.out));
    }
    // Consume the rest of stdin (its end record) so the socket only turns readable again when
    // nginx closes it; then the stream, and this request, belong to the new owner.
    char drain[4096];
    while (FCGX_GetStr(drain, sizeof drain, req.in) > 0) {
    }
    auto sink = std::make_unique<FcgiSink>(std::move(owned_));
    owned_ = fresh_();
    return sink;
  }

  std::unique_ptr<FCGX_Request>& owned_;
  std::function<std::unique_ptr<FCGX_Request>()> fresh_;
  const std::string& id_;
  const bool head_only_;
};

}  // namespace

WorkerPool::WorkerPool(int listen_fd, PoolOptions options, const http::Router& router)
    : listen_fd_(listen_fd), options_(options), router_(router) {}

WorkerPool::~WorkerPool() {
  stop();
  join();
}

void WorkerPool::start() {
  for (int i = 0; i < options_.threads; ++i) {
    workers_.emplace_back([this](std::stop_token st) { run(st); });
  }
}

void WorkerPool::stop() {
  if (stopping_.exchange(true)) return;
  for (auto& w : workers_) w.request_stop();
  stop_accepting(listen_fd_);
}

void WorkerPool::join() {
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
}

void WorkerPool::run(std::stop_token stop) {
  auto fresh_request = [this] {
    auto r = std::make_unique<FCGX_Request>();
    FCGX_InitRequest(r.get(), listen_fd_, 0);
    return r;
  };
  std::unique_ptr<FCGX_Request> owned = fresh_request();
  while (!stop.stop_requested()) {
    FCGX_Request& req = *owned;
    int rc = 0;
    {
      core::MutexLock l(&accept_mu_);
      if (stopping_.load()) break;
      rc = FCGX_Accept_r(&req);
    }
    if (rc < 0) {
      if (stopping_.load()) break;
      spdlog::warn("worker: accept failed (rc={}); retrying", rc);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    const std::string id = "r" + std::to_string(next_request_id_.fetch_add(1));
    http::Request hr = request_from_params(req.envp);
    const char* cl = FCGX_GetParam("CONTENT_LENGTH", req.envp);
    const std::int64_t content_length = (cl && *cl) ? std::atoll(cl) : -1;
    FcgiExchange ex(owned, fresh_request, id, hr.method == "HEAD");
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
    spdlog::debug("request: id={} {} {} -> {} ms={} remote={}", id, hr.method, hr.path, ex.status(),
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count(),
                  hr.remote_addr);
  }
  FCGX_Free(owned.get(), 0);
}

}  // namespace shopmcp::fcgi
