// xlsx::write_table: a table of typed columns written as an .xlsx workbook of one worksheet with
// libxlsxwriter: bold filled header row, frozen under the header, widths fitted to the content,
// numbers as numbers and timestamps as Excel dates. Thread-safe: calls are serialized, since
// libxlsxwriter is not reentrant (a call may wait for another thread's workbook).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace shopmcp::xlsx {

enum class Kind {
  kText,      // UTF-8 text
  kInteger,   // a number shown without decimals
  kMoney,     // a number shown with 2 decimals and thousands separators
  kDateTime,  // "YYYY-MM-DD HH:MM:SS" text, stored as an Excel date-time (text if malformed)
};

struct Column {
  std::string header;
  Kind kind = Kind::kText;
};

// kText and kDateTime columns hold text; kInteger and kMoney columns hold numbers. A cell of the
// other alternative is written as it is (text or a plain number).
using Cell = std::variant<std::string, double>;
using Row = std::vector<Cell>;  // one cell per column; missing trailing cells stay empty

struct Table {
  std::string sheet_name;  // at most 31 characters, none of []:*?/\ (Excel's rules)
  std::vector<Column> columns;
  std::vector<Row> rows;
};

// Writes `t` to `path` (created or replaced). libxlsxwriter's own temporary files go to
// `tmp_dir` ("" = the system's): give each concurrent call a directory of its own, as
// libxlsxwriter's temporary names are not unique across threads. Fails (with the reason, for the
// log) when a file cannot be written or a cell breaks an Excel limit (32,767 characters in a
// cell, 1,048,575 rows).
core::Result<void> write_table(const Table& t, const std::string& path, const std::string& tmp_dir);

// How wide `utf8` shows in Excel's character units: East Asian wide and full-width characters
// count 2, every other character 1.
std::size_t display_width(std::string_view utf8);

}  // namespace shopmcp::xlsx
