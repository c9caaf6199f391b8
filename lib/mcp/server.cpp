#include "mcp/server.h"

#include <chrono>

#include "core/text.h"
#include "json/json.h"
#include "log/log.h"
#include "mcp/bounded_context.h"
#include "mcp/call_scope.h"

namespace shopmcp::mcp {
namespace {

constexpr const char* kLogLevelMeta = "io.modelcontextprotocol/logLevel";

// The member `key` of `params` as a non-empty string, or an invalid-params message.
core::Result<std::string> required_string(const rapidjson::Value& params, const char* method,
                                          const char* key) {
  if (!params.IsObject()) {
    return core::invalid_argument(std::string(method) + ": params must be an object");
  }
  auto v = json::get_string(params, key);
  if (!v) return core::invalid_argument(std::string(method) + ": " + v.error().message);
  if (!v->has_value() || (*v)->empty()) {
    return core::invalid_argument(std::string(method) + ": \"" + key + "\" is required");
  }
  return std::move(**v);
}

// Lists are never paged: every cursor is one this server did not issue.
std::optional<rpc::Outcome> reject_cursor(const rapidjson::Value& params, const char* method) {
  if (!params.IsObject() || !params.HasMember("cursor") || params["cursor"].IsNull()) {
    return std::nullopt;
  }
  return rpc::invalid_params(std::string(method) +
                             ": unknown cursor; this server returns the whole list at once");
}

// A hash of what a resource read returned; a failed read hashes as its error.
std::size_t contents_hash(const ReadResult& r) {
  std::string all;
  if (!r) {
    all = "error:" + r.error().message;
  } else {
    for (const ResourceContents& c : *r) {
      all += c.uri + '\n' + c.mime_type + '\n' + (c.binary ? c.blob : c.text) + '\0';
    }
  }
  return std::hash<std::string>{}(all);
}

rpc::Outcome read_failure(const core::Error& e, std::string_view uri) {
  if (e.code == core::ErrorCode::kNotFound) {
    return rpc::Outcome::failure(rpc::kResourceNotFound,
                                 "Resource not found: " + core::utf8_clip(uri, 200));
  }
  if (e.code == core::ErrorCode::kInvalidArgument) return rpc::invalid_params(e.message);
  spdlog::warn("resource read failed: uri={} error={}", uri.substr(0, 200), e.message);
  return rpc::Outcome::failure(rpc::kInternalError,
                               "The resource could not be read just now; try again later");
}

bool has_object_member(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return false;
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsObject();
}

}  // namespace

Server::Server(ServerInfo info, const ToolRegistry& tools, const ResourceRegistry* resources,
               const PromptRegistry* prompts, ClientDirectory* clients)
    : info_(std::move(info)),
      tools_(tools),
      resources_(resources),
      prompts_(prompts),
      clients_(clients) {}

rapidjson::Document Server::capabilities() const {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value tools(rapidjson::kObjectType);
  tools.AddMember("listChanged", false, a);
  d.AddMember("tools", tools, a);
  d.AddMember("logging", rapidjson::Value(rapidjson::kObjectType), a);
  if (offers_resources()) {
    rapidjson::Value r(rapidjson::kObjectType);
    r.AddMember("subscribe", true, a);
    r.AddMember("listChanged", false, a);
    d.AddMember("resources", r, a);
  }
  if (offers_prompts()) {
    rapidjson::Value p(rapidjson::kObjectType);
    p.AddMember("listChanged", false, a);
    d.AddMember("prompts", p, a);
  }
  if (offers_resources() || offers_prompts()) {
    d.AddMember("completions", rapidjson::Value(rapidjson::kObjectType), a);
  }
  return d;
}

rapidjson::Value Server::implementation(rapidjson::Document::AllocatorType& a) const {
  rapidjson::Value si(rapidjson::kObjectType);
  si.AddMember("name", json::str(info_.name, a), a);
  if (!info_.title.empty()) si.AddMember("title", json::str(info_.title, a), a);
  si.AddMember("version", json::str(info_.version, a), a);
  return si;
}

rapidjson::Document Server::initialize_result(const rapidjson::Value* params) const {
  std::string requested;
  if (params != nullptr && params->IsObject()) {
    auto v = json::get_string(*params, "protocolVersion");
    if (v && v->has_value()) requested = **v;
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("protocolVersion", json::str(negotiate_version(requested), a), a);
  d.AddMember("capabilities", rapidjson::Value(capabilities(), a), a);
  d.AddMember("serverInfo", implementation(a), a);
  if (!info_.instructions.empty()) {
    d.AddMember("instructions", json::str(info_.instructions, a), a);
  }
  return d;
}

rapidjson::Document Server::discover_result(bool in_session) const {
  rapidjson::Document d = initialize_result(nullptr);
  auto& a = d.GetAllocator();
  d.RemoveMember("protocolVersion");
  rapidjson::Value versions = supported_versions(a);
  // Inside a session (the HTTP+SSE transport, a Streamable HTTP session) the stateless revision
  // is not spoken: a client that read it there would expect 2026-07-28 answers on that transport.
  for (auto it = versions.Begin(); in_session && it != versions.End(); ++it) {
    if (std::string_view(it->GetString()) == kStatelessProtocolVersion) {
      versions.Erase(it);
      break;
    }
  }
  d.AddMember("supportedVersions", versions, a);
  return d;
}

rapidjson::Document Server::tools_list() const {
  rapidjson::Document d(rapidjson::kObjectType);
  d.AddMember("tools", tools_.list(d.GetAllocator()), d.GetAllocator());
  return d;
}

core::Result<ToolResult> Server::call_tool(const ToolCall& call, ToolContext& ctx,
                                           const std::string& request_id) const {
  const auto start = std::chrono::steady_clock::now();
  BoundedContext bounded(ctx, start + limits_.tool_timeout, limits_.shutdown);
  auto r = tools_.call(call.name, call.arguments, bounded);
  if (!r) return r;  // unknown tool: not a call of a tool
  if (r->is_error && bounded.stopped_by() == BoundedContext::Stop::kTimeLimit) {
    spdlog::warn("tool call: request={} tool={} stopped at the time limit of {} ms", request_id,
                 call.name, limits_.tool_timeout.count());
    *r = ToolResult::error("The call was stopped after " +
                           std::to_string(limits_.tool_timeout.count() / 1000) +
                           " s, the server's time limit for one tool call. Ask for less (fewer "
                           "rows, a shorter date range) or try again later.");
  } else if (r->is_error && bounded.stopped_by() == BoundedContext::Stop::kShutdown) {
    *r = ToolResult::error(
        "The call was stopped because the server is shutting down. Call again in a moment.");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (tool_observer_) tool_observer_(call.name, r->is_error, seconds);
  spdlog::debug("tool call: request={} tool={} is_error={} ms={}", request_id, call.name,
                r->is_error, static_cast<std::int64_t>(seconds * 1000));
  return r;
}

std::shared_ptr<ClientState> Server::client(const rpc::CallContext& ctx) const {
  if (clients_ == nullptr || ctx.session_id.empty()) return nullptr;
  return clients_->client(ctx.session_id);
}

std::size_t Server::resource_fingerprint(const std::string& uri) const {
  return contents_hash(resources_->read(uri));
}

rpc::Outcome Server::on_initialize(const rapidjson::Value& params, rpc::CallContext& ctx) const {
  auto client_state = client(ctx);
  if (client_state && params.IsObject()) {
    DeclaredCapabilities declared;
    if (auto c = params.FindMember("capabilities"); c != params.MemberEnd()) {
      declared.sampling = has_object_member(c->value, "sampling");
      declared.elicitation = has_object_member(c->value, "elicitation");
      declared.roots = has_object_member(c->value, "roots");
    }
    client_state->set_declared(declared);
  }
  return rpc::Outcome::success(initialize_result(&params));
}

rpc::Outcome Server::on_set_level(const rapidjson::Value& params, rpc::CallContext& ctx) const {
  if (!params.IsObject()) return rpc::invalid_params("logging/setLevel: params must be an object");
  auto level = json::get_string(params, "level");
  if (!level) return rpc::invalid_params("logging/setLevel: " + level.error().message);
  auto parsed = level->has_value() ? parse_log_level(**level) : std::nullopt;
  if (!parsed) {
    return rpc::invalid_params(
        "logging/setLevel: \"level\" must be one of debug, info, notice, warning, error, "
        "critical, alert, emergency");
  }
  if (auto c = client(ctx)) c->set_log_level(*parsed);
  return rpc::Outcome::success(rapidjson::Document(rapidjson::kObjectType));
}

rpc::Outcome Server::on_resources_read(const rapidjson::Value& params) const {
  auto uri = required_string(params, "resources/read", "uri");
  if (!uri) return rpc::invalid_params(uri.error().message);
  auto contents = resources_->read(*uri);
  if (!contents) return read_failure(contents.error(), *uri);
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value arr(rapidjson::kArrayType);
  for (const ResourceContents& c : *contents) arr.PushBack(c.to_json(a), a);
  d.AddMember("contents", arr, a);
  return rpc::Outcome::success(std::move(d));
}

rpc::Outcome Server::on_subscribe(const rapidjson::Value& params, rpc::CallContext& ctx,
                                  bool subscribe) const {
  const char* method = subscribe ? "resources/subscribe" : "resources/unsubscribe";
  auto uri = required_string(params, method, "uri");
  if (!uri) return rpc::invalid_params(uri.error().message);
  auto c = client(ctx);
  if (c == nullptr) {
    return rpc::Outcome::failure(
        rpc::kInvalidRequest,
        std::string(method) + " needs a session: updates are sent on the session's stream");
  }
  if (!subscribe) {
    c->unsubscribe(*uri);
    return rpc::Outcome::success(rapidjson::Document(rapidjson::kObjectType));
  }
  auto contents = resources_->read(*uri);
  if (!contents) return read_failure(contents.error(), *uri);
  c->subscribe(*uri, contents_hash(contents));
  return rpc::Outcome::success(rapidjson::Document(rapidjson::kObjectType));
}

rpc::Outcome Server::on_prompts_get(const rapidjson::Value& params) const {
  auto name = required_string(params, "prompts/get", "name");
  if (!name) return rpc::invalid_params(name.error().message);
  const rapidjson::Value* args = nullptr;
  if (auto it = params.FindMember("arguments"); it != params.MemberEnd()) args = &it->value;
  auto r = prompts_->get(*name, args);
  if (!r) {
    if (r.error().code == core::ErrorCode::kNotFound ||
        r.error().code == core::ErrorCode::kInvalidArgument) {
      return rpc::invalid_params("prompts/get: " + r.error().message);
    }
    spdlog::warn("prompt failed: name={} error={}", *name, r.error().message);
    return rpc::Outcome::failure(rpc::kInternalError,
                                 "The prompt could not be built just now; try again later");
  }
  return rpc::Outcome::success(std::move(r).value());
}

rpc::Outcome Server::on_complete(const rapidjson::Value& params) const {
  auto req = read_completion_request(params);
  if (!req) return rpc::invalid_params(req.error().message);
  core::Result<std::vector<std::string>> values = std::vector<std::string>{};
  if (req->ref == CompletionRequest::Ref::kPrompt) {
    if (!offers_prompts())
      return rpc::invalid_params("completion/complete: this server has no prompts");
    values = prompts_->complete(req->target, req->argument, req->value, req->context);
  } else {
    if (!offers_resources()) {
      return rpc::invalid_params("completion/complete: this server has no resources");
    }
    values = resources_->complete(req->target, req->argument, req->value, req->context);
  }
  if (!values) {
    if (values.error().code == core::ErrorCode::kNotFound) {
      return rpc::invalid_params("completion/complete: " + values.error().message);
    }
    spdlog::warn("completion failed: error={}", values.error().message);
    values = std::vector<std::string>{};  // a suggestion list is a convenience: none this time
  }
  return rpc::Outcome::success(completion_result(std::move(values).value()));
}

rpc::Outcome Server::on_tools_call(const rapidjson::Value& params, rpc::CallContext& ctx) const {
  auto call = read_tool_call(params);
  if (!call) return rpc::invalid_params("tools/call: " + call.error().message);
  const rapidjson::Value* token = nullptr;
  const auto c = client(ctx);
  std::optional<LogLevel> level = c ? c->log_level() : std::nullopt;
  if (auto m = params.FindMember("_meta"); m != params.MemberEnd() && m->value.IsObject()) {
    if (auto t = m->value.FindMember("progressToken");
        t != m->value.MemberEnd() && (t->value.IsString() || t->value.IsNumber())) {
      token = &t->value;
    }
    // 2026-07-28 has no logging/setLevel: each request names the level it wants, if any.
    if (auto l = m->value.FindMember(kLogLevelMeta); l != m->value.MemberEnd()) {
      auto parsed = l->value.IsString() ? parse_log_level(l->value.GetString()) : std::nullopt;
      if (!parsed) {
        return rpc::invalid_params(std::string("tools/call: _meta[\"") + kLogLevelMeta +
                                   "\"] must be one of debug, info, notice, warning, error, "
                                   "critical, alert, emergency");
      }
      level = parsed;
    }
  }
  CallScope scope(ctx, token, level, c ? c->declared() : DeclaredCapabilities{});
  auto r = call_tool(*call, scope, ctx.request_id);
  if (!r) return rpc::invalid_params(r.error().message);
  return rpc::Outcome::success(to_call_result(std::move(r).value()));
}

void Server::install(rpc::Dispatcher& d) const {
  d.add("initialize", [this](const rapidjson::Value& params, rpc::CallContext& ctx) {
    return on_initialize(params, ctx);
  });
  d.add("server/discover", [this](const rapidjson::Value&, rpc::CallContext& ctx) {
    return rpc::Outcome::success(discover_result(!ctx.session_id.empty()));
  });
  d.add("ping", [](const rapidjson::Value&, rpc::CallContext&) {
    return rpc::Outcome::success(rapidjson::Document(rapidjson::kObjectType));
  });
  d.add("tools/list", [this](const rapidjson::Value&, rpc::CallContext&) {
    return rpc::Outcome::success(tools_list());
  });
  d.add("tools/call", [this](const rapidjson::Value& params, rpc::CallContext& ctx) {
    return on_tools_call(params, ctx);
  });
  d.add("logging/setLevel", [this](const rapidjson::Value& params, rpc::CallContext& ctx) {
    return on_set_level(params, ctx);
  });
  if (offers_resources()) {
    d.add("resources/list", [this](const rapidjson::Value& params, rpc::CallContext&) {
      if (auto bad = reject_cursor(params, "resources/list")) return std::move(*bad);
      rapidjson::Document r(rapidjson::kObjectType);
      r.AddMember("resources", resources_->list(r.GetAllocator()), r.GetAllocator());
      return rpc::Outcome::success(std::move(r));
    });
    d.add("resources/templates/list", [this](const rapidjson::Value& params, rpc::CallContext&) {
      if (auto bad = reject_cursor(params, "resources/templates/list")) return std::move(*bad);
      rapidjson::Document r(rapidjson::kObjectType);
      r.AddMember("resourceTemplates", resources_->templates(r.GetAllocator()), r.GetAllocator());
      return rpc::Outcome::success(std::move(r));
    });
    d.add("resources/read", [this](const rapidjson::Value& params, rpc::CallContext&) {
      return on_resources_read(params);
    });
    d.add("resources/subscribe", [this](const rapidjson::Value& params, rpc::CallContext& ctx) {
      return on_subscribe(params, ctx, true);
    });
    d.add("resources/unsubscribe", [this](const rapidjson::Value& params, rpc::CallContext& ctx) {
      return on_subscribe(params, ctx, false);
    });
  }
  if (offers_prompts()) {
    d.add("prompts/list", [this](const rapidjson::Value& params, rpc::CallContext&) {
      if (auto bad = reject_cursor(params, "prompts/list")) return std::move(*bad);
      rapidjson::Document r(rapidjson::kObjectType);
      r.AddMember("prompts", prompts_->list(r.GetAllocator()), r.GetAllocator());
      return rpc::Outcome::success(std::move(r));
    });
    d.add("prompts/get", [this](const rapidjson::Value& params, rpc::CallContext&) {
      return on_prompts_get(params);
    });
  }
  if (offers_resources() || offers_prompts()) {
    d.add("completion/complete", [this](const rapidjson::Value& params, rpc::CallContext&) {
      return on_complete(params);
    });
  }
  auto ignore = [](const rapidjson::Value&, rpc::CallContext&) {
    return rpc::Outcome::success(rapidjson::Document(rapidjson::kObjectType));
  };
  d.add("notifications/initialized", ignore);
  // Cancellation reaches running calls through the transport (rpc::Peer::cancelled).
  d.add("notifications/cancelled", ignore);
}

}  // namespace shopmcp::mcp
