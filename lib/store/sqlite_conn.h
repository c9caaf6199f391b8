// The SQLite plumbing SqliteStore's files share (not part of the module's API): errors that name
// the database and the step, a connection with its cached prepared statements, binding, reading
// columns, and running a query row by row. Not thread-safe: a Conn has one owner at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>

#include "core/result.h"
#include "store/sql_queries.h"

namespace shopmcp::store::sqlite {

// SQLITE_BUSY / SQLITE_LOCKED (another writer) are temporary: kUnavailable. Anything else is
// kInternal. The message names the database and the failing step.
inline core::Error db_error(const std::string& path, sqlite3* db, int rc, std::string_view what) {
  std::string msg = "sqlite database \"" + path + "\": " + std::string(what) + ": " +
                    (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) + " (code " +
                    std::to_string(rc) + ")";
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return core::unavailable(std::move(msg));
  return core::internal(std::move(msg));
}

struct StmtFinalizer {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// One connection and its prepared statements, cached by SQL text.
// Not thread-safe: one owner at a time (the pool lends it to one caller).
class Conn {
 public:
  explicit Conn(sqlite3* db) : db_(db) {}
  ~Conn() {
    stmts_.clear();  // finalize every statement before closing
    sqlite3_close_v2(db_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  sqlite3* db() const { return db_; }

  // The cached statement for `sql`, prepared on first use; nullptr with *rc set on failure.
  sqlite3_stmt* statement(const std::string& sql, int* rc) {
    if (auto it = stmts_.find(sql); it != stmts_.end()) return it->second.get();
    sqlite3_stmt* st = nullptr;
    *rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1),
                             SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (*rc != SQLITE_OK) {
      sqlite3_finalize(st);
      return nullptr;
    }
    stmts_.emplace(sql, StmtPtr(st));
    return st;
  }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, StmtPtr> stmts_;
};

// Leaves a cached statement ready for its next use.
struct StmtResetter {
  void operator()(sqlite3_stmt* st) const {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
};

// Text is bound without copying (nullptr = SQLITE_STATIC): it outlives every step.
inline int bind_text(sqlite3_stmt* st, int index, std::string_view s) {
  return sqlite3_bind_text64(st, index, s.data(), s.size(), nullptr, SQLITE_UTF8);
}

inline int bind(sqlite3_stmt* st, int index, const sql::Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return sqlite3_bind_int64(st, index, *i);
  if (const auto* d = std::get_if<double>(&v)) return sqlite3_bind_double(st, index, *d);
  return bind_text(st, index, std::get<std::string>(v));
}

inline std::string text(sqlite3_stmt* st, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));  // NULL -> ""
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, col))) : "";
}

inline std::int64_t int64(sqlite3_stmt* st, int col) { return sqlite3_column_int64(st, col); }
inline double real(sqlite3_stmt* st, int col) { return sqlite3_column_double(st, col); }

inline core::Result<void> exec(const std::string& path, Conn& c, const std::string& sql,
                               std::string_view what) {
  const int rc = sqlite3_exec(c.db(), sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return db_error(path, c.db(), rc, what);
  return {};
}

// Runs `q` on `c`, calling on_row(stmt) for each result row.
template <typename OnRow>
core::Result<void> run(const std::string& path, Conn& c, const sql::Query& q, OnRow&& on_row) {
  int rc = SQLITE_OK;
  sqlite3_stmt* st = c.statement(q.text, &rc);
  if (st == nullptr) return db_error(path, c.db(), rc, "prepare");
  const std::unique_ptr<sqlite3_stmt, StmtResetter> reset(st);
  for (std::size_t i = 0; i < q.binds.size(); ++i) {
    rc = bind(st, static_cast<int>(i + 1), q.binds[i]);
    if (rc != SQLITE_OK) return db_error(path, c.db(), rc, "bind");
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) on_row(st);
  if (rc != SQLITE_DONE) return db_error(path, c.db(), rc, "query");
  return {};
}

// The single integer `sql` yields.
inline core::Result<std::int64_t> query_int(const std::string& path, Conn& c, const char* sql) {
  std::int64_t value = 0;
  auto r = run(path, c, sql::Query{sql, {}}, [&value](sqlite3_stmt* st) { value = int64(st, 0); });
  if (!r) return r.error();
  return value;
}

}  // namespace shopmcp::store::sqlite
