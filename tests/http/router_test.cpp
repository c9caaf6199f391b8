#include "http/router.h"

#include <doctest/doctest.h>

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

TEST_SUITE("http.router") {
  TEST_CASE("routes by method and path; 404 for unknown paths; 405 with Allow") {
    Router router;
    router.add("GET", "/a", [](const Request&) {
      Response r;
      r.body = "get-a";
      return r;
    });
    router.add("POST", "/a", [](const Request&) {
      Response r;
      r.body = "post-a";
      return r;
    });
    CHECK(router.route(req("GET", "/a")).body == "get-a");
    CHECK(router.route(req("POST", "/a")).body == "post-a");
    CHECK(router.route(req("GET", "/b")).status == 404);
    Response r = router.route(req("DELETE", "/a"));
    CHECK(r.status == 405);
    CHECK(r.header("allow") == "GET, POST");
    CHECK(r.header("content-type")->find("application/json") == 0);
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
