// conformance-server: shop-mcp plus the fixture tools, resources and prompts the MCP conformance
// suite and the SDK-client tests call by name. For tests only; never deployed.
#include "common/server_main.h"
#include "conformance-server/fixture_catalog.h"
#include "conformance-server/fixture_tools.h"

int main(int argc, char** argv) {
  shopmcp::app::Program p;
  p.name = "conformance-server";
  p.info.name = "shop-mcp-conformance";
  p.info.title = "Shop MCP (conformance fixtures)";
  p.info.description = "shop-mcp with the MCP conformance suite's fixture tools";
  p.add_tools = shopmcp::app::add_fixture_tools;
  p.add_resources = shopmcp::app::add_fixture_resources;
  p.add_prompts = shopmcp::app::add_fixture_prompts;
  return shopmcp::app::server_main(argc, argv, p);
}
