// fuzz_mime: mail/mime.h and the base64 of core/text.h. Properties: encode_header_text gives
// printable ASCII whose only line breaks are folds ("\r\n "), as RFC 2047 words that decode back to
// the text, a word never splitting a UTF-8 character, lines within 76 characters; valid_address
// agrees with the grammar its comment states (an independent implementation here); render refuses
// exactly the messages its comment says it refuses, and otherwise gives CRLF-only ASCII lines of at
// most 78 characters, the seven headers in order (no header or part added by anything given), a
// Subject, text, file names and attachments that read back as given; base64 round-trips;
// rfc5322_date names the instant it was given.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/text.h"
#include "fuzz_support.h"
#include "mail/mime.h"
#include "mime_checks.h"

namespace {

namespace core = shopmcp::core;
namespace mail = shopmcp::mail;
using shopmcp::fuzz::decode_words;
using shopmcp::fuzz::Field;
using shopmcp::fuzz::fields;
using shopmcp::fuzz::kWordOpen;
using shopmcp::fuzz::printable;
using shopmcp::fuzz::split;

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }
bool has_control(std::string_view s) {
  for (unsigned char c : s) {
    if (is_control(c)) return true;
  }
  return false;
}
bool printable_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// encode_header_text's contract, for any text and any `used` a header name can take.
void check_header_text(const std::string& text, std::size_t used) {
  const std::string out = mail::encode_header_text(text, used);
  const std::string where = "text: " + printable(text) + " used=" + std::to_string(used) +
                            "\n  encoded: " + printable(out);
  const std::vector<std::string> lines = split(out, "\r\n");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    MCP_FUZZ_CHECK_MSG(printable_ascii(lines[i]), where);  // no CR or LF but the folds, and ASCII
    if (i > 0) MCP_FUZZ_CHECK_MSG(!lines[i].empty() && lines[i][0] == ' ', where);
  }
  if (out == text) {  // left as it is: short printable ASCII that no reader takes for a word
    MCP_FUZZ_CHECK_MSG(
        printable_ascii(text) && text.find("=?") == std::string::npos && used + text.size() <= 78,
        where);
    return;
  }
  MCP_FUZZ_CHECK_MSG(decode_words(out, core::is_valid_utf8(text)) == text, where);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    MCP_FUZZ_CHECK_MSG((i == 0 ? used : 0) + lines[i].size() <= 76, where);
  }
}

// The documented grammar of valid_address, written independently.
bool address_oracle(std::string_view a) {
  if (a.empty() || a.size() > 254) return false;
  const auto at = a.find('@');
  if (at == std::string_view::npos || a.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = a.substr(0, at), domain = a.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  for (const std::string& atom : split(local, ".")) {
    if (atom.empty()) return false;
    for (char c : atom) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) == std::string_view::npos) {
        return false;
      }
    }
  }
  const std::vector<std::string> labels = split(domain, ".");
  if (labels.size() < 2) return false;
  for (const std::string& label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && c != '-') return false;
    }
  }
  return true;
}

void check_address(const std::string& a) {
  const bool valid = mail::valid_address(a);
  MCP_FUZZ_CHECK_MSG(valid == address_oracle(a),
                     "address: " + printable(a) + (valid ? " accepted" : " refused"));
  if (valid) {
    MCP_FUZZ_CHECK_MSG(a.find_first_of(std::string_view(" \"<>,;\r\n\0", 9)) == std::string::npos,
                       printable(a));
  }
}

// CR, LF and CRLF as CRLF: what render does to the text before encoding it.
std::string crlf(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// base64 in lines of 76 (the last one shorter), back to bytes.
std::string body_bytes(std::string_view body, const std::string& where) {
  std::string joined;
  const std::vector<std::string> lines = split(body, "\r\n");
  MCP_FUZZ_CHECK_MSG(lines.back().empty(), where);  // every line ends with CRLF
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    MCP_FUZZ_CHECK_MSG(i + 2 == lines.size() ? lines[i].size() <= 76 : lines[i].size() == 76,
                       where);
    joined += lines[i];
  }
  auto bytes = core::base64_decode(joined);
  MCP_FUZZ_CHECK_MSG(bytes.has_value(), where);
  return *bytes;
}

