#include "config/config.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "config/parse_with.h"

namespace {

using shopmcp::testing::parse_with;

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("defaults match the documented values") {
    auto c = parse_with({}, {});
    REQUIRE(c.has_value());
    CHECK(c->body_limit == 1048576);
    CHECK(c->ping_interval == 15);
    CHECK(c->max_connection_time == 3600);
    CHECK(c->max_consecutive_failures == 3);
    CHECK(c->log_format == "text");
    CHECK_FALSE(c->listen_explicit);
  }

  TEST_CASE("environment variables set options and flags win over them") {
    auto c = parse_with(
        {"--threads", "3"},
        {{"SHOP_MCP_THREADS", "5"}, {"SHOP_MCP_DB", "/x.db"}, {"SHOP_MCP_PING_INTERVAL", "2"}});
    REQUIRE(c.has_value());
    CHECK(c->threads == 3);
    CHECK(c->db == "/x.db");
    CHECK(c->ping_interval == 2);
  }

  TEST_CASE("flag=value and flag value forms both work") {
    auto c = parse_with({"--listen=127.0.0.1:9000", "--log-level", "debug"}, {});
    REQUIRE(c.has_value());
    CHECK(c->listen == "127.0.0.1:9000");
    CHECK(c->listen_explicit);
    CHECK(c->log_level == "debug");
  }

  TEST_CASE("a bad value names the option and what is allowed") {
    auto c = parse_with({"--threads", "0"}, {});
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().message.find("--threads") == 0);
    CHECK(c.error().message.find("from 1 to 256") != std::string::npos);

