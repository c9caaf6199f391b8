#include "mcp/server.h"

#include <chrono>

#include "json/json.h"
#include "log/log.h"

namespace shopmcp::mcp {
namespace {

constexpr const char* kLevelNames[] = {"debug",    "info",  "notice", "warning",
                                       "error", "critical", "alert",  "emergency"};

// The ToolContext of one tools/call: sends through the call's rpc::Peer what the client asked
// for, and nothing else.
class CallScope final : public ToolContext {
 public:
  CallScope(rpc::CallContext& ctx, const rapidjson::Value* progress_token,
            std::optional<LogLevel> level, bool sampling, bool elicitation, bool roots)
      : peer_(ctx.peer), level_(level), sampling_(sampling), elicitation_(elicitation),
        roots_(roots) {
    if (progress_token != nullptr) token_.CopyFrom(*progress_token, token_.GetAllocator());
  }

  void progress(double progress, std::optional<double> total, std::string_view message) override {
    if (peer_ == nullptr || token_.IsNull()) return;
    rapidjson::Document p(rapidjson::kObjectType);
    auto& a = p.GetAllocator();
    p.AddMember("progressToken", rapidjson::Value(token_, a), a);
    p.AddMember("progress", progress, a);
    if (total) p.AddMember("total", *total, a);
    if (!message.empty()) p.AddMember("message", json::str(message, a), a);
    peer_->notify("notifications/progress", std::move(p));
  }

  void log(LogLevel level, std::string_view logger, const rapidjson::Value& data) override {
    if (peer_ == nullptr || !level_ || level < *level_) return;
    rapidjson::Document p(rapidjson::kObjectType);
    auto& a = p.GetAllocator();
    p.AddMember("level", rapidjson::StringRef(to_string(level)), a);
    if (!logger.empty()) p.AddMember("logger", json::str(logger, a), a);
    p.AddMember("data", rapidjson::Value(data, a), a);
    peer_->notify("notifications/message", std::move(p));
  }

  bool cancelled() const override { return peer_ != nullptr && peer_->cancelled(); }
  void close_stream() override {
    if (peer_ != nullptr) peer_->close_stream();
  }

  core::Result<rapidjson::Document> ask_client(std::string_view method, rapidjson::Document params,
                                               std::chrono::milliseconds timeout) override {
    const char* capability = nullptr;
    bool declared = true;
    if (method == "sampling/createMessage") {
      capability = "sampling";
      declared = sampling_;
    } else if (method == "elicitation/create") {
      capability = "elicitation";
      declared = elicitation_;
    } else if (method == "roots/list") {
      capability = "roots";
      declared = roots_;
    }
    if (!declared) {
      return core::invalid_argument(std::string("the client did not declare the '") + capability +
                                    "' capability, so " + std::string(method) +
                                    " cannot be sent to it");
    }
    if (peer_ == nullptr) {
      return core::unavailable(std::string(method) +
                               " needs a connection that can carry requests to the client");
    }
    return peer_->request(method, std::move(params), timeout);
  }

