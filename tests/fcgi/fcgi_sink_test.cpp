// FcgiSink over a real accepted request, read as nginx reads it: the FastCGI records on the wire.
// The slim sink (stdin and stderr freed at hand-off) must still end the request properly: its
// frames as FCGI_STDOUT, then stdout's end, then FCGI_END_REQUEST, and no stderr record. nginx
// with fastcgi_buffering off takes a bare EOF as the end too, so only this test would see a lost
// FCGI_END_REQUEST.
#include "fcgi/fcgi_sink.h"

#include <doctest/doctest.h>
#include <fcgiapp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "fcgi/listener.h"

namespace shopmcp::fcgi {
namespace {

struct Record {
  int type = 0;
  std::string content;
};

std::string record(int type, const std::string& content) {
  const auto n = content.size();
  std::string r = {
      1, static_cast<char>(type), 0, 1, static_cast<char>(n >> 8), static_cast<char>(n & 0xff), 0,
      0};
  return r + content;
}

std::string param(const std::string& k, const std::string& v) {
  return std::string(1, static_cast<char>(k.size())) + static_cast<char>(v.size()) + k + v;
}

// Plays nginx for one request: begin, params, an empty stdin; then reads every record until
// the app closes the connection.
std::vector<Record> play_nginx(const std::string& path) {
  const int c = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  REQUIRE(connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const std::string out = record(1, std::string("\0\1\0\0\0\0\0\0", 8)) +  // responder, no keep
                          record(4, param("REQUEST_METHOD", "GET") + param("REQUEST_URI", "/s")) +
                          record(4, "") + record(5, "");
  REQUIRE(write(c, out.data(), out.size()) == static_cast<ssize_t>(out.size()));
  std::string in;
  char buf[4096];
  for (ssize_t r; (r = read(c, buf, sizeof buf)) > 0;) in.append(buf, static_cast<size_t>(r));
  close(c);
  std::vector<Record> records;
  for (size_t p = 0; p + 8 <= in.size();) {
    const auto* h = reinterpret_cast<const unsigned char*>(in.data() + p);
    const size_t len = (h[4] << 8) | h[5], pad = h[6];
    records.push_back({h[1], in.substr(p + 8, len)});
    p += 8 + len + pad;
  }
  return records;
}

std::vector<Record> serve_one(FcgiSink::Slim slim) {
  char dir[] = "/tmp/shopmcp-sink-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/s.sock";
  auto l = open_listener("unix:" + path, /*explicit_address=*/true);
  REQUIRE(l.has_value());
  std::vector<Record> records;
  std::thread nginx([&] { records = play_nginx(path); });
  auto req = std::make_unique<FCGX_Request>();
  FCGX_InitRequest(req.get(), l->fd, 0);
  REQUIRE(FCGX_Accept_r(req.get()) == 0);
  const std::string head = "Content-Type: text/event-stream\r\n\r\n";
  FCGX_PutStr(head.data(), static_cast<int>(head.size()), req->out);
  FCGX_FFlush(req->out);
  char drain[64];
  while (FCGX_GetStr(drain, sizeof drain, req->in) > 0) {
  }
  {
    FcgiSink sink(std::move(req), slim);
    CHECK(sink.write("data: one\n\n") == 0);
    CHECK(sink.write("data: two\n\n") == 0);
    sink.finish();
  }
  nginx.join();
  close(l->fd);
  unlink(path.c_str());
  rmdir(dir);
  return records;
}

}  // namespace

TEST_CASE("a stream ends with stdout's end and FCGI_END_REQUEST, slim or not") {
  for (auto slim : {FcgiSink::Slim::kNo, FcgiSink::Slim::kYes}) {
    CAPTURE(slim == FcgiSink::Slim::kYes);
    const auto records = serve_one(slim);
    REQUIRE(records.size() >= 3);
    std::string stdout_bytes;
    size_t i = 0;
    for (; i < records.size() && records[i].type == 6 && !records[i].content.empty(); ++i) {
      stdout_bytes += records[i].content;
    }
    CHECK(stdout_bytes == "Content-Type: text/event-stream\r\n\r\ndata: one\n\ndata: two\n\n");
    REQUIRE(i + 2 == records.size());
    CHECK(records[i].type == 6);  // FCGI_STDOUT, empty: the end of stdout
    CHECK(records[i].content.empty());
    CHECK(records[i + 1].type == 3);  // FCGI_END_REQUEST
    REQUIRE(records[i + 1].content.size() == 8);
    CHECK(records[i + 1].content[4] == 0);  // FCGI_REQUEST_COMPLETE
  }
}

}  // namespace shopmcp::fcgi
