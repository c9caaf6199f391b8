#include "mcp/resources.h"

#include <cctype>

#include "core/check.h"
#include "core/text.h"
#include "json/json.h"

namespace shopmcp::mcp {
namespace {

void add_descriptive(rapidjson::Value& o, const std::string& name, const std::string& title,
                     const std::string& description, const std::string& mime_type, Allocator& a) {
  o.AddMember("name", json::str(name, a), a);
  if (!title.empty()) o.AddMember("title", json::str(title, a), a);
  if (!description.empty()) o.AddMember("description", json::str(description, a), a);
  if (!mime_type.empty()) o.AddMember("mimeType", json::str(mime_type, a), a);
}

}  // namespace

core::Result<UriTemplate> UriTemplate::parse(std::string_view text) {
  UriTemplate t;
  t.text_ = std::string(text);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find('{', i);
    if (open == std::string_view::npos) {
      t.parts_.push_back({false, std::string(text.substr(i))});
      break;
    }
    if (open > i) t.parts_.push_back({false, std::string(text.substr(i, open - i))});
    const auto close = text.find('}', open);
    if (close == std::string_view::npos) {
      return core::invalid_argument("unclosed '{' in URI template " + t.text_);
    }
    const std::string name(text.substr(open + 1, close - open - 1));
    if (name.empty()) return core::invalid_argument("empty expression in URI template " + t.text_);
    for (char c : name) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
        return core::invalid_argument("unsupported expression {" + name + "} in URI template " +
                                      t.text_ + ": only {name} is supported");
      }
    }
    if (!t.parts_.empty() && t.parts_.back().variable) {
      return core::invalid_argument("two variables with nothing between them in URI template " +
                                    t.text_);
    }
    t.parts_.push_back({true, name});
    i = close + 1;
  }
  return t;
}

std::optional<Arguments> UriTemplate::match(std::string_view uri) const {
  Arguments vars;
  std::size_t pos = 0;
  for (std::size_t k = 0; k < parts_.size(); ++k) {
    const Part& p = parts_[k];
    if (!p.variable) {
      if (uri.compare(pos, p.text.size(), p.text) != 0) return std::nullopt;
      pos += p.text.size();
      continue;
    }
    // A variable runs to the next literal (or the end) and may not cross '/', '?' or '#'.
    std::size_t end = uri.size();
    if (k + 1 < parts_.size()) {
      end = uri.find(parts_[k + 1].text, pos);
      if (end == std::string_view::npos) return std::nullopt;
    }
    const std::string_view raw = uri.substr(pos, end - pos);
    if (raw.empty() || raw.find_first_of("/?#") != std::string_view::npos) return std::nullopt;
    auto value = core::percent_decode(raw, false);
    if (!value) return std::nullopt;
    vars[p.text] = std::move(*value);
    pos = end;
  }
  if (pos != uri.size()) return std::nullopt;
  return vars;
}

bool UriTemplate::has_variable(std::string_view name) const {
  for (const Part& p : parts_) {
    if (p.variable && p.text == name) return true;
  }
  return false;
}

void ResourceRegistry::add(Resource r) {
  MCP_CHECK(!r.uri.empty() && !r.name.empty() && r.read);
  for (const Resource& e : resources_) MCP_CHECK(e.uri != r.uri);
  resources_.push_back(std::move(r));
}

void ResourceRegistry::add(ResourceTemplate t) {
  MCP_CHECK(!t.uri_template.empty() && !t.name.empty() && t.read);
  auto parsed = UriTemplate::parse(t.uri_template);
  MCP_CHECK(parsed.has_value());
  for (const TemplateEntry& e : templates_) MCP_CHECK(e.t.uri_template != t.uri_template);
  for (const auto& [var, completer] : t.complete) MCP_CHECK(parsed->has_variable(var));
  templates_.push_back({std::move(t), std::move(parsed).value()});
}

rapidjson::Value ResourceRegistry::list(Allocator& a) const {
  rapidjson::Value arr(rapidjson::kArrayType);
  for (const Resource& r : resources_) {
    rapidjson::Value o(rapidjson::kObjectType);
    o.AddMember("uri", json::str(r.uri, a), a);
    add_descriptive(o, r.name, r.title, r.description, r.mime_type, a);
    arr.PushBack(o, a);
  }
  return arr;
}

rapidjson::Value ResourceRegistry::templates(Allocator& a) const {
  rapidjson::Value arr(rapidjson::kArrayType);
  for (const TemplateEntry& e : templates_) {
    rapidjson::Value o(rapidjson::kObjectType);
    o.AddMember("uriTemplate", json::str(e.t.uri_template, a), a);
    add_descriptive(o, e.t.name, e.t.title, e.t.description, e.t.mime_type, a);
    arr.PushBack(o, a);
  }
  return arr;
}

ReadResult ResourceRegistry::read(std::string_view uri) const {
  for (const Resource& r : resources_) {
    if (r.uri == uri) return r.read();
  }
  for (const TemplateEntry& e : templates_) {
    if (auto vars = e.parsed.match(uri)) return e.t.read(std::string(uri), *vars);
  }
  return core::not_found("Resource not found: " + core::utf8_clip(uri, 200));
}

core::Result<std::vector<std::string>> ResourceRegistry::complete(std::string_view uri_template,
                                                                  std::string_view var,
                                                                  std::string_view value,
                                                                  const Arguments& context) const {
  for (const TemplateEntry& e : templates_) {
    if (e.t.uri_template != uri_template) continue;
    auto it = e.t.complete.find(var);
    if (it == e.t.complete.end()) return std::vector<std::string>{};
    return it->second(value, context);
  }
  return core::not_found("Unknown resource template: " + core::utf8_clip(uri_template, 200));
}

}  // namespace shopmcp::mcp
