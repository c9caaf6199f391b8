#include "json/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/text.h"

namespace shopmcp::json {

namespace {

// The offset of the first '[' or '{' that opens level `max_depth + 1`, outside strings; npos when
// the text never nests that deep. Linear, no recursion; text that is not JSON is left to the
// parser.
std::size_t too_deep_at(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// The first key found twice in one object, if any. RapidJSON keeps both members, and lookups
// see only the first: the value a check quotes would not be the value that fails it. Walks with
// an explicit stack (the depth is client-chosen).
std::optional<std::string> duplicate_key(const rapidjson::Value& root) {
  std::vector<const rapidjson::Value*> todo{&root};
  std::vector<std::string_view> names;
  while (!todo.empty()) {
    const rapidjson::Value* v = todo.back();
    todo.pop_back();
    if (v->IsObject()) {
      names.clear();
      for (const auto& m : v->GetObject()) {
        names.emplace_back(m.name.GetString(), m.name.GetStringLength());
        if (m.value.IsObject() || m.value.IsArray()) todo.push_back(&m.value);
      }
      std::sort(names.begin(), names.end());
      if (auto it = std::adjacent_find(names.begin(), names.end()); it != names.end()) {
        return std::string(*it);
      }
    } else if (v->IsArray()) {
      for (const auto& e : v->GetArray()) {
        if (e.IsObject() || e.IsArray()) todo.push_back(&e);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

core::Result<rapidjson::Document> parse(std::string_view text, std::size_t max_bytes,
                                        std::size_t max_depth) {
  if (text.size() > max_bytes) {
    return core::invalid_argument("JSON text is larger than " + std::to_string(max_bytes) +
                                  " bytes");
  }
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return core::invalid_argument("invalid JSON at offset " + std::to_string(nul) +
                                  ": a NUL byte (write it as \\u0000 inside a string)");
  }
  if (const auto deep = too_deep_at(text, max_depth); deep != std::string_view::npos) {
    return core::invalid_argument("invalid JSON at offset " + std::to_string(deep) +
                                  ": arrays and objects nest deeper than " +
                                  std::to_string(max_depth) + " levels");
  }
  rapidjson::Document d;
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
  d.Parse<kFlags>(text.data(), text.size());
  if (d.HasParseError()) {
    return core::invalid_argument(std::string("invalid JSON at offset ") +
                                  std::to_string(d.GetErrorOffset()) + ": " +
                                  rapidjson::GetParseError_En(d.GetParseError()));
  }
  if (auto dup = duplicate_key(d)) {
    return core::invalid_argument("invalid JSON: the key '" + core::utf8_clip(*dup, 100) +
                                  "' appears twice in one object; send each key once");
  }
  return d;
}

std::string to_string(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string to_pretty_string(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::size_t whole_doubles_to_integers(rapidjson::Value& root) {
  std::size_t changed = 0;
  std::vector<rapidjson::Value*> todo{&root};
  while (!todo.empty()) {
    rapidjson::Value* v = todo.back();
    todo.pop_back();
    if (v->IsObject()) {
      for (auto& m : v->GetObject()) todo.push_back(&m.value);
    } else if (v->IsArray()) {
      for (auto& e : v->GetArray()) todo.push_back(&e);
    } else if (v->IsDouble()) {
      const double d = v->GetDouble();
      // Exactly representable as int64: within +-2^63, with no fractional part.
      if (std::isfinite(d) && std::trunc(d) == d && d >= -9.2233720368547758e18 &&
          d < 9.2233720368547758e18) {
        v->SetInt64(static_cast<std::int64_t>(d));
        ++changed;
      }
    }
  }
  return changed;
}

const char* type_name(const rapidjson::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "boolean";
  if (v.IsObject()) return "object";
  if (v.IsArray()) return "array";
  if (v.IsString()) return "string";
  if (v.IsInt64() || v.IsUint64()) return "integer";
  return "number";
}

namespace {
core::Error wrong_type(const char* key, const char* want, const rapidjson::Value& got) {
  return core::invalid_argument(std::string(key) + ": must be " + want + " (got " + type_name(got) +
                                ")");
}
}  // namespace

core::Result<std::optional<std::string>> get_string(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::optional<std::string>();
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return std::optional<std::string>();
  if (!it->value.IsString()) return wrong_type(key, "a string", it->value);
  return std::optional<std::string>(
      std::string(it->value.GetString(), it->value.GetStringLength()));
}

core::Result<std::optional<std::int64_t>> get_int(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::optional<std::int64_t>();
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return std::optional<std::int64_t>();
  if (!it->value.IsInt64()) return wrong_type(key, "an integer", it->value);
  return std::optional<std::int64_t>(it->value.GetInt64());
}

}  // namespace shopmcp::json
