#include "mcp/content.h"

#include "json/json.h"

namespace shopmcp::mcp {
namespace {

rapidjson::Value media(const char* type, std::string_view base64, std::string_view mime_type,
                       Allocator& a) {
  rapidjson::Value v(rapidjson::kObjectType);
  v.AddMember("type", rapidjson::StringRef(type), a);
  v.AddMember("data", json::str(base64, a), a);
  v.AddMember("mimeType", json::str(mime_type, a), a);
  return v;
}

}  // namespace

ResourceContents ResourceContents::of_text(std::string uri, std::string mime_type,
                                           std::string text) {
  ResourceContents r;
  r.uri = std::move(uri);
  r.mime_type = std::move(mime_type);
  r.text = std::move(text);
  return r;
}

ResourceContents ResourceContents::of_blob(std::string uri, std::string mime_type,
                                           std::string base64) {
  ResourceContents r;
  r.uri = std::move(uri);
  r.mime_type = std::move(mime_type);
  r.blob = std::move(base64);
  r.binary = true;
  return r;
}

rapidjson::Value ResourceContents::to_json(Allocator& a) const {
  rapidjson::Value v(rapidjson::kObjectType);
  v.AddMember("uri", json::str(uri, a), a);
  if (!mime_type.empty()) v.AddMember("mimeType", json::str(mime_type, a), a);
  if (binary) {
    v.AddMember("blob", json::str(blob, a), a);
  } else {
    v.AddMember("text", json::str(text, a), a);
  }
  return v;
}

rapidjson::Value text_content(std::string_view text, Allocator& a) {
  rapidjson::Value v(rapidjson::kObjectType);
  v.AddMember("type", "text", a);
  v.AddMember("text", json::str(text, a), a);
  return v;
}

rapidjson::Value image_content(std::string_view base64, std::string_view mime_type, Allocator& a) {
  return media("image", base64, mime_type, a);
}

rapidjson::Value audio_content(std::string_view base64, std::string_view mime_type, Allocator& a) {
  return media("audio", base64, mime_type, a);
}

rapidjson::Value embedded_resource(const ResourceContents& r, Allocator& a) {
  rapidjson::Value v(rapidjson::kObjectType);
  v.AddMember("type", "resource", a);
  v.AddMember("resource", r.to_json(a), a);
  return v;
}

rapidjson::Value resource_link(std::string_view uri, std::string_view name,
                               std::string_view mime_type, std::string_view description,
                               Allocator& a) {
  rapidjson::Value v(rapidjson::kObjectType);
  v.AddMember("type", "resource_link", a);
  v.AddMember("uri", json::str(uri, a), a);
  v.AddMember("name", json::str(name, a), a);
  if (!mime_type.empty()) v.AddMember("mimeType", json::str(mime_type, a), a);
  if (!description.empty()) v.AddMember("description", json::str(description, a), a);
  return v;
}

rapidjson::Value prompt_message(std::string_view role, rapidjson::Value content, Allocator& a) {
  rapidjson::Value v(rapidjson::kObjectType);
  v.AddMember("role", json::str(role, a), a);
  v.AddMember("content", content, a);
  return v;
}

}  // namespace shopmcp::mcp