    auto e = parse_with({}, {{"SHOP_MCP_LOG_LEVEL", "loud"}});
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().message.find("SHOP_MCP_LOG_LEVEL") == 0);

    auto l = parse_with({"--listen", "nonsense"}, {});
    REQUIRE_FALSE(l.has_value());
    CHECK(l.error().message.find("unix:") != std::string::npos);

    CHECK_FALSE(parse_with({"--body-limit", "12abc"}, {}).has_value());
    CHECK_FALSE(parse_with({"--listen", "unix:relative.sock"}, {}).has_value());
    CHECK_FALSE(parse_with({"--listen", "host:70000"}, {}).has_value());
  }

  TEST_CASE("unknown options and missing values are refused") {
    CHECK(parse_with({"--nope"}, {}).error().message.find("unknown option") != std::string::npos);
    CHECK(parse_with({"--db"}, {}).error().message.find("needs a value") != std::string::npos);
    CHECK(parse_with({"stray"}, {}).error().message.find("unexpected argument") !=
          std::string::npos);
  }

  TEST_CASE("help lists every environment variable with its default") {
    const std::string h = shopmcp::config::help_text();
    for (const char* name :
         {"SHOP_MCP_LISTEN", "SHOP_MCP_THREADS", "SHOP_MCP_DB", "SHOP_MCP_LOG_LEVEL",
          "SHOP_MCP_LOG_FORMAT", "SHOP_MCP_BODY_LIMIT", "SHOP_MCP_PING_INTERVAL",
          "SHOP_MCP_MAX_CONNECTION_TIME", "SHOP_MCP_MAX_CONSECUTIVE_FAILURES"}) {
      CHECK_MESSAGE(h.find(name) != std::string::npos, name);
    }
    CHECK(h.find("default 1048576") != std::string::npos);
    CHECK(h.find("--version") != std::string::npos);
    // A flag wider than the column never runs into its description (tools parse this text).
    CHECK(h.find("SECONDShow") == std::string::npos);
    CHECK(h.find("  --client-request-timeout SECONDS\n" + std::string(34, ' ') + "how long") !=
          std::string::npos);
  }
  TEST_CASE("sessions, allow-lists and the bearer token") {
    auto c =
        parse_with({"--allowed-hosts", "a.example, b.example:8443", "--session-idle-timeout", "5"},
                   {{"SHOP_MCP_AUTH_TOKEN", "0123456789abcdef-token"},
                    {"SHOP_MCP_ALLOWED_ORIGINS", "https://a.example"}});
    REQUIRE(c.has_value());
    CHECK(c->allowed_hosts == std::vector<std::string>{"a.example", "b.example:8443"});
    CHECK(c->allowed_origins == std::vector<std::string>{"https://a.example"});
    CHECK(c->auth_token == "0123456789abcdef-token");
    CHECK(c->session_idle_timeout == 5);
    CHECK(parse_with({}, {})->session_idle_timeout == 1800);
    auto short_token = parse_with({}, {{"SHOP_MCP_AUTH_TOKEN", "short"}});
    REQUIRE_FALSE(short_token.has_value());
    CHECK(short_token.error().message.find("SHOP_MCP_AUTH_TOKEN") != std::string::npos);
    CHECK(short_token.error().message.find("short") == std::string::npos);  // never echoed
    CHECK_FALSE(
        parse_with({"--auth-token", "0123456789abcdef-token"}, {}).has_value());  // env only
    auto missing = parse_with({"--auth-token-file", "/nonexistent/token"}, {});
    REQUIRE_FALSE(missing.has_value());
    CHECK(shopmcp::config::help_text().find("SHOP_MCP_AUTH_TOKEN") != std::string::npos);
  }

  TEST_CASE("the PostgreSQL options: URL, pool, statement timeout, prepare") {
    auto c = parse_with({"--db", "postgresql://shop@db.example/shop", "--db-prepare"},
                        {{"SHOP_MCP_DB_POOL_SIZE", "4"}, {"SHOP_MCP_DB_STATEMENT_TIMEOUT", "20"}});
    REQUIRE(c.has_value());
    CHECK(c->db == "postgresql://shop@db.example/shop");
    CHECK(c->db_pool_size == 4);
    CHECK(c->db_statement_timeout == 20);
    CHECK(c->db_prepare);
    auto d = parse_with({}, {});
    CHECK(d->db_pool_size == 8);
    CHECK(d->db_statement_timeout == 10);
    CHECK_FALSE(d->db_prepare);
    CHECK_FALSE(parse_with({}, {{"SHOP_MCP_DB_PREPARE", "0"}})->db_prepare);
    CHECK(parse_with({}, {{"SHOP_MCP_DB_PREPARE", "1"}})->db_prepare);
    CHECK_FALSE(parse_with({}, {{"SHOP_MCP_DB_PREPARE", "maybe"}}).has_value());
    auto late = parse_with({"--db-statement-timeout", "50"}, {});
    REQUIRE_FALSE(late.has_value());
    CHECK(late.error().message.find("--tool-timeout") != std::string::npos);
  }

  TEST_CASE("instance name and FastCGI peers; TCP beyond loopback needs a peer list") {
    auto c = parse_with({"--instance", "shop-b_2", "--listen", "0.0.0.0:9000"},
                        {{"SHOP_MCP_ALLOWED_PEERS", "10.0.0.5, fd00::7"}});
    REQUIRE(c.has_value());
    CHECK(c->instance == "shop-b_2");
    CHECK(c->allowed_peers == std::vector<std::string>{"10.0.0.5", "fd00::7"});
    CHECK(parse_with({}, {})->instance.empty());
    for (const char* bad : {"", "a.b", "a b", "x/y", "123456789012345678901234567890123"}) {
      auto r = parse_with({"--instance", bad}, {});
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().message.find("--instance") != std::string::npos);
    }
    auto host = parse_with({"--allowed-peers", "nginx.example"}, {});
    REQUIRE_FALSE(host.has_value());
    CHECK(host.error().message.find("nginx.example") != std::string::npos);
    // Any host could speak FastCGI to these: refused without a list.
    for (const char* open :
         {"0.0.0.0:9000", "*:9000", "10.0.0.2:9000", "[::]:9000", "shop.example:9000"}) {
      auto r = parse_with({"--listen", open}, {});
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().message.find("--allowed-peers") != std::string::npos);
      CHECK(parse_with({"--listen", open, "--allowed-peers", "*"}, {}).has_value());
    }
    for (const char* local :
         {"127.0.0.1:9000", "127.0.0.2:9000", "[::1]:9000", "localhost:9000", "unix:/run/x.sock"}) {
      CHECK(parse_with({"--listen", local}, {}).has_value());
    }
  }

  TEST_CASE("every client-facing bound is a named option with a documented default") {
    auto d = parse_with({}, {});
    REQUIRE(d.has_value());
    CHECK(d->max_json_depth == 64);
    CHECK(d->max_batch_messages == 100);
    CHECK(d->max_batch_answer_bytes == 4 << 20);
    CHECK(d->replay_log_budget == std::int64_t{128} << 20);
    CHECK(d->max_sessions_per_client == 1000);
    CHECK(d->tool_timeout == 50);
    CHECK(d->shutdown_timeout == 10);
    auto c = parse_with(
        {"--max-json-depth", "16", "--max-batch-messages", "5", "--max-batch-answer-bytes", "65536",
         "--max-sessions-per-client", "3", "--tool-timeout", "45", "--shutdown-timeout", "2"},
        {{"SHOP_MCP_REPLAY_LOG_BUDGET", "2097152"}});
    REQUIRE(c.has_value());
    CHECK(c->max_json_depth == 16);
    CHECK(c->max_batch_messages == 5);
    CHECK(c->max_batch_answer_bytes == 65536);
    CHECK(c->max_sessions_per_client == 3);
    CHECK(c->tool_timeout == 45);
    CHECK(c->shutdown_timeout == 2);
    CHECK(c->replay_log_budget == 2097152);
    const std::string h = shopmcp::config::help_text();
    for (const char* name : {"SHOP_MCP_MAX_JSON_DEPTH", "SHOP_MCP_MAX_BATCH_MESSAGES",
                             "SHOP_MCP_MAX_BATCH_ANSWER_BYTES", "SHOP_MCP_REPLAY_LOG_BUDGET",
                             "SHOP_MCP_MAX_SESSIONS_PER_CLIENT", "SHOP_MCP_TOOL_TIMEOUT",
                             "SHOP_MCP_SHUTDOWN_TIMEOUT"}) {
      CHECK_MESSAGE(h.find(name) != std::string::npos, name);
    }
    auto deep = parse_with({"--max-json-depth", "100000"}, {});
    REQUIRE_FALSE(deep.has_value());
    CHECK(deep.error().message.find("--max-json-depth") != std::string::npos);
  }

  TEST_CASE("a mail send that could outlive the tool time limit is refused at start") {
    auto c = parse_with({"--tool-timeout", "30", "--smtp-timeout", "30"}, {});
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().message.find("--smtp-timeout") != std::string::npos);
    CHECK(c.error().message.find("--tool-timeout") != std::string::npos);
    CHECK(parse_with({"--tool-timeout", "30", "--smtp-timeout", "29"}, {}).has_value());
  }
}
