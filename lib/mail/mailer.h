// Mailer: hands one rendered message to a mail server; SmtpMailer does it with libcurl's SMTP.
// Thread-safe: every send has its own connection and the settings are read-only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"

namespace shopmcp::mail {

struct SmtpSettings {
  // smtp://host[:port] (STARTTLS when the server offers it; required when credentials are set
  // and the host is not loopback) or smtps://host[:port] (TLS from the start). No credentials in
  // the URL.
  std::string url;
  std::string user;                          // "" = no AUTH
  std::string password;                      // never logged
  std::chrono::seconds connect_timeout{10};  // TCP, TLS and the server's greeting
  std::chrono::seconds timeout{60};          // the whole exchange
};

// What a send may call back while it runs (on the sending thread). Either may be empty.
struct SendHooks {
  std::function<bool()> cancelled;  // true: abort at the next chance (within about a second)
  std::function<void(std::uint64_t sent, std::uint64_t total)> progress;  // bytes of DATA
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Sends `message` (CRLF lines, as render() makes it) from `from` to `to`. Ok only when the
  // server accepted it (2xx after DATA). On failure the error's message is meant for the caller's
  // user: it names the cause (and the server's reply code when it refused) and never carries
  // credentials or the exchange's details (at most libcurl's generic name for an unexpected
  // failure); the details go to the log.
  [[nodiscard]] virtual core::Result<void> send(const std::string& from, const std::string& to,
                                                const std::string& message,
                                                const SendHooks& hooks) = 0;
};

class SmtpMailer final : public Mailer {
 public:
  // Initialises libcurl once per process: construct before starting threads that send.
  explicit SmtpMailer(SmtpSettings settings);
  core::Result<void> send(const std::string& from, const std::string& to,
                          const std::string& message, const SendHooks& hooks) override;

 private:
  const SmtpSettings settings_;
};

}  // namespace shopmcp::mail
