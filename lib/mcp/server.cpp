#include "mcp/server.h"

#include <chrono>

#include "json/json.h"
#include "log/log.h"

namespace shopmcp::mcp {

bool is_supported_version(std::string_view version) {
  for (const char* v : kProtocolVersions) {
    if (version == v) return true;
  }
  return false;
}

std::string negotiate_version(std::string_view requested) {
  return is_supported_version(requested) ? std::string(requested) : kLatestProtocolVersion;
}

Server::Server(ServerInfo info, const ToolRegistry& tools) : info_(std::move(info)), tools_(tools) {}

rapidjson::Document Server::capabilities() const {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value tools(rapidjson::kObjectType);
  tools.AddMember("listChanged", false, a);
  d.AddMember("tools", tools, a);
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

rapidjson::Document Server::tools_list() const {
  rapidjson::Document d(rapidjson::kObjectType);
  d.AddMember("tools", tools_.list(d.GetAllocator()), d.GetAllocator());
  return d;
}

rpc::Outcome Server::on_tools_call(const rapidjson::Value& params, rpc::CallContext& ctx) const {
  auto call = read_tool_call(params);
  if (!call) return rpc::invalid_params("tools/call: " + call.error().message);
  const auto start = std::chrono::steady_clock::now();
  auto r = tools_.call(call->name, call->arguments);
  if (!r) return rpc::invalid_params(r.error().message);
  spdlog::debug("tool call: request={} tool={} is_error={} ms={}", ctx.request_id, call->name,
                r->is_error,
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count());
  return rpc::Outcome::success(to_call_result(std::move(r).value()));
}

void Server::install(rpc::Dispatcher& d) const {
  d.add("initialize", [this](const rapidjson::Value& params, rpc::CallContext&) {
    return rpc::Outcome::success(initialize_result(&params));
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
  auto ignore = [](const rapidjson::Value&, rpc::CallContext&) {
    return rpc::Outcome::success(rapidjson::Document(rapidjson::kObjectType));
  };
  d.add("notifications/initialized", ignore);
  d.add("notifications/cancelled", ignore);
}

}  // namespace shopmcp::mcp
