#include "http/guard.h"

#include <doctest/doctest.h>

#include "core/text.h"
#include "json/json.h"

using shopmcp::http::Guard;
using shopmcp::http::GuardOptions;
using shopmcp::http::Request;

namespace {

Request req(std::map<std::string, std::string> headers, std::string path = "/mcp") {
  Request r;
  r.method = "POST";
  r.path = std::move(path);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_SUITE("http.guard") {
  TEST_CASE("loopback hosts and origins pass by default; others get 403 with a JSON-RPC error") {
    Guard g({});
    for (const char* h :
         {"localhost", "localhost:8080", "127.0.0.1:9", "[::1]:8080", "LOCALHOST"}) {
      CHECK_MESSAGE(!g.check(req({{"host", h}})).has_value(), h);
    }
    for (const char* o : {"http://localhost:3000", "https://127.0.0.1", "http://[::1]:80"}) {
      CHECK_MESSAGE(!g.check(req({{"host", "127.0.0.1"}, {"origin", o}})).has_value(), o);
    }
    CHECK_FALSE(g.check(req({})).has_value());  // no Host at all: not a browser
    auto host = g.check(req({{"host", "evil.example.com"}}));
    REQUIRE(host.has_value());
    CHECK(host->status == 403);
    auto body = shopmcp::json::parse(host->body);
    REQUIRE(body.has_value());
    CHECK(std::string((*body)["jsonrpc"].GetString()) == "2.0");
    CHECK(std::string((*body)["error"]["message"].GetString()).find("evil.example.com") !=
          std::string::npos);
    for (const char* o :
         {"http://evil.example.com", "null", "http://localhost.evil.com", "file://"}) {
      auto r = g.check(req({{"host", "localhost"}, {"origin", o}}));
      CHECK_MESSAGE((r && r->status == 403), o);
    }
    CHECK(g.check(req({{"host", "127.0.0.1.evil.com"}}))->status == 403);
  }

  TEST_CASE("the allow-lists admit named hosts (any port unless given) and exact origins") {
    GuardOptions o;
    o.allowed_hosts = {"Shop.Example.com", "api.example.com:8443"};
    o.allowed_origins = {"https://shop.example.com"};
    Guard g(o);
    CHECK_FALSE(g.check(req({{"host", "shop.example.com"}})).has_value());
    CHECK_FALSE(g.check(req({{"host", "shop.example.com:443"}})).has_value());
    CHECK_FALSE(g.check(req({{"host", "api.example.com:8443"}})).has_value());
    CHECK(g.check(req({{"host", "api.example.com:9000"}}))->status == 403);
    CHECK_FALSE(g.check(req({{"host", "shop.example.com"}, {"origin", "https://shop.example.com"}}))
                    .has_value());
    CHECK(g.check(req({{"host", "shop.example.com"}, {"origin", "http://shop.example.com"}}))
              ->status == 403);
    GuardOptions any;
    any.allowed_hosts = {"*"};
    any.allowed_origins = {"*"};
    CHECK_FALSE(Guard(any).check(req({{"host", "x.y"}, {"origin", "https://z"}})).has_value());
  }

  TEST_CASE("bearer token: missing or wrong gets 401 with WWW-Authenticate; public paths pass") {
    GuardOptions o;
    o.auth_token = "s3cret-token-0123456789";
    o.public_paths = {"/mcp/health"};
    Guard g(o);
    auto missing = g.check(req({{"host", "localhost"}}));
    REQUIRE(missing.has_value());
    CHECK(missing->status == 401);
    CHECK(missing->header("WWW-Authenticate")->rfind("Bearer", 0) == 0);
    auto wrong =
        g.check(req({{"host", "localhost"}, {"authorization", "Bearer s3cret-token-0123456788"}}));
    CHECK(wrong->status == 401);
    CHECK(wrong->header("WWW-Authenticate")->find("invalid_token") != std::string::npos);
    CHECK(wrong->body.find("s3cret") == std::string::npos);
    CHECK(g.check(req({{"authorization", "Bearer s3cret"}}))->status == 401);  // a prefix
    CHECK(g.check(req({{"authorization", "Basic s3cret-token-0123456789"}}))->status == 401);
    CHECK_FALSE(g.check(req({{"authorization", "Bearer s3cret-token-0123456789"}})).has_value());
    CHECK_FALSE(g.check(req({{"authorization", "bearer s3cret-token-0123456789"}})).has_value());
    CHECK_FALSE(g.check(req({}, "/mcp/health")).has_value());
    // Host is checked before the token.
    CHECK(g.check(req({{"host", "evil.example.com"},
                       {"authorization", "Bearer s3cret-token-0123456789"}}))
              ->status == 403);
  }

  TEST_CASE("a refused Host with raw bytes or a long non-ASCII name is quoted as valid UTF-8") {
    Guard g({});
    std::string long_host;
    for (int i = 0; i < 80; ++i) long_host += "\xE9\x99\xB3";  // 240 bytes; 200 are quoted
    for (const std::string& h : {std::string("bad\xFF\xFE.example"), long_host}) {
      auto r = g.check(req({{"host", h}}));
      REQUIRE(r.has_value());
      CHECK(r->status == 403);
      CHECK(shopmcp::core::is_valid_utf8(r->body));
      CHECK(shopmcp::json::parse(r->body).has_value());
    }
  }
}
