// The options of send_excel_email's mail server.
#include <fstream>
#include <sstream>

#include "config/option.h"

namespace shopmcp::config {
namespace {

using core::Result;

bool has_control(const std::string& s) {
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f) return true;
  }
  return false;
}

Result<void> check_smtp_url(const std::string& s) {
  // Whatever the scheme, a URL with user info is refused without being echoed: it may hold a
  // password.
  const auto scheme_end = s.find("://");
  const std::string rest = scheme_end == std::string::npos ? s : s.substr(scheme_end + 3);
  const std::string authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string::npos) {
    return core::invalid_argument(
        "must not hold credentials; use --smtp-user and "
        "--smtp-password-file");
  }
  const std::string scheme = s.substr(0, scheme_end == std::string::npos ? 0 : scheme_end);
  if ((scheme != "smtp" && scheme != "smtps") || authority.empty() || authority[0] == ':' ||
      has_control(s) || s.find(' ') != std::string::npos) {
    return core::invalid_argument("must be smtp://HOST[:PORT] or smtps://HOST[:PORT] (got '" + s +
                                  "')");
  }
  return {};
}

// A plain address: something@domain, no spaces, brackets, quotes or control characters (the
// mailer checks it fully before each send).
Result<void> check_mail_from(const std::string& s) {
  const auto at = s.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 >= s.size() || has_control(s) ||
      s.find_first_of(" <>\"\\,;") != std::string::npos) {
    return core::invalid_argument("must be an e-mail address such as shop@example.com (got '" + s +
                                  "')");
  }
  return {};
}
}  // namespace

std::vector<Option> mail_options() {
  return {
      {"smtp-url", "SHOP_MCP_SMTP_URL", "URL",
       "mail server for send_excel_email: smtp://HOST[:PORT] (STARTTLS when offered, required "
       "with credentials unless HOST is loopback) or smtps://HOST[:PORT]. Unset: no mail",
       nullptr,
       [](Config& c, const std::string& s) -> Result<void> {
         if (!s.empty()) {
           if (auto ok = check_smtp_url(s); !ok) return ok;
         }
         c.smtp_url = s;
         return {};
       }},
      {"smtp-user", "SHOP_MCP_SMTP_USER", "USER",
       "user name for SMTP AUTH (needs --smtp-password-file). Unset: no AUTH", nullptr,
       [](Config& c, const std::string& s) -> Result<void> {
         if (has_control(s)) return core::invalid_argument("must not hold control characters");
         c.smtp_user = s;
         return {};
       }},
      {"smtp-password-file", "SHOP_MCP_SMTP_PASSWORD_FILE", "PATH",
       "file holding the SMTP password (one line)", nullptr,
       [](Config& c, const std::string& path) -> Result<void> {
         std::ifstream in(path);
         if (!in) return core::invalid_argument("cannot read '" + path + "'");
         std::string pw;
         std::getline(in, pw);
         if (!pw.empty() && pw.back() == '\r') pw.pop_back();
         std::string rest;
         if (pw.empty() || has_control(pw) || (std::getline(in, rest) && !rest.empty())) {
           return core::invalid_argument("the file must hold the password alone on one line");
         }
         c.smtp_password = pw;
         return {};
       }},
      {"mail-from", "SHOP_MCP_MAIL_FROM", "ADDRESS",
       "sender address of the mail send_excel_email sends. Unset: no mail", nullptr,
       [](Config& c, const std::string& s) -> Result<void> {
         if (!s.empty()) {
           if (auto ok = check_mail_from(s); !ok) return ok;
         }
         c.mail_from = s;
         return {};
       }},
      {"smtp-timeout", "SHOP_MCP_SMTP_TIMEOUT", "SECONDS",
       "longest time one mail may take to send, in all", show(&Config::smtp_timeout),
       int_setter(&Config::smtp_timeout, 1, 3600, "seconds")},
      {"smtp-connect-timeout", "SHOP_MCP_SMTP_CONNECT_TIMEOUT", "SECONDS",
       "longest wait for the mail server to connect and greet", show(&Config::smtp_connect_timeout),
       int_setter(&Config::smtp_connect_timeout, 1, 600, "seconds")},
  };
}

}  // namespace shopmcp::config
