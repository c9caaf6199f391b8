#include "core/text.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using shopmcp::core::ascii_lower;
using shopmcp::core::base64_decode;
using shopmcp::core::base64_encode;
using shopmcp::core::is_valid_utf8;
using shopmcp::core::percent_decode;
using shopmcp::core::percent_decode_lenient;
using shopmcp::core::utf8_clip;
using shopmcp::core::utf8_valid;

namespace {

// Every byte value, in a scrambled order, twice over (512 bytes).
std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 512; ++i) s += static_cast<char>((i * 37 + 11) & 0xFF);
  return s;
}

}  // namespace

TEST_SUITE("core.text") {
  TEST_CASE("parse_decimal takes digits only, within int64") {
    CHECK(shopmcp::core::parse_decimal("0") == 0);
    CHECK(shopmcp::core::parse_decimal("42") == 42);
    CHECK(shopmcp::core::parse_decimal("9223372036854775807") == INT64_MAX);
    for (const char* bad : {"", " 1", "1 ", "+1", "-1", "1x", "0x1", "9223372036854775808"}) {
      CHECK_FALSE_MESSAGE(shopmcp::core::parse_decimal(bad).has_value(), bad);
    }
    CHECK_FALSE(shopmcp::core::parse_decimal(std::string("1\0x", 3)).has_value());
  }

  TEST_CASE("percent_decode turns %XX in either case into the byte") {
    CHECK(percent_decode("a%20b%2fc%2Fd", false) == "a b/c/d");
    CHECK(percent_decode("%00", false) == std::string(1, '\0'));
    CHECK(percent_decode("%FF", false) == "\xFF");
    CHECK(percent_decode("", false) == "");
    CHECK(percent_decode("%25%32%30", false) == "%20");  // decoded once, not again
  }

  TEST_CASE("percent_decode turns '+' into a space only when asked") {
    CHECK(percent_decode("1+2%2B3", true) == "1 2+3");
    CHECK(percent_decode("1+2%2B3", false) == "1+2+3");
  }

  TEST_CASE("percent_decode passes UTF-8 through and decodes encoded UTF-8") {
    CHECK(percent_decode("caf\xC3\xA9 \xE2\x82\xAC", false) == "caf\xC3\xA9 \xE2\x82\xAC");
    CHECK(percent_decode("caf%C3%A9", false) == "caf\xC3\xA9");
  }

  TEST_CASE("percent_decode fails on a '%' without two hex digits") {
    CHECK_FALSE(percent_decode("%", false).has_value());
    CHECK_FALSE(percent_decode("a%4", false).has_value());
    CHECK_FALSE(percent_decode("%zz", false).has_value());
    CHECK_FALSE(percent_decode("%4g", true).has_value());
    CHECK_FALSE(percent_decode("ok%20then%", false).has_value());
  }

  TEST_CASE("percent_decode_lenient keeps a malformed '%' and decodes the rest") {
    CHECK(percent_decode_lenient("%zz%4", false) == "%zz%4");
    CHECK(percent_decode_lenient("%", true) == "%");
    CHECK(percent_decode_lenient("%%41+%4", true) == "%A %4");
    CHECK(percent_decode_lenient("a%20b+c", false) == "a b+c");
    CHECK(percent_decode_lenient("caf%C3%A9\xE2\x82\xAC", false) == "caf\xC3\xA9\xE2\x82\xAC");
  }

  TEST_CASE("ascii_lower lowers A-Z only, whatever else the bytes are") {
    CHECK(ascii_lower("Bearer ABC-xyz_09@[]") == "bearer abc-xyz_09@[]");
    CHECK(ascii_lower("") == "");
    // UTF-8 (here "ÄÉ") and other high bytes stay as they are.
    CHECK(ascii_lower("\xC3\x84\xC3\x89Z\xFF") == "\xC3\x84\xC3\x89z\xFF");
  }

  TEST_CASE("base64_encode matches the RFC 4648 test vectors") {
    CHECK(base64_encode("", 0) == "");
    CHECK(base64_encode("f", 0) == "Zg==");
    CHECK(base64_encode("fo", 0) == "Zm8=");
    CHECK(base64_encode("foo", 0) == "Zm9v");
    CHECK(base64_encode("foob", 0) == "Zm9vYg==");
    CHECK(base64_encode("fooba", 0) == "Zm9vYmE=");
    CHECK(base64_encode("foobar", 0) == "Zm9vYmFy");
    CHECK(base64_encode("\xFB\xFF", 0) == "+/8=");
  }

  TEST_CASE("base64_encode breaks lines after line_length characters and ends the last") {
    const std::string data = all_bytes();
    const std::string b = base64_encode(data, 76);
    const std::size_t chars = (data.size() + 2) / 3 * 4;
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto p = b.find("\r\n"); p != std::string::npos; p = b.find("\r\n", start)) {
      lines.push_back(b.substr(start, p - start));
      start = p + 2;
    }
    CHECK(start == b.size());  // the last line ends with CRLF too
    REQUIRE(lines.size() == (chars + 75) / 76);
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) CHECK(lines[i].size() == 76);
    CHECK(lines.back().size() == (chars - 1) % 76 + 1);
    // A full last line gets one CRLF, not two; a short one gets one too; padding counts.
    CHECK(base64_encode(std::string(57, 'x'), 76) ==
          base64_encode(std::string(57, 'x'), 0) + "\r\n");
    CHECK(base64_encode("foobar", 4) == "Zm9v\r\nYmFy\r\n");
    CHECK(base64_encode("foob", 3) == "Zm9\r\nvYg\r\n==\r\n");
    CHECK(base64_encode("", 76) == "");
  }

  TEST_CASE("base64_decode reverses the RFC 4648 test vectors, padded or not") {
    CHECK(base64_decode("") == "");
    CHECK(base64_decode("Zg==") == "f");
    CHECK(base64_decode("Zg") == "f");
    CHECK(base64_decode("Zm8=") == "fo");
    CHECK(base64_decode("Zm8") == "fo");
    CHECK(base64_decode("Zm9v") == "foo");
    CHECK(base64_decode("Zm9vYg==") == "foob");
    CHECK(base64_decode("Zm9vYmE=") == "fooba");
    CHECK(base64_decode("Zm9vYmFy") == "foobar");
    CHECK(base64_decode("+/8=") == "\xFB\xFF");
    CHECK(base64_decode("Z2V0X3Byb2R1Y3Rz") == "get_products");
  }

  TEST_CASE("base64 round trip: every byte value, any length, UTF-8 unchanged") {
    const std::string data = all_bytes();
    for (std::size_t n = 0; n <= 7; ++n) {
      CHECK(base64_decode(base64_encode(data.substr(0, n), 0)) == data.substr(0, n));
    }
    CHECK(base64_decode(base64_encode(data, 0)) == data);
    const std::string utf8 =
        "Gr\xC3\xBC\xC3\x9F"
        "e \xE2\x82\xAC \xF0\x9F\x9B\x92";
    CHECK(base64_decode(base64_encode(utf8, 0)) == utf8);
  }

  TEST_CASE("base64_decode fails on characters outside the alphabet") {
    CHECK_FALSE(base64_decode("Zm9v!").has_value());
    CHECK_FALSE(base64_decode("Zm9v\r\nYmFy").has_value());  // no line breaks
    CHECK_FALSE(base64_decode("Zm 9v").has_value());
    CHECK_FALSE(base64_decode("Zm9v-_").has_value());  // the URL-safe alphabet is not this one
    CHECK_FALSE(base64_decode(std::string("Zm\0v", 4)).has_value());
    CHECK_FALSE(base64_decode("Zm\xC3\xA9v").has_value());
  }

  TEST_CASE("base64_decode fails on misplaced padding and impossible lengths") {
    CHECK_FALSE(base64_decode("Z").has_value());  // one character left over
    CHECK_FALSE(base64_decode("Zm9vY").has_value());
    CHECK_FALSE(base64_decode("Zg=").has_value());  // padding short of a group of four
    CHECK_FALSE(base64_decode("Zg===").has_value());
    CHECK_FALSE(base64_decode("Z===").has_value());
    CHECK_FALSE(base64_decode("====").has_value());
    CHECK_FALSE(base64_decode("=").has_value());
    CHECK_FALSE(base64_decode("Zg==Zm9v").has_value());  // '=' inside
    CHECK_FALSE(base64_decode("Zm=v").has_value());
  }

  TEST_CASE("UTF-8: well-formed sequences only; overlongs, surrogates and stray bytes are not") {
    CHECK(is_valid_utf8("plain"));
    CHECK(is_valid_utf8("\xE9\x99\xB3\xE5\xA4\xA7\xE6\x98\x8E"));  // 陳大明
    CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));                      // U+1F600
    CHECK_FALSE(is_valid_utf8("\xFF"));
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xE9\x99"));          // cut short
    CHECK(utf8_valid("a\xFF"
                     "b") ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(utf8_valid("\xE9\x99") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  }

  TEST_CASE("utf8_clip cuts before a character, never inside one") {
    std::string names;
    for (int i = 0; i < 40; ++i) names += "\xE9\x99\xB3";  // 40 x 陳, 120 bytes
    const std::string clipped = utf8_clip(names, 100);
    CHECK(clipped.size() == 99);  // 33 whole characters
    CHECK(is_valid_utf8(clipped));
    CHECK(names.substr(0, 100).size() == 100);  // what a byte cut gives: not valid
    CHECK_FALSE(is_valid_utf8(names.substr(0, 100)));
    CHECK(utf8_clip("abc", 2) == "ab");
    CHECK(utf8_clip("ab\xFF", 10) == "ab\xEF\xBF\xBD");
  }
}
