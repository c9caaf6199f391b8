// Helpers over RapidJSON: size-capped parsing, typed getters returning Result, serialization.
// RapidJSON's Document/Value is the project's JSON type. Thread-safe (stateless functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "core/result.h"
#include "core/text.h"

namespace shopmcp::json {

// Arrays and objects nested deeper than this are refused by parse(): code that walks, copies or
// serialises a value recurses once per level, so client data must not choose the depth.
inline constexpr std::size_t kMaxDepth = 64;
// The default bound on the size of a parsed text (the HTTP body limit is smaller still).
inline constexpr std::size_t kMaxBytes = 16u << 20;

// Parses `text`: at most `max_bytes`, valid UTF-8, nested at most `max_depth` levels (checked
// before parsing, by a scan that does not recurse), one value with nothing but white space after
// it, and no NUL byte anywhere (RapidJSON would stop at one and ignore the rest). The error
// message says what is wrong and where, fit for a client.
core::Result<rapidjson::Document> parse(std::string_view text, std::size_t max_bytes = kMaxBytes,
                                        std::size_t max_depth = kMaxDepth);

std::string to_string(const rapidjson::Value& v);
// Two-space indented; non-ASCII text stays as UTF-8, unescaped.
std::string to_pretty_string(const rapidjson::Value& v);

// Typed getters for an optional member of an object. Absent → nullopt; present with the wrong
// type → an error naming the key and the expected type.
core::Result<std::optional<std::string>> get_string(const rapidjson::Value& obj, const char* key);
core::Result<std::optional<std::int64_t>> get_int(const rapidjson::Value& obj, const char* key);

// Turns every number in `v` that is a whole value written as a double (10.0, 1e2) into an
// integer, as JSON Schema counts it ("integer" matches any number with a zero fractional part).
// Returns how many were changed. Walks with its own stack, not by recursion.
std::size_t whole_doubles_to_integers(rapidjson::Value& v);

// A JSON type name as a person would say it: "object", "array", "string", "number", ...
const char* type_name(const rapidjson::Value& v);

// A JSON string of `s`, always valid UTF-8: a byte that does not start a well-formed sequence
// becomes U+FFFD (text a client sent, echoed in an answer, must not make it unparseable).
inline rapidjson::Value str(std::string_view s, rapidjson::Document::AllocatorType& a) {
  if (!core::is_valid_utf8(s)) {
    const std::string valid = core::utf8_valid(s);
    return rapidjson::Value(valid.data(), static_cast<rapidjson::SizeType>(valid.size()), a);
  }
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

}  // namespace shopmcp::json
