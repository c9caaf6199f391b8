#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>

#include "mail/mailer.h"

using shopmcp::mail::SendHooks;
using shopmcp::mail::SmtpMailer;
using shopmcp::mail::SmtpSettings;

namespace {

// A TCP socket on 127.0.0.1 and a free port. listen(): the kernel completes connections to it,
// but nobody ever answers them (a mail server that never greets).
class LocalSocket {
 public:
  explicit LocalSocket(bool listen_too) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    if (listen_too) REQUIRE(listen(fd_, 8) == 0);
  }
  ~LocalSocket() { close(fd_); }
  LocalSocket(const LocalSocket&) = delete;
  LocalSocket& operator=(const LocalSocket&) = delete;
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

SmtpSettings settings(const std::string& url) {
  SmtpSettings s;
  s.url = url;
  s.connect_timeout = std::chrono::seconds(30);
  s.timeout = std::chrono::seconds(60);
  return s;
}

const std::string kMessage = "From: a@example.com\r\nTo: b@example.com\r\n\r\nhi\r\n";

}  // namespace

TEST_SUITE("mail.smtp") {
  TEST_CASE("a cancelled send stops while the server has not even greeted") {
    LocalSocket silent(true);
    SmtpMailer mailer(settings(silent.url()));
    std::atomic<int> asked{0};
    SendHooks hooks;
    hooks.cancelled = [&] { return ++asked >= 2; };  // cancelled while waiting for the greeting
    const auto start = std::chrono::steady_clock::now();
    auto r = mailer.send("a@example.com", "b@example.com", kMessage, hooks);
    const auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("cancelled") != std::string::npos);
    CHECK(r.error().message.find("nothing was sent") != std::string::npos);
    CHECK(asked.load() >= 2);
    CHECK(waited < std::chrono::seconds(10));  // far below the 30 s connect timeout
  }

  TEST_CASE("a server nobody listens on is 'could not be reached', with nothing sent") {
    LocalSocket closed(false);  // bound, not listening: connections are refused
    SmtpMailer mailer(settings(closed.url()));
    auto r = mailer.send("a@example.com", "b@example.com", kMessage, SendHooks{});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("could not be reached") != std::string::npos);
    CHECK(r.error().message.find("nothing was sent") != std::string::npos);
  }
}