 private:
  rpc::Peer* peer_;
  rapidjson::Document token_;  // null when the caller gave no progress token
  std::optional<LogLevel> level_;
  bool sampling_, elicitation_, roots_;
};

bool has_object_member(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return false;
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsObject();
}

}  // namespace

const char* to_string(LogLevel l) { return kLevelNames[static_cast<int>(l)]; }

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (int i = 0; i < 8; ++i) {
    if (name == kLevelNames[i]) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

bool is_supported_version(std::string_view version) {
  if (version == kStatelessProtocolVersion) return true;
  for (const char* v : kProtocolVersions) {
    if (version == v) return true;
  }
  return false;
}

std::string supported_versions_text() {
  std::string out = kStatelessProtocolVersion;
  for (const char* v : kProtocolVersions) out += std::string(", ") + v;
  return out;
}

rapidjson::Value supported_versions(rapidjson::Document::AllocatorType& a) {
  rapidjson::Value versions(rapidjson::kArrayType);
  versions.PushBack(rapidjson::StringRef(kStatelessProtocolVersion), a);
  for (const char* v : kProtocolVersions) versions.PushBack(rapidjson::StringRef(v), a);
  return versions;
}

std::string negotiate_version(std::string_view requested) {
  for (const char* v : kProtocolVersions) {
    if (requested == v) return v;
  }
  return kLatestProtocolVersion;
}

Server::Server(ServerInfo info, const ToolRegistry& tools)
    : info_(std::move(info)), tools_(tools) {}

rapidjson::Document Server::capabilities() const {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value tools(rapidjson::kObjectType);
  tools.AddMember("listChanged", false, a);
  d.AddMember("tools", tools, a);
  d.AddMember("logging", rapidjson::Value(rapidjson::kObjectType), a);
  return d;
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
  rapidjson::Value si(rapidjson::kObjectType);
  si.AddMember("name", json::str(info_.name, a), a);
  if (!info_.title.empty()) si.AddMember("title", json::str(info_.title, a), a);
  si.AddMember("version", json::str(info_.version, a), a);
  d.AddMember("serverInfo", si, a);
  if (!info_.instructions.empty()) {
    d.AddMember("instructions", json::str(info_.instructions, a), a);
  }
  return d;
}

rapidjson::Document Server::discover_result() const {
  rapidjson::Document d = initialize_result(nullptr);
  auto& a = d.GetAllocator();
  d.RemoveMember("protocolVersion");
  d.AddMember("supportedVersions", supported_versions(a), a);
  return d;
}

rapidjson::Document Server::tools_list() const {
  rapidjson::Document d(rapidjson::kObjectType);
  d.AddMember("tools", tools_.list(d.GetAllocator()), d.GetAllocator());
  return d;
}

void Server::end_session(const std::string& id) const {
  core::MutexLock l(&mu_);
  sessions_.erase(id);
}

std::size_t Server::sessions_known() const {
  core::MutexLock l(&mu_);
  return sessions_.size();
}

Server::SessionState Server::state(const std::string& session_id) const {
  if (session_id.empty()) return {};
  core::MutexLock l(&mu_);
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ? SessionState{} : it->second;
}

std::optional<LogLevel> Server::log_level(const std::string& session_id) const {
  return state(session_id).level;
}

rpc::Outcome Server::on_initialize(const rapidjson::Value& params, rpc::CallContext& ctx) const {
  if (!ctx.session_id.empty() && params.IsObject()) {
    SessionState st;
    if (auto c = params.FindMember("capabilities"); c != params.MemberEnd()) {
      st.sampling = has_object_member(c->value, "sampling");
      st.elicitation = has_object_member(c->value, "elicitation");
      st.roots = has_object_member(c->value, "roots");
    }
    core::MutexLock l(&mu_);
    sessions_[ctx.session_id] = st;
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
  if (!ctx.session_id.empty()) {
    core::MutexLock l(&mu_);
    sessions_[ctx.session_id].level = *parsed;
  }
  return rpc::Outcome::success(rapidjson::Document(rapidjson::kObjectType));
}

rpc::Outcome Server::on_tools_call(const rapidjson::Value& params, rpc::CallContext& ctx) const {
  auto call = read_tool_call(params);
  if (!call) return rpc::invalid_params("tools/call: " + call.error().message);
  const rapidjson::Value* token = nullptr;
  if (auto m = params.FindMember("_meta"); m != params.MemberEnd() && m->value.IsObject()) {
    if (auto t = m->value.FindMember("progressToken");
        t != m->value.MemberEnd() && (t->value.IsString() || t->value.IsNumber())) {
      token = &t->value;
    }
  }
  const SessionState st = state(ctx.session_id);
  CallScope scope(ctx, token, st.level, st.sampling, st.elicitation, st.roots);
  const auto start = std::chrono::steady_clock::now();
  auto r = tools_.call(call->name, call->arguments, scope);
  if (!r) return rpc::invalid_params(r.error().message);
  spdlog::debug("tool call: request={} tool={} is_error={} ms={}", ctx.request_id, call->name,
                r->is_error,
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count());
  return rpc::Outcome::success(to_call_result(std::move(r).value()));
}

void Server::install(rpc::Dispatcher& d) const {
  d.add("initialize", [this](const rapidjson::Value& params, rpc::CallContext& ctx) {
    return on_initialize(params, ctx);
  });
  d.add("server/discover", [this](const rapidjson::Value&, rpc::CallContext&) {
    return rpc::Outcome::success(discover_result());
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
  auto ignore = [](const rapidjson::Value&, rpc::CallContext&) {
    return rpc::Outcome::success(rapidjson::Document(rapidjson::kObjectType));
  };
  d.add("notifications/initialized", ignore);
  // Cancellation reaches running calls through the transport (rpc::Peer::cancelled).
  d.add("notifications/cancelled", ignore);
}

}  // namespace shopmcp::mcp
