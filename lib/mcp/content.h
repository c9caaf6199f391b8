// MCP content: the blocks a tool result or a prompt message carries (text, image, audio, an
// embedded resource, a resource link), and the contents items of resources/read. Builders only;
// thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace shopmcp::mcp {

using Allocator = rapidjson::Document::AllocatorType;

// One item of resources/read's `contents` (and of an embedded resource): text or a base64 blob.
struct ResourceContents {
  std::string uri;
  std::string mime_type;
  std::string text;  // when !binary
  std::string blob;  // base64, when binary
  bool binary = false;

  static ResourceContents of_text(std::string uri, std::string mime_type, std::string text);
  static ResourceContents of_blob(std::string uri, std::string mime_type, std::string base64);
  // {uri, mimeType, text} or {uri, mimeType, blob}
  rapidjson::Value to_json(Allocator& a) const;
};

// {type:"text", text}
rapidjson::Value text_content(std::string_view text, Allocator& a);
// {type:"image"|"audio", data (base64), mimeType}
rapidjson::Value image_content(std::string_view base64, std::string_view mime_type, Allocator& a);
rapidjson::Value audio_content(std::string_view base64, std::string_view mime_type, Allocator& a);
// {type:"resource", resource:{...}}
rapidjson::Value embedded_resource(const ResourceContents& r, Allocator& a);
// {type:"resource_link", uri, name, mimeType?, description?}
rapidjson::Value resource_link(std::string_view uri, std::string_view name,
                               std::string_view mime_type, std::string_view description,
                               Allocator& a);

// A prompt message: {role, content}; role is "user" or "assistant".
rapidjson::Value prompt_message(std::string_view role, rapidjson::Value content, Allocator& a);

}  // namespace shopmcp::mcp
