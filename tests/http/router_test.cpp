#include "http/router.h"

#include <doctest/doctest.h>

#include "http/errors.h"
#include "http/test_exchange.h"

using shopmcp::http::Exchange;
using shopmcp::http::Request;
using shopmcp::http::Response;
using shopmcp::http::Router;

namespace {
Request req(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}
}  // namespace

using shopmcp::testing::route;

TEST_SUITE("http.router") {
  TEST_CASE("routes by method and path; 404 for unknown paths; 405 with Allow") {
    Router router;
    router.add("GET", "/a", [](const Request&, Exchange& ex) {
      Response r;
      r.body = "get-a";
      ex.respond(std::move(r));
    });
    router.add("POST", "/a", [](const Request&, Exchange& ex) {
      Response r;
      r.body = "post-a";
      ex.respond(std::move(r));
    });
    int observed = 0;
    router.set_observer([&observed](const std::string&, int status) { observed = status; });
    CHECK(route(router, req("GET", "/a")).body == "get-a");
    CHECK(observed == 200);
    CHECK(route(router, req("POST", "/a")).body == "post-a");
    CHECK(route(router, req("GET", "/b")).status == 404);
    CHECK(observed == 404);
    auto r = route(router, req("DELETE", "/a"));
    CHECK(r.status == 405);
    CHECK(r.header("allow") == "GET, POST");
    CHECK(r.header("content-type")->find("application/json") == 0);
  }

  TEST_CASE("an admission check answers instead of the handler, also for unknown paths") {
    Router router;
    bool ran = false;
    router.add("GET", "/a", [&ran](const Request&, Exchange& ex) {
      ran = true;
      ex.respond(Response{});
    });
    router.set_admission([](const Request& r) -> std::optional<Response> {
      if (r.header("authorization")) return std::nullopt;
      return shopmcp::http::error_response(shopmcp::http::ErrorShape::kPlain, 401, 401, "no");
    });
    CHECK(route(router, req("GET", "/a")).status == 401);
    CHECK(route(router, req("GET", "/nowhere")).status == 401);
    CHECK_FALSE(ran);
    Request ok = req("GET", "/a");
    ok.headers["authorization"] = "Bearer x";
    CHECK(route(router, ok).status == 200);
    CHECK(ran);
  }

  TEST_CASE("respond_then leaves its work for the worker, after the answer") {
    Router router;
    router.add("POST", "/later", [](const Request&, Exchange& ex) {
      Response r;
      r.status = 202;
      ex.respond_then(std::move(r), [] {});
    });
    auto a = route(router, req("POST", "/later"));
    CHECK(a.status == 202);
    CHECK(static_cast<bool>(a.after));
  }

  TEST_CASE("json bodies: 415 for other types, 400 for non-objects and bad JSON") {
    Request r = req("POST", "/x");
    r.content_type = "text/plain";
    r.body = "{}";
    CHECK(shopmcp::http::json_object_body(r, false).response->status == 415);
    r.content_type = "application/json; charset=utf-8";
    CHECK(shopmcp::http::json_object_body(r, false).body.has_value());
    r.body = "[1]";
    CHECK(shopmcp::http::json_object_body(r, false).response->status == 400);
    r.body = "{";
    CHECK(shopmcp::http::json_object_body(r, false).response->status == 400);
    r.body = "";
    r.content_type = "";
    CHECK(shopmcp::http::json_object_body(r, true).body.has_value());
  }

  TEST_CASE("query parameters and CGI header names are decoded") {
    Request r;
    r.query = "sessionId=ab%20c&x=1+2&flag";
    CHECK(r.query_param("sessionId") == "ab c");
    CHECK(r.query_param("x") == "1 2");
    CHECK(r.query_param("flag") == "");
    CHECK_FALSE(r.query_param("missing").has_value());
    CHECK(shopmcp::http::header_name_from_cgi("HTTP_USER_AGENT") == "user-agent");
    CHECK(shopmcp::http::url_decode("%zz%4", false) == "%zz%4");
  }
}
