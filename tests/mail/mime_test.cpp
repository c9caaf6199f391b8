#include "mail/mime.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/text.h"
#include "mail/test_util.h"

using shopmcp::mail::Attachment;
using shopmcp::mail::encode_header_text;
using shopmcp::mail::Message;
using shopmcp::mail::render;
using shopmcp::mail::Stamp;
using shopmcp::mail::valid_address;
using shopmcp::testing::split;
using shopmcp::testing::unbase64;

namespace {

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t len = b < 0x80         ? 1
                            : (b >> 5) == 6  ? 2
                            : (b >> 4) == 14 ? 3
                            : (b >> 3) == 30 ? 4
                                             : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// Decodes a folded header value made of RFC 2047 B-words (as a mail reader does), checking each
// word on the way: UTF-8/B syntax, whole characters in every word, lines of at most 76.
std::string decode_words(const std::string& header_line) {
  std::string out;
  for (const std::string& line : split(header_line, "\r\n")) {
    CHECK(line.size() <= 76);
    std::string word = line;
    if (!word.empty() && word[0] == ' ') word.erase(0, 1);
    REQUIRE(word.rfind("=?UTF-8?B?", 0) == 0);
    REQUIRE(word.size() >= 12);
    REQUIRE(word.substr(word.size() - 2) == "?=");
    const std::string text = unbase64(word.substr(10, word.size() - 12));
    CHECK(valid_utf8(text));
    out += text;
  }
  return out;
}

// The headers of a rendered message (up to the first blank line), unfolded, by name.
std::string header(const std::string& msg, const std::string& name) {
  const std::string head = msg.substr(0, msg.find("\r\n\r\n") + 2);
  const auto at = head.find("\r\n" + name + ": ") != std::string::npos
                      ? head.find("\r\n" + name + ": ") + 2
                      : (head.rfind(name + ": ", 0) == 0 ? 0 : std::string::npos);
  if (at == std::string::npos) return "";
  std::size_t end = at;
  while (true) {
    end = head.find("\r\n", end);
    if (end + 2 >= head.size() || (head[end + 2] != ' ' && head[end + 2] != '\t')) break;
    end += 2;
  }
  return head.substr(at + name.size() + 2, end - at - name.size() - 2);
}

Message sample() {
  Message m;
  m.from = "shop@example.com";
  m.to = "manager@example.org";
  m.subject = "訂單資料匯出 Orders export 2026-01-01 00:00:00 UTC (3 records)";
  m.text = "您好，\n附件是訂單。\r\nline two\rline three";
  m.attachments.push_back(
      Attachment{"orders_20260101_000000.xlsx",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 std::string("PK\x03\x04", 4) + std::string(1000, '\xE7') + "end"});
  return m;
}

}  // namespace

