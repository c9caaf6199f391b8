// Resources: what a server lets clients read by URI (resources/list, resources/read,
// resources/templates/list). Direct resources have a fixed URI; templates (RFC 6570 level 1,
// "shop://products/{id}") cover families of URIs. Resources are added before serving; afterwards
// every method is thread-safe (read-only; readers must be thread-safe).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/result.h"
#include "mcp/completion.h"
#include "mcp/content.h"

namespace shopmcp::mcp {

// A URI template of literal text and {name} expressions. A variable matches one or more
// characters other than '/', '?' and '#', and its value is percent-decoded.
class UriTemplate {
 public:
  // Fails on an unclosed or empty expression, an operator ({+x}, {/x}, ...), or two variables with
  // no literal text between them (which could not be told apart).
  static core::Result<UriTemplate> parse(std::string_view text);

  // The variables when `uri` matches; nullopt otherwise.
  std::optional<Arguments> match(std::string_view uri) const;
  bool has_variable(std::string_view name) const;
  const std::string& text() const { return text_; }

 private:
  struct Part {
    bool variable = false;
    std::string text;  // the literal, or the variable's name
  };
  std::string text_;
  std::vector<Part> parts_;
};

using ReadResult = core::Result<std::vector<ResourceContents>>;

struct Resource {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  // Reads the current contents; core::not_found when the resource is gone.
  std::function<ReadResult()> read;
};

struct ResourceTemplate {
  std::string uri_template;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  // Reads the resource `uri`, whose variables are `vars`; core::not_found when there is no such
  // resource (an unknown id, say).
  std::function<ReadResult(const std::string& uri, const Arguments& vars)> read;
  // Completers for the template's variables, by variable name.
  std::map<std::string, Completer, std::less<>> complete;
};

class ResourceRegistry {
 public:
  // A new URI / template, with a reader; a duplicate or a malformed template is a bug.
  void add(Resource r);
  void add(ResourceTemplate t);

  bool empty() const { return resources_.empty() && templates_.empty(); }

  // resources/list's entries: {uri, name, title?, description?, mimeType?}
  rapidjson::Value list(Allocator& a) const;
  // resources/templates/list's entries: {uriTemplate, name, title?, description?, mimeType?}
  rapidjson::Value templates(Allocator& a) const;

  // The contents of `uri`: a direct resource first, else the first template that matches.
  // core::not_found when nothing serves it.
  ReadResult read(std::string_view uri) const;

  // Completions for variable `var` of the template written exactly `uri_template`. not_found when
  // no such template; an empty list when the variable has no completer.
  core::Result<std::vector<std::string>> complete(std::string_view uri_template,
                                                  std::string_view var, std::string_view value,
                                                  const Arguments& context) const;

 private:
  struct TemplateEntry {
    ResourceTemplate t;
    UriTemplate parsed;
  };
  std::vector<Resource> resources_;
  std::vector<TemplateEntry> templates_;
};

}  // namespace shopmcp::mcp
