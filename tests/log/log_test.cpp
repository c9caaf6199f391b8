#include "log/log.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>

#include <spdlog/details/log_msg.h>

namespace shopmcp::log {
namespace {

std::string line(const std::string& format, bool journal, spdlog::level::level_enum level,
                 const char* text) {
  const spdlog::details::log_msg msg(spdlog::source_loc{}, "shop-mcp", level, text);
  spdlog::memory_buf_t out;
  make_formatter(format, journal)->format(msg, out);
  return std::string(out.data(), out.size());
}

}  // namespace

TEST_CASE("journal lines start with the syslog priority and carry no time of their own") {
  CHECK(line("text", true, spdlog::level::info, "up") == "<6>[info] up\n");
  CHECK(line("text", true, spdlog::level::err, "bad") == "<3>[error] bad\n");
  CHECK(line("text", true, spdlog::level::warn, "w") == "<4>[warning] w\n");
  CHECK(line("text", true, spdlog::level::critical, "c") == "<2>[critical] c\n");
  CHECK(line("text", true, spdlog::level::debug, "d") == "<7>[debug] d\n");
  const std::string json = line("json", true, spdlog::level::err, "x\"y");
  CHECK(json.rfind("<3>{\"time\":\"", 0) == 0);
  CHECK(json.find(R"("level":"error")") != std::string::npos);
  CHECK(json.find(R"("msg":"x\"y"})") != std::string::npos);
}

TEST_CASE("outside the journal: a timestamp, no priority prefix") {
  const std::string text = line("text", false, spdlog::level::info, "up");
  CHECK(text.front() == '[');
  CHECK(text.find("] [info] up\n") != std::string::npos);
  CHECK(line("json", false, spdlog::level::info, "up").rfind("{\"time\":", 0) == 0);
}

TEST_CASE("stderr_is_journal compares JOURNAL_STREAM with stderr's device and inode") {
  struct stat st {};
  REQUIRE(fstat(2, &st) == 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  CHECK(stderr_is_journal(mine.c_str()));
  CHECK_FALSE(stderr_is_journal((std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1))
                                    .c_str()));  // another stream: stderr was redirected
  CHECK_FALSE(stderr_is_journal(nullptr));
  CHECK_FALSE(stderr_is_journal(""));
  CHECK_FALSE(stderr_is_journal("12"));
  CHECK_FALSE(stderr_is_journal((mine + "x").c_str()));
}

}  // namespace shopmcp::log