// A file name as a reader gets it from `filename*0*=UTF-8''...; filename*1*=...` (RFC 2231).
std::string rfc2231_value(const std::string& disposition, const std::string& where) {
  std::string encoded;
  for (int i = 0;; ++i) {
    const std::string key = "filename*" + std::to_string(i) + "*=";
    const auto at = disposition.find(key);
    if (at == std::string::npos) break;
    auto end = disposition.find_first_of(";\r", at);
    if (end == std::string::npos) end = disposition.size();
    std::string piece = disposition.substr(at + key.size(), end - at - key.size());
    if (i == 0) {
      MCP_FUZZ_CHECK_MSG(piece.rfind("UTF-8''", 0) == 0, where);
      piece.erase(0, 7);
    }
    encoded += piece;
  }
  auto decoded = core::percent_decode(encoded, false);
  MCP_FUZZ_CHECK_MSG(decoded.has_value(), where);
  return *decoded;
}

void check_attachment(const std::string& part, const mail::Attachment& a,
                      const std::string& where) {
  const auto blank = part.find("\r\n\r\n");
  MCP_FUZZ_CHECK_MSG(blank != std::string::npos, where);
  const std::vector<Field> f = fields(part.substr(0, blank), where);
  MCP_FUZZ_CHECK_MSG(f.size() == 3 && f[0].name == "Content-Type" &&
                         f[1].name == "Content-Transfer-Encoding" && f[1].value == "base64" &&
                         f[2].name == "Content-Disposition",
                     where);
  // Content-Type: the type, then ;\r\n name="..." (the name plain or as RFC 2047 words).
  std::string type = f[0].value;
  if (type.rfind("\r\n ", 0) == 0) type.erase(0, 3);
  const auto name_at = type.rfind(";\r\n name=\"");
  MCP_FUZZ_CHECK_MSG(name_at != std::string::npos && type.back() == '"', where);
  MCP_FUZZ_CHECK_MSG(type.substr(0, name_at) == a.content_type, where);
  const std::string name = type.substr(name_at + 10, type.size() - name_at - 11);
  MCP_FUZZ_CHECK_MSG(name.find('"') == std::string::npos, where);
  const std::string& disposition = f[2].value;
  if (disposition == "attachment;\r\n filename=\"" + a.filename + "\"") {
    // A plain name, as it is in both places. Readers decode RFC 2047 words even there, so a
    // plain name must not look like one (encode_header_text's own rule).
    MCP_FUZZ_CHECK_MSG(name == a.filename, where);
    MCP_FUZZ_CHECK_MSG(a.filename.find("=?") == std::string::npos, where);
  } else {
    // RFC 2231 in filename*, and in name RFC 2047 words (or the name as it is when it needs none).
    MCP_FUZZ_CHECK_MSG(disposition.rfind("attachment;\r\n filename*0*=", 0) == 0, where);
    MCP_FUZZ_CHECK_MSG(rfc2231_value(disposition, where) == a.filename, where);
    if (name.rfind(kWordOpen, 0) == 0) {
      MCP_FUZZ_CHECK_MSG(decode_words(name, core::is_valid_utf8(a.filename)) == a.filename, where);
    } else {
      MCP_FUZZ_CHECK_MSG(name == a.filename && a.filename.find("=?") == std::string::npos, where);
    }
  }
  MCP_FUZZ_CHECK_MSG(body_bytes(std::string_view(part).substr(blank + 4), where) == a.data, where);
}

