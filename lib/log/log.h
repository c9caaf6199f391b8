// Logging: spdlog's default logger is the process's only global. setup() picks level and format.
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

namespace shopmcp::log {

// Logs to stderr as text ("[time] [level] message") or JSON lines
// ({"time":..,"level":..,"msg":..}). `level`: trace debug info warn error critical off.
// `journal`: stderr is systemd's journal, so each line starts with its syslog priority ("<3>"
// for an error), which journald strips and keeps as the entry's priority (journalctl -p err),
// and text lines carry no time of their own (the journal stamps each entry).
void setup(const std::string& level, const std::string& format, bool journal = false);

// The formatter setup() installs, for tests.
std::unique_ptr<spdlog::formatter> make_formatter(const std::string& format, bool journal);

// True when stderr is the stream systemd connected to the journal: `journal_stream` is
// JOURNAL_STREAM's value, "DEVICE:INODE" of that stream, compared with stderr's.
bool stderr_is_journal(const char* journal_stream);

}  // namespace shopmcp::log
