#include "xlsx/table.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "core/mutex.h"

namespace shopmcp::xlsx {
namespace {

constexpr std::size_t kMinWidth = 8;
constexpr std::size_t kMaxWidth = 60;
constexpr lxw_color_t kHeaderFill = 0xDDEBF7;  // light blue

// Owns a workbook until workbook_close() takes it; dropping it unwritten frees it and writes
// nothing.
class Workbook {
 public:
  explicit Workbook(lxw_workbook* wb) : wb_(wb) {}
  ~Workbook() {
    if (wb_ != nullptr) lxw_workbook_free(wb_);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;
  lxw_workbook* get() const { return wb_; }
  lxw_error close() {
    lxw_workbook* wb = wb_;
    wb_ = nullptr;
    return workbook_close(wb);  // writes the file and frees the workbook, also on failure
  }

 private:
  lxw_workbook* wb_;
};

// libxlsxwriter is not reentrant: it formats the workbook's creation time with gmtime() and names
// its temporary files from srand()/rand() and an unguarded static seed. Only write_table calls
// it, one workbook at a time in the process.
core::Mutex& library_mutex() {
  static core::Mutex mu;
  return mu;
}

bool wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

// "YYYY-MM-DD HH:MM:SS" -> the date-time; nullopt when it is not that shape.
std::optional<lxw_datetime> parse_datetime(const std::string& s) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  auto num = [&](int pos, int len) { return std::stoi(s.substr(pos, len)); };
  lxw_datetime dt{num(0, 4),  num(5, 2),  num(8, 2),
                  num(11, 2), num(14, 2), static_cast<double>(num(17, 2))};
  if (dt.month < 1 || dt.month > 12 || dt.day < 1 || dt.day > 31 || dt.hour > 23 || dt.min > 59 ||
      dt.sec > 59) {
    return std::nullopt;
  }
  return dt;
}

// Characters the number shows with in its column's format.
std::size_t number_width(double v, Kind kind) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", kind == Kind::kMoney ? 2 : 0, v);
  std::size_t n = std::string_view(buf).size();
  if (kind == Kind::kMoney) {
    const std::size_t digits = n - 3 - (v < 0 ? 1 : 0);
    n += digits > 0 ? (digits - 1) / 3 : 0;  // thousands separators
  }
  return n;
}

core::Result<void> failed(const std::string& what, lxw_error e) {
  return core::internal(what + ": " + lxw_strerror(e));
}

}  // namespace

std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
    char32_t c = len == 1 ? b : b & (0x7F >> len);
    for (int k = 1; k < len && i + k < s.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    width += wide(c) ? 2 : 1;
    i += static_cast<std::size_t>(len);
  }
  return width;
}

core::Result<void> write_table(const Table& t, const std::string& path,
                               const std::string& tmp_dir) {
  if (t.rows.size() + 1 > LXW_ROW_MAX) return core::internal("too many rows for one worksheet");
  if (t.columns.empty() || t.columns.size() > LXW_COL_MAX) {
    return core::internal("a worksheet needs 1 to 16384 columns");
  }
  std::string tmp = tmp_dir;               // libxlsxwriter takes a non-const char*
  core::MutexLock lock(&library_mutex());  // outlives `wb`: freeing is library code too
  lxw_workbook_options options{};
  options.tmpdir = tmp.empty() ? nullptr : tmp.data();
  Workbook wb(workbook_new_opt(path.c_str(), &options));
  if (wb.get() == nullptr) return core::internal("cannot create a workbook for " + path);
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), t.sheet_name.c_str());
  if (ws == nullptr) return core::internal("invalid worksheet name '" + t.sheet_name + "'");

  lxw_format* header = workbook_add_format(wb.get());
  format_set_bold(header);
  format_set_pattern(header, LXW_PATTERN_SOLID);
  format_set_bg_color(header, kHeaderFill);
  format_set_bottom(header, LXW_BORDER_THIN);
  format_set_align(header, LXW_ALIGN_CENTER);
  lxw_format* integer = workbook_add_format(wb.get());
  format_set_num_format(integer, "0");
  lxw_format* money = workbook_add_format(wb.get());
  format_set_num_format(money, "#,##0.00");
  lxw_format* datetime = workbook_add_format(wb.get());
  format_set_num_format(datetime, "yyyy-mm-dd hh:mm:ss");

  std::vector<std::size_t> widths(t.columns.size());
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    if (lxw_error e = worksheet_write_string(ws, 0, col, t.columns[c].header.c_str(), header)) {
      return failed("header", e);
    }
    widths[c] = display_width(t.columns[c].header) + 1;  // bold is a little wider
  }
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto row = static_cast<lxw_row_t>(r + 1);
    for (std::size_t c = 0; c < t.rows[r].size() && c < t.columns.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      const Kind kind = t.columns[c].kind;
      lxw_error e = LXW_NO_ERROR;
      std::size_t w = 0;
      if (const double* v = std::get_if<double>(&t.rows[r][c])) {
        e = worksheet_write_number(ws, row, col, *v,
                                   kind == Kind::kMoney     ? money
                                   : kind == Kind::kInteger ? integer
                                                            : nullptr);
        w = number_width(*v, kind == Kind::kMoney ? kind : Kind::kInteger);
      } else {
        const std::string& s = std::get<std::string>(t.rows[r][c]);
        std::optional<lxw_datetime> dt;
        if (kind == Kind::kDateTime) dt = parse_datetime(s);
        if (dt) {
          e = worksheet_write_datetime(ws, row, col, &*dt, datetime);
        } else {
          e = worksheet_write_string(ws, row, col, s.c_str(), nullptr);
        }
        w = display_width(s);
      }
      if (e != LXW_NO_ERROR) {
        return failed("row " + std::to_string(r + 1) + ", column " + t.columns[c].header, e);
      }
      widths[c] = std::max(widths[c], w);
    }
  }
  for (std::size_t c = 0; c < widths.size(); ++c) {
    const double width = static_cast<double>(std::clamp(widths[c] + 2, kMinWidth, kMaxWidth));
    const auto col = static_cast<lxw_col_t>(c);
    if (lxw_error e = worksheet_set_column(ws, col, col, width, nullptr)) {
      return failed("column width", e);
    }
  }
  worksheet_freeze_panes(ws, 1, 0);
  if (lxw_error e = wb.close()) return failed("writing " + path, e);
  return {};
}

}  // namespace shopmcp::xlsx