void check_render(const mail::Message& m, std::int64_t date) {
  const mail::Stamp stamp{date, "fuzz0z9"};
  auto r = mail::render(m, stamp);
  bool acceptable = address_oracle(m.from) && address_oracle(m.to) && !has_control(m.subject);
  for (const auto& a : m.attachments) {
    acceptable = acceptable && !a.filename.empty() && !has_control(a.filename) &&
                 a.filename.find_first_of("/\\\"") == std::string::npos &&
                 !has_control(a.content_type);
  }
  MCP_FUZZ_CHECK_MSG(r.has_value() == acceptable,
                     "subject: " + printable(m.subject) + (r ? " rendered" : " refused"));
  if (!r) return;
  const std::string& msg = *r;
  const std::string where = "message:\n" + printable(msg, 4000);

  // CRLF lines only, ASCII only, at most 78 characters each. An attachment's content type is the
  // caller's constant, which render copies as it is (only control characters are refused): with
  // another one the ASCII and line-length checks say nothing about render.
  bool sane_types = true;
  for (const auto& a : m.attachments) {
    sane_types = sane_types && printable_ascii(a.content_type) && a.content_type.size() <= 76;
  }
  for (std::size_t i = 0; i < msg.size(); ++i) {
    const auto c = static_cast<unsigned char>(msg[i]);
    if (c == '\r') MCP_FUZZ_CHECK_MSG(i + 1 < msg.size() && msg[i + 1] == '\n', where);
    if (c == '\n') MCP_FUZZ_CHECK_MSG(i > 0 && msg[i - 1] == '\r', where);
    if (c != '\r' && c != '\n' && sane_types) MCP_FUZZ_CHECK_MSG(c >= 0x20 && c < 0x7f, where);
  }
  for (const std::string& line : split(msg, "\r\n")) {
    // An address cannot be folded: From, To and Message-ID (which ends with the sender's domain)
    // may reach RFC 5322's hard limit of 998; every other line is folded within 78.
    const bool address = line.rfind("From: ", 0) == 0 || line.rfind("To: ", 0) == 0 ||
                         line.rfind("Message-ID: ", 0) == 0;
    const std::size_t max = address ? 998 : 78;
    if (sane_types)
      MCP_FUZZ_CHECK_MSG(line.size() <= max, "line: " + printable(line) + "\n  " + where);
  }

  // The header block: exactly these fields, in this order.
  const auto blank = msg.find("\r\n\r\n");
  MCP_FUZZ_CHECK_MSG(blank != std::string::npos, where);
  const std::vector<Field> head = fields(std::string_view(msg).substr(0, blank), where);
  const std::vector<std::string> names = {"From",       "To",           "Subject",     "Date",
                                          "Message-ID", "MIME-Version", "Content-Type"};
  MCP_FUZZ_CHECK_MSG(head.size() == names.size(), where);
  for (std::size_t i = 0; i < names.size(); ++i)
    MCP_FUZZ_CHECK_MSG(head[i].name == names[i], where);
  MCP_FUZZ_CHECK_MSG(head[0].value == m.from && head[1].value == m.to, where);
  const std::string& subject = head[2].value;
  if (subject != m.subject) {
    MCP_FUZZ_CHECK_MSG(decode_words(subject, core::is_valid_utf8(m.subject)) == m.subject, where);
  }
  MCP_FUZZ_CHECK_MSG(head[3].value == mail::rfc5322_date(date), where);
  const std::string boundary = "=_shop_" + stamp.token;
  MCP_FUZZ_CHECK_MSG(head[6].value == "multipart/mixed;\r\n boundary=\"" + boundary + "\"", where);

  // The body: a preamble, the text part, one part per attachment, the closing delimiter.
  const std::vector<std::string> parts =
      split(std::string_view(msg).substr(blank + 4), "\r\n--" + boundary);
  MCP_FUZZ_CHECK_MSG(parts.size() == m.attachments.size() + 3, where);
  MCP_FUZZ_CHECK_MSG(parts.back() == "--\r\n", where);
  const std::string text_head =
      "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  // Each part's last CRLF belongs to the delimiter after it.
  const std::string text_part = parts[1] + "\r\n";
  MCP_FUZZ_CHECK_MSG(text_part.rfind(text_head, 0) == 0, where);
  MCP_FUZZ_CHECK_MSG(body_bytes(text_part.substr(text_head.size()), where) == crlf(m.text), where);
  for (std::size_t i = 0; i < m.attachments.size(); ++i) {
    const std::string& part = parts[i + 2];
    MCP_FUZZ_CHECK_MSG(part.rfind("\r\n", 0) == 0, where);
    check_attachment(part.substr(2) + "\r\n", m.attachments[i], where);
  }
}

