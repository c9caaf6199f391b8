// Migration 3 on a database made before it: orders(status) gives way to orders(status,
// created_at), and get_orders by status within a date range walks that index (newest first)
// instead of every order of the status.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <string>

#include "store/sqlite_store.h"
#include "store/store_test_util.h"

namespace shopmcp::store::testing {
namespace {

// One column of every row, joined with '\n'.
std::string column(const std::string& path, const std::string& sql, int col = 0) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const auto* t = sqlite3_column_text(st, col);
    out += std::string(t ? reinterpret_cast<const char*>(t) : "") + "\n";
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

void exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

}  // namespace

TEST_CASE("migration 3 replaces orders(status) with orders(status, created_at)" *
          doctest::test_suite("store.sqlite")) {
  char dir[] = "/tmp/shopmcp-migrate-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/shop.db";
  const std::string indexes =
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders'"
      " AND name LIKE 'orders_status%' ORDER BY name";
  {
    auto fresh = SqliteStore::open(path, SeedOptions{300, 1, kNow});
    REQUIRE(fresh.has_value());
  }
  CHECK(column(path, indexes) == "orders_status_created\n");  // new: from migration 1
  CHECK(column(path, "PRAGMA user_version") == "3\n");
  // As a database made by the previous version left it.
  exec(path,
       "DROP INDEX orders_status_created; CREATE INDEX orders_status ON orders(status);"
       "PRAGMA user_version = 2;");
  const auto before = column(path, "SELECT transaction_id FROM orders ORDER BY id");
  auto reopened = SqliteStore::open(path, SeedOptions{50, 2, kNow});
  REQUIRE(reopened.has_value());
  CHECK(column(path, indexes) == "orders_status_created\n");
  CHECK(column(path, "PRAGMA user_version") == "3\n");
  CHECK(column(path, "SELECT transaction_id FROM orders ORDER BY id") == before);  // no reseed

  OrderFilter f;
  f.status = "pending";
  f.date_from = "2025-01-01";
  f.date_to = "2025-12-31";
  const std::string plan = column(
      path,
      "EXPLAIN QUERY PLAN SELECT o.transaction_id FROM orders o WHERE o.status = 'pending' AND"
      " o.created_at >= '2025-01-01 00:00:00' AND o.created_at <= '2025-12-31 23:59:59'"
      " ORDER BY o.created_at DESC, o.transaction_id DESC LIMIT 10",
      3);
  CHECK(plan.find("USING INDEX orders_status_created (status=? AND created_at>? AND "
                  "created_at<?)") != std::string::npos);
  auto got = (*reopened)->find_orders(f, 10);
  REQUIRE(got.has_value());
  CHECK(got->size() == 10);
  CHECK(column(path,
               "SELECT transaction_id FROM orders WHERE status = 'pending' AND created_at >="
               " '2025-01-01 00:00:00' AND created_at <= '2025-12-31 23:59:59'"
               " ORDER BY created_at DESC, transaction_id DESC LIMIT 10") == [&] {
    std::string s;
    for (const auto& o : *got) s += o.transaction_id + "\n";
    return s;
  }());
  unlink(path.c_str());
  unlink((path + "-wal").c_str());
  unlink((path + "-shm").c_str());
  rmdir(dir);
}

}  // namespace shopmcp::store::testing
