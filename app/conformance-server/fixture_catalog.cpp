#include "conformance-server/fixture_catalog.h"

#include "conformance-server/fixture_media.h"
#include "json/json.h"
#include "mcp/content.h"

namespace shopmcp::app {
namespace {

using mcp::Arguments;
using mcp::ResourceContents;

mcp::ReadResult one(ResourceContents c) { return std::vector<ResourceContents>{std::move(c)}; }

// {messages: [...]} with the messages `build` adds.
core::Result<rapidjson::Document> messages(
    const std::function<void(rapidjson::Value&, mcp::Allocator&)>& build) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  build(list, a);
  d.AddMember("messages", list, a);
  return d;
}

}  // namespace

void add_fixture_resources(mcp::ResourceRegistry& resources) {
  resources.add(mcp::Resource{"test://static-text", "static-text", "Static text",
                              "A fixed text resource", "text/plain", [] {
                                return one(ResourceContents::of_text(
                                    "test://static-text", "text/plain",
                                    "This is the content of the static text resource."));
                              }});
  resources.add(mcp::Resource{"test://static-binary", "static-binary", "Static binary",
                              "A fixed PNG image", "image/png", [] {
                                return one(ResourceContents::of_blob("test://static-binary",
                                                                     "image/png", kRedPixelPng));
                              }});
  resources.add(mcp::Resource{"test://watched-resource", "watched-resource", "Watched resource",
                              "A resource clients may subscribe to", "text/plain", [] {
                                return one(ResourceContents::of_text(
                                    "test://watched-resource", "text/plain",
                                    "This resource can be watched for updates."));
                              }});
  mcp::ResourceTemplate t;
  t.uri_template = "test://template/{id}/data";
  t.name = "template-data";
  t.title = "Data by id";
  t.description = "JSON data for any id";
  t.mime_type = "application/json";
  t.read = [](const std::string& uri, const Arguments& vars) {
    const std::string& id = vars.at("id");
    rapidjson::Document d(rapidjson::kObjectType);
    auto& a = d.GetAllocator();
    d.AddMember("id", json::str(id, a), a);
    d.AddMember("templateTest", true, a);
    d.AddMember("data", json::str("Data for ID: " + id, a), a);
    return one(ResourceContents::of_text(uri, "application/json", json::to_string(d)));
  };
  t.complete["id"] = [](std::string_view value, const Arguments&) {
    return mcp::filter_candidates({"1", "2", "3", "123"}, value);
  };
  resources.add(std::move(t));
}

void add_fixture_prompts(mcp::PromptRegistry& prompts) {
  prompts.add(mcp::Prompt{
      "test_simple_prompt",
      "Simple prompt",
      "A prompt without arguments",
      {},
      [](const Arguments&) {
        return messages([](rapidjson::Value& m, mcp::Allocator& a) {
          m.PushBack(mcp::prompt_message(
                         "user", mcp::text_content("This is a simple prompt for testing.", a), a),
                     a);
        });
      }});
  prompts.add(mcp::Prompt{
      "test_prompt_with_arguments",
      "Prompt with arguments",
      "A prompt that repeats its two arguments",
      {{"arg1", "", "First test argument", true,
        [](std::string_view value, const Arguments&) {
          return mcp::filter_candidates({"test", "testing", "hello"}, value);
        }},
       {"arg2", "", "Second test argument", true, {}}},
      [](const Arguments& args) {
        const std::string text =
            "Prompt with arguments: arg1='" + args.at("arg1") + "', arg2='" + args.at("arg2") + "'";
        return messages([&](rapidjson::Value& m, mcp::Allocator& a) {
          m.PushBack(mcp::prompt_message("user", mcp::text_content(text, a), a), a);
        });
      }});
  prompts.add(mcp::Prompt{
      "test_prompt_with_embedded_resource",
      "Prompt with an embedded resource",
      "A prompt that embeds the resource it is given",
      {{"resourceUri", "", "URI of the resource to embed", true, {}}},
      [](const Arguments& args) {
        const std::string uri = args.at("resourceUri");
        return messages([&](rapidjson::Value& m, mcp::Allocator& a) {
          m.PushBack(mcp::prompt_message(
                         "user",
                         mcp::embedded_resource(
                             ResourceContents::of_text(uri, "text/plain",
                                                       "Embedded resource content for testing."),
                             a),
                         a),
                     a);
          m.PushBack(
              mcp::prompt_message(
                  "user", mcp::text_content("Please process the embedded resource above.", a), a),
              a);
        });
      }});
  prompts.add(mcp::Prompt{
      "test_prompt_with_image",
      "Prompt with an image",
      "A prompt that carries an image",
      {},
      [](const Arguments&) {
        return messages([](rapidjson::Value& m, mcp::Allocator& a) {
          m.PushBack(
              mcp::prompt_message("user", mcp::image_content(kRedPixelPng, "image/png", a), a), a);
          m.PushBack(mcp::prompt_message(
                         "user", mcp::text_content("Please analyze the image above.", a), a),
                     a);
        });
      }});
}

}  // namespace shopmcp::app