void check_base64(const std::string& bytes, std::size_t line_length) {
  const std::string one_line = core::base64_encode(bytes, 0);
  MCP_FUZZ_CHECK(one_line.size() == (bytes.size() + 2) / 3 * 4);
  auto back = core::base64_decode(one_line);
  MCP_FUZZ_CHECK_MSG(back && *back == bytes, printable(bytes));
  const std::string lines = core::base64_encode(bytes, line_length);
  std::string joined;
  const std::vector<std::string> parts = split(lines, "\r\n");
  MCP_FUZZ_CHECK(parts.back().empty() || lines.empty());
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    MCP_FUZZ_CHECK(i + 2 == parts.size() ? parts[i].size() <= line_length
                                         : parts[i].size() == line_length);
    joined += parts[i];
  }
  MCP_FUZZ_CHECK(joined == one_line);
  // Whatever decodes, encodes back to text that decodes to the same bytes.
  if (auto d = core::base64_decode(bytes)) {
    MCP_FUZZ_CHECK(d->size() <= bytes.size() / 4 * 3 + 2);
    auto again = core::base64_decode(core::base64_encode(*d, 0));
    MCP_FUZZ_CHECK(again && *again == *d);
  }
}

void check_date(std::int64_t t) {
  // Years 1..9999 only: the format has four digits for the year.
  if (t < -62135596800 || t > 253402300799) return;
  const std::string d = mail::rfc5322_date(t);
  MCP_FUZZ_CHECK_MSG(d.size() == 31 && d.substr(3, 2) == ", " && d.substr(25) == " +0000", d);
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  static constexpr std::string_view kDays = "ThuFriSatSunMonTueWed";  // 1970-01-01 was a Thursday
  const auto month = kMonths.find(d.substr(8, 3));
  MCP_FUZZ_CHECK_MSG(month != std::string_view::npos && month % 3 == 0, d);
  const int year = std::stoi(d.substr(12, 4)), day = std::stoi(d.substr(5, 2));
  std::int64_t days = 0;
  MCP_FUZZ_CHECK_MSG(core::days_from_civil(year, static_cast<int>(month / 3) + 1, day, &days), d);
  const std::int64_t seconds = days * 86400 + std::stoi(d.substr(17, 2)) * 3600 +
                               std::stoi(d.substr(20, 2)) * 60 + std::stoi(d.substr(23, 2));
  MCP_FUZZ_CHECK_MSG(seconds == t, d + " for " + std::to_string(t));
  const std::int64_t weekday = ((days % 7) + 7) % 7;
  MCP_FUZZ_CHECK_MSG(d.substr(0, 3) == kDays.substr(static_cast<std::size_t>(weekday) * 3, 3), d);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  shopmcp::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider in(bytes, size);
  mail::Message m;
  m.subject = in.ConsumeRandomLengthString(400);
  m.from = in.ConsumeRandomLengthString(300);
  m.to = in.ConsumeRandomLengthString(300);
  m.text = in.ConsumeRandomLengthString(600);
  const int attachments = in.ConsumeIntegralInRange(0, 2);
  for (int i = 0; i < attachments; ++i) {
    mail::Attachment a;
    a.filename = in.ConsumeRandomLengthString(200);
    a.content_type = in.ConsumeBool()
                         ? in.ConsumeRandomLengthString(100)
                         : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    a.data = in.ConsumeRandomLengthString(300);
    m.attachments.push_back(std::move(a));
  }
  const std::size_t used = in.ConsumeIntegralInRange<std::size_t>(0, 60);
  const std::size_t line_length = in.ConsumeIntegralInRange<std::size_t>(1, 100);
  const auto date = in.ConsumeIntegral<std::int64_t>();

  check_header_text(m.subject, used);
  check_header_text(m.subject, 9);  // "Subject: "
  check_address(m.from);
  check_address(m.to);
  check_render(m, date);
  check_base64(m.text, line_length);
  check_date(date);
  check_date(date % 253402300800);
  return 0;
}
