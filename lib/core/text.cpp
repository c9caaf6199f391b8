#include "core/text.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace shopmcp::core {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Both percent-decodings: a '%' without two hex digits after it fails when `strict`, else stays.
std::optional<std::string> decode_percent(std::string_view s, bool plus_is_space, bool strict) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
      if (strict) return std::nullopt;
    }
    out.push_back(s[i] == '+' && plus_is_space ? ' ' : s[i]);
  }
  return out;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  return decode_percent(s, plus_is_space, true);
}

std::string percent_decode_lenient(std::string_view s, bool plus_is_space) {
  return *decode_percent(s, plus_is_space, false);  // never nullopt when not strict
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  const auto b = [&s](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // no overlong forms
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  }
  return n;
}

bool is_valid_utf8(std::string_view s) {
  while (!s.empty()) {
    const std::size_t n = utf8_sequence_length(s);
    if (n == 0) return false;
    s.remove_prefix(n);
  }
  return true;
}

std::string utf8_valid(std::string_view s) { return utf8_clip(s, s.size() * 3); }

std::string utf8_clip(std::string_view s, std::size_t max_bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  while (!s.empty()) {
    const std::size_t n = utf8_sequence_length(s);
    const std::string_view piece = n == 0 ? kReplacement : s.substr(0, n);
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece);
    s.remove_prefix(n == 0 ? 1 : n);
  }
  return out;
}

std::string base64_encode(std::string_view in, std::size_t line_length) {
  std::string out;
  const std::size_t chars = (in.size() + 2) / 3 * 4;
  out.reserve(chars + (line_length ? (chars / line_length + 1) * 2 : 0));
  std::size_t on_line = 0;
  auto put = [&](char c) {
    out += c;
    if (line_length != 0 && ++on_line == line_length) {
      out += "\r\n";
      on_line = 0;
    }
  };
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16 |
                            static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8 |
                            static_cast<unsigned char>(in[i + 2]);
    put(kBase64Alphabet[v >> 18]);
    put(kBase64Alphabet[(v >> 12) & 63]);
    put(kBase64Alphabet[(v >> 6) & 63]);
    put(kBase64Alphabet[v & 63]);
  }
  if (i < in.size()) {
    std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size())
      v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    put(kBase64Alphabet[v >> 18]);
    put(kBase64Alphabet[(v >> 12) & 63]);
    put(i + 1 < in.size() ? kBase64Alphabet[(v >> 6) & 63] : '=');
    put('=');
  }
  if (line_length != 0 && on_line != 0) out += "\r\n";
  return out;
}

std::optional<std::string> base64_decode(std::string_view s) {
  std::size_t n = s.size();
  while (n > 0 && s.size() - n < 2 && s[n - 1] == '=') --n;
  if ((n < s.size() && s.size() % 4 != 0) || n % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(n / 4 * 3 + 2);
  std::uint32_t bits = 0;  // the low `count` bits are not yet output
  int count = 0;
  for (char c : s.substr(0, n)) {
    const auto v = kBase64Alphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    bits = (bits << 6 | static_cast<std::uint32_t>(v)) & 0xFFFFU;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFFU));
    }
  }
  return out;
}

std::optional<std::int64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace shopmcp::core
