#include "mail/mime.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/check.h"
#include "core/text.h"

namespace shopmcp::mail {
namespace {

constexpr std::size_t kLineMax = 76;  // RFC 2045 body lines; RFC 2047 lines with encoded-words

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext.
bool is_atext(char c) {
  return is_alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool has_control(std::string_view s) {
  for (unsigned char c : s) {
    if (is_control(c)) return true;
  }
  return false;
}

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// CR, LF or a lone CR/LF pair all become CRLF.
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// A file name that can go in a quoted-string as it is. Not one that looks like an RFC 2047 word:
// mail readers would decode it and show another name.
bool plain_filename(std::string_view name) {
  if (name.size() > 60 || name.find("=?") != std::string_view::npos) return false;
  for (unsigned char c : name) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

// RFC 2231 extended parameter: `param*0*=UTF-8''%XX...; param*1*=...`, each part on its own
// folded line, no %XX split between parts.
std::string rfc2231_param(const char* param, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::vector<std::string> parts(1);
  for (unsigned char c : value) {
    std::string piece;
    if (is_alnum(static_cast<char>(c)) ||
        std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos) {
      piece = static_cast<char>(c);
    } else {
      piece = {'%', kHex[c >> 4], kHex[c & 0xF]};
    }
    if (parts.back().size() + piece.size() > 54) parts.emplace_back();
    parts.back() += piece;
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out += ";\r\n " + std::string(param) + "*" + std::to_string(i) + "*=";
    if (i == 0) out += "UTF-8''";
    out += parts[i];
  }
  return out;
}

std::string attachment_part(const Attachment& a, const std::string& boundary) {
  // A long type goes on a folded line of its own: lines stay within 78 characters.
  std::string out = "--" + boundary +
                    "\r\nContent-Type:" + (a.content_type.size() + 15 > 78 ? "\r\n " : " ") +
                    a.content_type;
  if (plain_filename(a.filename)) {
    out += ";\r\n name=\"" + a.filename + "\"\r\nContent-Transfer-Encoding: base64\r\n" +
           "Content-Disposition: attachment;\r\n filename=\"" + a.filename + "\"\r\n";
  } else {
    // RFC 2231 is the standard; the RFC 2047 word in `name` is what older mail readers show.
    // 8: ` name="` before the text, the closing quote after it.
    out += ";\r\n name=\"" + encode_header_text(a.filename, 8) + "\"" +
           "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment" +
           rfc2231_param("filename", a.filename) + "\r\n";
  }
  out += "\r\n" + core::base64_encode(a.data, kLineMax);
  return out;
}

}  // namespace

bool valid_address(std::string_view a) {
  if (a.empty() || a.size() > 254) return false;
  const auto at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = a.substr(0, at);
  const std::string_view domain = a.substr(at + 1);
  char prev = '.';
  for (char c : local) {
    if (c == '.' ? prev == '.' : !is_atext(c)) return false;
    prev = c;
  }
  if (prev == '.') return false;
  int labels = 0;
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
    ++labels;
    start = end + 1;
  }
  return labels >= 2;
}

std::string encode_header_text(std::string_view s, std::size_t used) {
  bool plain = used + s.size() <= 78 && s.find("=?") == std::string_view::npos;
  for (unsigned char c : s) plain = plain && c >= 0x20 && c <= 0x7e;
  if (plain) return std::string(s);

  static constexpr std::string_view kOpen = "=?UTF-8?B?";
  static constexpr std::size_t kOverhead = kOpen.size() + 2;  // "=?UTF-8?B?" + "?="
  // The shortest word holds 6 bytes, so a 4-byte character always fits whole. When not even
  // that fits after `used`, the text starts on a folded line of its own.
  static constexpr std::size_t kMinWord = kOverhead + 8;
  std::string out;
  std::size_t budget = kLineMax - used;
  if (used + kMinWord > kLineMax) {
    out = "\r\n ";
    budget = kLineMax - 1;
  }
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t max_bytes = (budget - kOverhead) / 4 * 3;
    std::size_t n = std::min(max_bytes, s.size() - pos);
    // End on a whole character; invalid UTF-8 (a long run of continuation bytes) is cut anyway.
    std::size_t whole = n;
    while (pos + whole < s.size() && whole > 0 &&
           is_continuation(static_cast<unsigned char>(s[pos + whole]))) {
      --whole;
    }
    if (whole > 0) n = whole;
    if (pos > 0) out += "\r\n ";
    out += kOpen;
    out += core::base64_encode(s.substr(pos, n), 0);
    out += "?=";
    pos += n;
    budget = kLineMax - 1;  // later lines start with the folding space
  }
  return out;
}

std::string rfc5322_date(std::int64_t unix_seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

core::Result<std::string> render(const Message& m, const Stamp& stamp) {
  MCP_CHECK(!stamp.token.empty());
  for (char c : stamp.token) MCP_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
  if (!valid_address(m.from)) return core::invalid_argument("from: not a valid e-mail address");
  if (!valid_address(m.to)) return core::invalid_argument("to: not a valid e-mail address");
  if (has_control(m.subject)) {
    return core::invalid_argument("subject: must not contain control characters such as CR or LF");
  }
  for (const Attachment& a : m.attachments) {
    if (a.filename.empty() || has_control(a.filename) ||
        a.filename.find_first_of("/\\\"") != std::string::npos || has_control(a.content_type)) {
      return core::invalid_argument(
          "attachment: the file name must be non-empty, without '/', '\\', '\"' or control "
          "characters");
    }
  }
  // "=_" never occurs in base64, the only encoding of every part.
  const std::string boundary = "=_shop_" + stamp.token;
  const std::string domain = m.from.substr(m.from.rfind('@') + 1);

  std::string out;
  out += "From: " + m.from + "\r\n";
  out += "To: " + m.to + "\r\n";
  out += "Subject: " + encode_header_text(m.subject, 9) + "\r\n";
  out += "Date: " + rfc5322_date(stamp.date_unix) + "\r\n";
  out += "Message-ID: <" + stamp.token + "." + std::to_string(stamp.date_unix) + "@" + domain +
         ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n";
  out += "\r\nThis is a multi-part message in MIME format.\r\n";
  out += "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\n" +
         "Content-Transfer-Encoding: base64\r\n\r\n" +
         core::base64_encode(crlf_lines(m.text), kLineMax);
  for (const Attachment& a : m.attachments) out += attachment_part(a, boundary);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace shopmcp::mail
