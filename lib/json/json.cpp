#include "json/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace shopmcp::json {

core::Result<rapidjson::Document> parse(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return core::invalid_argument("JSON text is larger than " + std::to_string(max_bytes) +
                                  " bytes");
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
