#include "log/log.h"

#include <sys/stat.h>

#include <cinttypes>
#include <cstdio>
#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace shopmcp::log {
namespace {

// %* : the message, escaped as the inside of a JSON string.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char c : msg.payload) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        dest.push_back('\\');
        dest.push_back(c);
      } else if (c == '\n') {
        dest.append(std::string_view("\\n"));
      } else if (u < 0x20) {
        const char esc[] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 0xf]};
        dest.append(esc, esc + sizeof esc);
      } else {
        dest.push_back(c);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonEscapedMessage>();
  }
};

// %P : the syslog priority journald reads from the start of a line, "<0>" .. "<7>".
class SyslogPriority final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char p = '6';  // info
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        p = '7';
        break;
      case spdlog::level::warn:
        p = '4';
        break;
      case spdlog::level::err:
        p = '3';
        break;
      case spdlog::level::critical:
        p = '2';
        break;
      default:
        break;
    }
    const char prefix[] = {'<', p, '>'};
    dest.append(prefix, prefix + sizeof prefix);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriority>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> make_formatter(const std::string& format, bool journal) {
  auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  f->add_flag<JsonEscapedMessage>('*');
  f->add_flag<SyslogPriority>('P');
  const std::string prefix = journal ? "%P" : "";
  if (format == "json") {
    f->set_pattern(prefix +
                   R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","thread":%t,"msg":"%*"})");
  } else if (journal) {
    f->set_pattern(prefix + "[%l] %v");
  } else {
    f->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  }
  return f;
}

bool stderr_is_journal(const char* journal_stream) {
  if (journal_stream == nullptr) return false;
  std::uintmax_t dev = 0, ino = 0;
  int used = 0;
  if (std::sscanf(journal_stream, "%" SCNuMAX ":%" SCNuMAX "%n", &dev, &ino, &used) != 2 ||
      journal_stream[used] != '\0') {
    return false;
  }
  struct stat st {};
  return fstat(2, &st) == 0 && static_cast<std::uintmax_t>(st.st_dev) == dev &&
         static_cast<std::uintmax_t>(st.st_ino) == ino;
}

void setup(const std::string& level, const std::string& format, bool journal) {
  auto logger = spdlog::stderr_logger_mt("shop-mcp");
  logger->set_formatter(make_formatter(format, journal));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace shopmcp::log
