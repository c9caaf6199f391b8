// The database the store and tool tests run on. By default an in-memory SQLite database; with
// SHOPMCP_TEST_STORE=postgres (tests/store/pg_unit.sh) a fresh schema of the private PostgreSQL at
// SHOPMCP_TEST_PG_URL, with shop-mcp's objects (the rollup and its triggers), or with
// SHOPMCP_TEST_STORE=postgres-plain without them (the shop's own tables, read as they are). The
// same tests then prove all three give the same answers.
#pragma once

#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/ids.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"

namespace shopmcp::store::testing {

inline std::string env_or(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr ? v : fallback;
}

// The PostgreSQL server tests/store/pg_unit.sh started ("" when none).
inline std::string pg_base_url() { return env_or("SHOPMCP_TEST_PG_URL"); }
inline bool on_postgres() { return env_or("SHOPMCP_TEST_STORE").rfind("postgres", 0) == 0; }

// A plain libpq connection: the other program writing the shop's database, or the test's own
// set-up. Fails the test on any error.
class PgSql {
 public:
  explicit PgSql(const std::string& url) : c_(PQconnectdb(url.c_str())) {
    INFO(PQerrorMessage(c_));
    REQUIRE(PQstatus(c_) == CONNECTION_OK);
    exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'");
  }
  ~PgSql() { PQfinish(c_); }
  PgSql(const PgSql&) = delete;
  PgSql& operator=(const PgSql&) = delete;
  void exec(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    const auto st = PQresultStatus(r);
    const std::string error = PQresultErrorMessage(r);
    PQclear(r);
    INFO(sql);
    REQUIRE_MESSAGE((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK), error);
  }
  // Every row as text, columns joined with '|'.
  std::vector<std::string> rows(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    INFO(sql);
    REQUIRE_MESSAGE(PQresultStatus(r) == PGRES_TUPLES_OK, std::string(PQresultErrorMessage(r)));
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(r); ++i) {
      std::string line;
      for (int j = 0; j < PQnfields(r); ++j) {
        if (j) line += '|';
        line += PQgetvalue(r, i, j);
      }
      out.push_back(line);
    }
    PQclear(r);
    return out;
  }

 private:
  PGconn* c_;
};

// A URL for a new, empty schema of the test server: every store opened on it sees only that
// schema's tables (search_path), so tests do not share data.
inline std::string fresh_pg_url() {
  const std::string base = pg_base_url();
  REQUIRE_MESSAGE(!base.empty(), "SHOPMCP_TEST_PG_URL is unset: run tests/store/pg_unit.sh");
  const std::string schema = "t_" + core::random_hex(8);
  PgSql(base).exec("CREATE SCHEMA " + schema);
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

// Removes shop-mcp's objects, leaving the shop's tables as the shop's own application would have
// them.
inline void drop_shopmcp_objects(const std::string& url) {
  PgSql(url).exec(
      "DROP TRIGGER shopmcp_rollup ON orders; DROP TRIGGER shopmcp_rollup_truncate ON orders;"
      "DROP TRIGGER shopmcp_notify ON orders; DROP TRIGGER shopmcp_notify ON products;"
      "DROP FUNCTION shopmcp_rollup_row(), shopmcp_rollup_truncate(), shopmcp_notify();"
      "DROP TABLE shopmcp_rollup, shopmcp_meta;"
      "DROP INDEX IF EXISTS shopmcp_orders_created_at, shopmcp_orders_status_created, "
      "shopmcp_orders_name,"
      " shopmcp_orders_product_id, shopmcp_orders_txn, shopmcp_orders_txn_trgm");
}

// A seeded store for one test, on the database SHOPMCP_TEST_STORE selects.
inline std::unique_ptr<Store> open_test_store(const SeedOptions& seed) {
  if (!on_postgres()) {
    auto s = SqliteStore::open(":memory:", seed);
    if (!s) FAIL(s.error().message);
    return std::move(*s);
  }
  const std::string url = fresh_pg_url();
  auto s = PgStore::open(url, seed, PgOptions{});
  if (!s) FAIL(s.error().message);
  if (env_or("SHOPMCP_TEST_STORE") == "postgres-plain") {
    s->reset();
    drop_shopmcp_objects(url);
    s = PgStore::open(url, seed, PgOptions{});
    if (!s) FAIL(s.error().message);
    REQUIRE_FALSE((*s)->has_rollup());
  }
  return std::move(*s);
}

}  // namespace shopmcp::store::testing
