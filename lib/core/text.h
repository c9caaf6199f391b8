// Text encodings more than one module needs: percent-decoding, ASCII lower-casing, base64, and
// UTF-8 that is valid whatever a client sent.
// Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shopmcp::core {

// Percent-decoding (RFC 3986): "%XX" (hex digits in either case) becomes that byte; with
// `plus_is_space`, '+' becomes ' ' (query strings). Every other byte, UTF-8 included, passes
// through. nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

// The same, except that a '%' not followed by two hex digits stays as it is ("%zz%4" -> "%zz%4").
std::string percent_decode_lenient(std::string_view s, bool plus_is_space);

// `s` with 'A'..'Z' turned into 'a'..'z' and every other byte (UTF-8 included) as it is,
// whatever the locale.
std::string ascii_lower(std::string_view s);

// The length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF) that starts `s`; 0 when `s` is empty or does not start with one.
std::size_t utf8_sequence_length(std::string_view s);
bool is_valid_utf8(std::string_view s);
// `s` with every byte that does not start a well-formed sequence replaced by U+FFFD.
std::string utf8_valid(std::string_view s);
// At most `max_bytes` of utf8_valid(s), cut before a character rather than inside one: for
// echoing what a client sent in an answer that must be valid UTF-8.
std::string utf8_clip(std::string_view s, std::size_t max_bytes);

// `s` as a decimal number when it is only ASCII digits (no sign, no white space, nothing after)
// and fits an int64; else nullopt. For ids and counts in URIs and prompt arguments.
std::optional<std::int64_t> parse_decimal(std::string_view s);

// Base64 (RFC 4648 standard alphabet, padded) with "\r\n" after every `line_length` characters
// and at the end; line_length 0 = one line without a line break.
std::string base64_encode(std::string_view bytes, std::size_t line_length);

// Base64 (RFC 4648 standard alphabet) back to bytes. The last group may be padded with '=' to
// four characters or not ("Zg==" and "Zg" both give "f"). nullopt on a character outside the
// alphabet (whitespace and line breaks included), on '=' anywhere but the padding, and on a
// length no encoding has (one character left over, or padding not ending a group of four).
std::optional<std::string> base64_decode(std::string_view s);

}  // namespace shopmcp::core