TEST_SUITE("mail.mime") {
  TEST_CASE("a 4-byte character is never cut across words, whatever is already on the line") {
    for (std::size_t used = 0; used <= 80; ++used) {
      const std::string out = encode_header_text("\xF0\x9F\x98\x80\xF0\x9F\x8E\x89 emoji", used);
      std::size_t line = 0;
      for (const std::string& l : shopmcp::testing::split(out, "\r\n")) {
        const std::size_t room = line++ == 0 ? 78 - std::min<std::size_t>(used, 78) : 78;
        CHECK_MESSAGE(l.size() <= room, "used=" << used << " line: " << l);
        const auto at = l.find("=?UTF-8?B?");
        if (at == std::string::npos) continue;
        const std::string bytes = shopmcp::testing::unbase64(l.substr(at + 10, l.size() - at - 12));
        CHECK_MESSAGE(shopmcp::core::is_valid_utf8(bytes), "used=" << used << " word: " << l);
      }
    }
  }

  TEST_CASE("attachment names: lines within 78, and a name that looks encoded is encoded") {
    for (std::size_t n = 55; n <= 80; ++n) {
      Message m{"a@b.co", "c@d.co", "s", "t", {}};
      m.attachments.push_back({std::string(n, 'n'), "text/plain", "x"});
      auto r = render(m, Stamp{0, "b"});
      REQUIRE(r.has_value());
      for (const std::string& l : shopmcp::testing::split(*r, "\r\n")) {
        CHECK_MESSAGE(l.size() <= 78, "name of " << n << ": " << l);
      }
    }
    Message m{"a@b.co", "c@d.co", "s", "t", {}};
    m.attachments.push_back({"=?UTF-8?B?ZXZpbC5leGU=?=.txt", "text/plain", "x"});
    auto r = render(m, Stamp{0, "b"});
    REQUIRE(r.has_value());
    CHECK(r->find("filename=\"=?") == std::string::npos);
    CHECK(r->find("filename*0*=UTF-8''%3D%3FUTF-8%3FB%3F") != std::string::npos);
  }

  TEST_CASE("a short ASCII subject stays as it is; =? or non-ASCII text is encoded") {
    CHECK(encode_header_text("Orders export (3 records)", 9) == "Orders export (3 records)");
    CHECK(encode_header_text("a =?x?= trick", 9).rfind("=?UTF-8?B?", 0) == 0);
    CHECK(decode_words(encode_header_text("a =?x?= trick", 9)) == "a =?x?= trick");
    CHECK(decode_words(encode_header_text("tab\there", 9)) == "tab\there");
  }

  TEST_CASE("a UTF-8 subject round-trips through RFC 2047 words without splitting characters") {
    const std::vector<std::string> subjects = {
        "訂單資料匯出",
        "訂單資料匯出 Orders export 2026-01-01 00:00:00 UTC (10000 records)",
        std::string(300, 'a'),
        "😀🎉 emoji and 中文 mixed with ASCII, and a very long tail to force several words: "
        "陳大明 李小芳 王志強 張美麗 劉家豪 黃詩雅 林建華 吳雅文 鄭志明 何淑儀 梁偉強 蔡美玲",
    };
    for (const std::string& s : subjects) {
      const std::string encoded = encode_header_text(s, 9);
      CAPTURE(encoded);
      CHECK(encoded.find_first_of("\r\n") == encoded.find("\r\n "));  // breaks only as folds
      CHECK(split(encoded, "\r\n").front().size() + 9 <= 76);
      CHECK(decode_words(encoded) == s);
    }
  }

  TEST_CASE("valid_address takes plain addresses and refuses the rest") {
    for (const char* ok : {"a@b.co", "first.last+tag@mail.example.com", "x_y-z@sub-domain.hk",
                           "o'neil@example.com"}) {
      CHECK_MESSAGE(valid_address(ok), ok);
    }
    for (const char* bad : {"",
                            "plain",
                            "@example.com",
                            "a@",
                            "a@localhost",
                            "a b@example.com",
                            "a@b..com",
                            ".a@example.com",
                            "a.@example.com",
                            "a..b@example.com",
                            "a@-b.com",
                            "a@b-.com",
                            "Name <a@example.com>",
                            "a@example.com\r\nBcc: x@evil.com",
                            "a@example.com\n",
                            "\"quoted\"@example.com",
                            "a@exa mple.com",
                            "a@b.com,c@d.com",
                            "a@[127.0.0.1]",
                            "用戶@example.com",
                            "a@例子.com"}) {
      CHECK_MESSAGE(!valid_address(bad), bad);
    }
    CHECK_FALSE(valid_address(std::string(65, 'a') + "@example.com"));
    CHECK_FALSE(valid_address("a@" + std::string(250, 'b') + ".com"));
  }

  TEST_CASE("rfc5322_date is English and UTC whatever the locale") {
    CHECK(shopmcp::mail::rfc5322_date(1767225600) == "Thu, 01 Jan 2026 00:00:00 +0000");
    CHECK(shopmcp::mail::rfc5322_date(951782400) == "Tue, 29 Feb 2000 00:00:00 +0000");
  }

  TEST_CASE("render: headers, multipart/mixed with a text part and a base64 attachment") {
    const Message m = sample();
    auto r = render(m, Stamp{1767225600, "abc123"});
    REQUIRE(r.has_value());
    const std::string& msg = *r;
    // CRLF only, and no line longer than 78 characters.
    for (std::size_t i = 0; i < msg.size(); ++i) {
      if (msg[i] == '\n') REQUIRE(i > 0);
      if (msg[i] == '\n') CHECK(msg[i - 1] == '\r');
      if (msg[i] == '\r') CHECK((i + 1 < msg.size() && msg[i + 1] == '\n'));
    }
    for (const std::string& line : split(msg, "\r\n")) CHECK(line.size() <= 78);

    CHECK(header(msg, "From") == "shop@example.com");
    CHECK(header(msg, "To") == "manager@example.org");
    CHECK(decode_words(header(msg, "Subject")) == m.subject);
    CHECK(header(msg, "Date") == "Thu, 01 Jan 2026 00:00:00 +0000");
    CHECK(header(msg, "Message-ID") == "<abc123.1767225600@example.com>");
    CHECK(header(msg, "MIME-Version") == "1.0");
    const std::string boundary = "=_shop_abc123";
    CHECK(header(msg, "Content-Type") == "multipart/mixed;\r\n boundary=\"" + boundary + "\"");

    // preamble, text part, attachment part, closing delimiter and nothing after it
    const auto parts = split(msg.substr(msg.find("\r\n\r\n") + 4), "--" + boundary);
    REQUIRE(parts.size() == 4);
    CHECK(parts[3] == "--\r\n");
    const std::string text = parts[1];
    CHECK(text.rfind("\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n",
                     0) == 0);
    CHECK(unbase64(text.substr(text.find("\r\n\r\n") + 4)) ==
          "您好，\r\n附件是訂單。\r\nline two\r\nline three");
    const std::string att = parts[2];
    CHECK(att.find(
              "Content-Type:\r\n application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;"
              "\r\n name=\"orders_20260101_000000.xlsx\"\r\n") != std::string::npos);
    CHECK(att.find("Content-Transfer-Encoding: base64\r\n") != std::string::npos);
    CHECK(
        att.find("Content-Disposition: attachment;\r\n filename=\"orders_20260101_000000.xlsx\"") !=
        std::string::npos);
    const std::string body = att.substr(att.find("\r\n\r\n") + 4);
    CHECK(unbase64(body) == m.attachments[0].data);
    const auto lines = split(body.substr(0, body.size() - 2), "\r\n");
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) CHECK(lines[i].size() == 76);
    // The boundary cannot occur inside a part: every part is base64.
    for (std::size_t i = 1; i < 3; ++i) CHECK(parts[i].find("=_") == std::string::npos);
  }

  TEST_CASE("a non-ASCII file name is given as RFC 2231 filename* and an RFC 2047 name") {
    Message m = sample();
    m.attachments[0].filename = "訂單匯出_2026年1月1日的全部訂單資料與產品清單.xlsx";
    auto r = render(m, Stamp{1767225600, "x1"});
    REQUIRE(r.has_value());
    const std::string& msg = *r;
    const auto disp = msg.find("Content-Disposition: attachment;\r\n filename*0*=UTF-8''%E8%A8%82");
    REQUIRE(disp != std::string::npos);
    // Reassemble filename*N* continuations and percent-decode them.
    std::string encoded;
    for (int n = 0;; ++n) {
      const std::string key = "filename*" + std::to_string(n) + "*=";
      const auto at = msg.find(key, disp);
      if (at == std::string::npos) break;
      std::string v = msg.substr(at + key.size(), msg.find_first_of(";\r", at) - at - key.size());
      if (n == 0) v.erase(0, 7);  // UTF-8''
      encoded += v;
    }
    std::string decoded;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      if (encoded[i] == '%') {
        decoded += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += encoded[i];
      }
    }
    CHECK(decoded == m.attachments[0].filename);
    const auto name_at = msg.find(" name=\"=?UTF-8?B?");
    REQUIRE(name_at != std::string::npos);
    const auto name_end = msg.find('"', name_at + 7);
    CHECK(decode_words(msg.substr(name_at + 7, name_end - name_at - 7)) ==
          m.attachments[0].filename);
    for (const std::string& line : split(msg, "\r\n")) CHECK(line.size() <= 78);
  }

  TEST_CASE("render refuses what could add a header: CR, LF and bad addresses") {
    Message m = sample();
    m.subject = "Hello\r\nBcc: victim@example.com";
    auto r = render(m, Stamp{0, "t"});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.rfind("subject:", 0) == 0);
    m.subject = "Hello\nBcc: victim@example.com";
    CHECK_FALSE(render(m, Stamp{0, "t"}).has_value());

    m = sample();
    m.to = "a@example.com\r\nBcc: victim@example.com";
    r = render(m, Stamp{0, "t"});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.rfind("to:", 0) == 0);

    m = sample();
    m.from = "shop@example.com>\r\nX-Evil: 1";
    r = render(m, Stamp{0, "t"});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.rfind("from:", 0) == 0);

    for (const char* name : {"a\r\nb.xlsx", "a\"b.xlsx", "../a.xlsx", ""}) {
      m = sample();
      m.attachments[0].filename = name;
      r = render(m, Stamp{0, "t"});
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().message.rfind("attachment:", 0) == 0);
    }
  }

  TEST_CASE("line breaks in the body text cannot end the headers or the part") {
    Message m = sample();
    m.text = "x\r\n\r\n--=_shop_t--\r\nFrom: evil@example.com\r\n.\r\n";
    auto r = render(m, Stamp{0, "t"});
    REQUIRE(r.has_value());
    CHECK(r->find("evil") == std::string::npos);  // base64: no text of the body shows raw
    CHECK(r->find("\r\n.\r\n") == std::string::npos);
  }
}
