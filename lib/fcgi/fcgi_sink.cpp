#include "fcgi/fcgi_sink.h"

#include <fcgiapp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace shopmcp::fcgi {

FcgiSink::FcgiSink(std::unique_ptr<FCGX_Request> request, Slim slim)
    : request_(std::move(request)) {
  if (slim == Slim::kYes) {
    // FCGX_FClose on an unwritten stderr writes no record; it only counts the writer as closed,
    // so that closing stdout later still sends FCGI_END_REQUEST.
    FCGX_FClose(request_->err);
    FCGX_FreeStream(&request_->err);
    FCGX_FreeStream(&request_->in);
  }
  timeval tv{};
  tv.tv_usec = 250 * 1000;
  setsockopt(request_->ipcFd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

FcgiSink::~FcgiSink() {
  if (!finished_) finish();
}

int FcgiSink::fd() const { return request_->ipcFd; }

int FcgiSink::write(std::string_view data) {
  // A sticky stream error is a failure, never back-pressure (EAGAIN means "no room now" only).
  if (const int e = FCGX_GetError(request_->out); e != 0) return e > 0 && e != EAGAIN ? e : EIO;
  // Write only when the socket has room: a peer that does not read costs a failed attempt, never
  // a stalled hub, and no partial frame is left behind.
  pollfd p{request_->ipcFd, POLLOUT, 0};
  const int ready = poll(&p, 1, 0);
  if (ready < 0) return errno;
  if (p.revents & (POLLERR | POLLHUP)) return EPIPE;
  if (ready == 0) return EAGAIN;
  if (FCGX_PutStr(data.data(), static_cast<int>(data.size()), request_->out) < 0 ||
      FCGX_FFlush(request_->out) < 0) {
    // Part of the frame may be out (the send timeout hit): not retryable, so not EAGAIN.
    const int e = FCGX_GetError(request_->out);
    return e > 0 && e != EAGAIN ? e : EIO;
  }
  return 0;
}

void FcgiSink::finish() {
  if (finished_) return;
  finished_ = true;
  // Detached: FCGX_Finish_r then closes at once instead of lingering (shutdown, then up to 2 s
  // waiting for nginx to close first), which would hold the hub. Safe here because stdin was read
  // to its end at hand-off, so no unread byte can turn the close into a reset.
  FCGX_Detach(request_.get());
  // Closed here, not by FCGX_Finish_r: it closes the writers only while stdin is still there.
  // This sends stdout's end and FCGI_END_REQUEST; FCGX_Finish_r then frees the rest and closes.
  FCGX_FClose(request_->err);
  FCGX_FClose(request_->out);
  FCGX_Finish_r(request_.get());
}

}  // namespace shopmcp::fcgi
