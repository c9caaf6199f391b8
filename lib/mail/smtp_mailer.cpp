// SmtpMailer over libcurl: one easy handle per send, no signals (worker threads), bounded by a
// connect timeout and a total timeout, abortable from the progress callback.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>

#include "log/log.h"
#include "mail/mailer.h"

namespace shopmcp::mail {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// The message being uploaded and the caller's hooks; lives on send()'s stack.
struct Transfer {
  const std::string& data;
  const SendHooks& hooks;
  std::size_t offset = 0;
  bool aborted = false;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = std::min(size * count, t->data.size() - t->offset);
  std::memcpy(buffer, t->data.data() + t->offset, n);
  t->offset += n;
  return n;
}

// libcurl calls this often while data moves and about once a second while it waits (connect,
// greeting, replies), so a cancellation is seen within about a second even on a silent server.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->hooks.cancelled && t->hooks.cancelled()) {
    t->aborted = true;
    return 1;  // CURLE_ABORTED_BY_CALLBACK
  }
  if (t->hooks.progress) t->hooks.progress(t->offset, t->data.size());
  return 0;
}

// "smtp://127.0.0.1:25" -> true: the host part is a loopback name or address.
bool loopback_url(const std::string& url) {
  std::string host = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  if (host.rfind("[::1]", 0) == 0) return true;
  host = host.substr(0, host.find_first_of(":/"));
  return host == "localhost" || host.rfind("127.", 0) == 0;
}

std::string seconds_text(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

}  // namespace

SmtpMailer::SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      spdlog::error("libcurl could not be initialised; sending mail will fail");
    }
  });
  spdlog::info("mail via {}{}; timeouts: connect {}, total {}", settings_.url,
               settings_.user.empty() ? "" : " with AUTH", seconds_text(settings_.connect_timeout),
               seconds_text(settings_.timeout));
}

core::Result<void> SmtpMailer::send(const std::string& from, const std::string& to,
                                    const std::string& message, const SendHooks& hooks) {
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) {
    spdlog::error("mail to {}: curl_easy_init failed", to);
    return core::internal("the mail could not be prepared for sending; nothing was sent");
  }
  CURL* c = curl.get();
  const std::string mail_from = "<" + from + ">";
  std::unique_ptr<curl_slist, SlistDeleter> rcpt(
      curl_slist_append(nullptr, ("<" + to + ">").c_str()));
  if (!rcpt) return core::internal("the mail could not be prepared for sending; nothing was sent");
  Transfer transfer{message, hooks};
  char error_text[CURL_ERROR_SIZE] = {};
  const bool credentials = !settings_.user.empty();

  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: other threads run
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(settings_.connect_timeout).count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(settings_.timeout).count()));
  // STARTTLS when offered; a password never crosses the network in clear text (loopback relays
  // without TLS excepted).
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   static_cast<long>(credentials && !loopback_url(settings_.url) ? CURLUSESSL_ALL
                                                                                 : CURLUSESSL_TRY));
  if (credentials) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(c, CURLOPT_READDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);

  const auto start = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(c);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  if (rc == CURLE_OK) {
    spdlog::info("mail to {} accepted by {} (SMTP {}, {} bytes, {} ms)", to, settings_.url, reply,
                 message.size(), ms);
    return {};
  }
  spdlog::warn("mail to {} via {} failed after {} ms: curl {} ({}): {}; last SMTP reply {}", to,
               settings_.url, ms, static_cast<int>(rc), curl_easy_strerror(rc), error_text, reply);

  const bool all_sent = transfer.offset == message.size() && !message.empty();
  const std::string outcome =
      all_sent ? "the server did not confirm the message, so it may or may not arrive"
               : "nothing was sent";
  if (rc == CURLE_ABORTED_BY_CALLBACK && transfer.aborted) {
    return core::unavailable("sending was cancelled; " + outcome);
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return core::unavailable("the mail server did not answer in time (connect timeout " +
                             seconds_text(settings_.connect_timeout) + ", total " +
                             seconds_text(settings_.timeout) + "); " + outcome +
                             ". Try again later or ask the operator to check the mail server");
  }
  if (rc == CURLE_LOGIN_DENIED) {
    return core::unavailable("the mail server refused the login (SMTP " + std::to_string(reply) +
                             "); nothing was sent. The operator must check SHOP_MCP_SMTP_USER "
                             "and the password file");
  }
  if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT) {
    return core::unavailable(
        "the mail server could not be reached; nothing was sent. Try again "
        "later or ask the operator to check SHOP_MCP_SMTP_URL");
  }
  if (rc == CURLE_USE_SSL_FAILED || rc == CURLE_SSL_CONNECT_ERROR ||
      rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
    return core::unavailable(
        "no secure (TLS) connection to the mail server could be made; "
        "nothing was sent. The operator must check SHOP_MCP_SMTP_URL");
  }
  if (reply >= 400) {
    return core::unavailable(
        "the mail server refused the message (SMTP " + std::to_string(reply) +
        "); it was not sent. Check the recipient address; if it is right, the server's "
        "operator must say why it refuses");
  }
  return core::unavailable("sending the mail failed (" + std::string(curl_easy_strerror(rc)) +
                           "); " + outcome);
}

}  // namespace shopmcp::mail
