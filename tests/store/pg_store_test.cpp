// PgStore's own behaviour, against the private PostgreSQL of tests/integration/
// test_postgres_store.sh (SHOPMCP_TEST_PG_URL; left out without it, see tests/main.cpp): the
// shop's existing tables read as they are or prepared only when asked, the rollup kept exact by
// its triggers whoever writes the orders, change notices, lost connections replaced, the statement
// timeout, and no password in any message. The queries themselves are checked by every store and
// tool test, which that script runs against PostgreSQL too.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/open_store.h"
#include "store/pg_store.h"
#include "store/store_test_util.h"
#include "store/test_db.h"

namespace shopmcp::store::testing {
namespace {

// The shop's tables as its Laravel application creates them, with a few rows: what shop-mcp finds
// in a shop's existing database.
void make_shop_tables(PgSql& sql) {
  sql.exec(
      "CREATE TABLE products (id bigserial PRIMARY KEY, name varchar(255) NOT NULL,"
      " description text NOT NULL, price numeric(10, 2) NOT NULL, stock_quantity integer NOT NULL,"
      " category varchar(255) NOT NULL, created_at timestamp(0) NULL, updated_at timestamp(0) "
      "NULL);"
      "CREATE TABLE orders (id bigserial PRIMARY KEY, transaction_id varchar(255) NOT NULL UNIQUE,"
      " name varchar(255) NOT NULL, amount numeric(10, 2) NOT NULL, status varchar(255) NOT NULL"
      " CHECK (status IN ('pending', 'processing', 'completed', 'cancelled', 'refunded')),"
      " product_id bigint NOT NULL REFERENCES products (id), quantity integer NOT NULL,"
      " created_at timestamp(0) NULL, updated_at timestamp(0) NULL);"
      "INSERT INTO products (name, description, price, stock_quantity, category, created_at,"
      " updated_at) VALUES ('可口可樂', '經典汽水飲料', 15.50, 100, '飲料', '2026-01-01 00:00:00',"
      " '2026-01-01 00:00:00'), ('樂事薯片', '原味薯片', 12.80, 80, '零食', '2026-01-01 00:00:00',"
      " '2026-01-01 00:00:00');"
      "INSERT INTO orders (transaction_id, name, amount, status, product_id, quantity, created_at,"
      " updated_at) VALUES"
      " ('TXN000001', '陳大明', 31.00, 'completed', 1, 2, '2026-01-02 10:00:00', '2026-01-02 "
      "10:00:00'),"
      " ('TXN000002', '李小芳', 12.80, 'pending', 2, 1, '2026-01-02 11:00:00', '2026-01-02 "
      "11:00:00'),"
      " ('TXN000003', '陳大明', 46.50, 'completed', 1, 3, '2026-01-03 09:30:00', '2026-01-03 "
      "09:30:00')");
}

std::vector<std::string> shopmcp_objects(PgSql& sql) {
  return sql.rows(
      "SELECT relname FROM pg_class WHERE relname LIKE 'shopmcp%' AND relnamespace ="
      " current_schema()::regnamespace UNION ALL SELECT tgname FROM pg_trigger WHERE"
      " tgname LIKE 'shopmcp%' AND tgrelid IN ('orders'::regclass, 'products'::regclass)"
      " ORDER BY 1");
}

void check_existing_answers(Store& store) {
  auto orders = store.find_orders({}, 10);
  REQUIRE(orders);
  REQUIRE(orders->size() == 3);
  CHECK((*orders)[0].transaction_id == "TXN000003");
  CHECK((*orders)[0].created_at == "2026-01-03 09:30:00");
  CHECK((*orders)[0].product_name == "可口可樂");
  auto stats = store.customer_stats({}, 10);
  REQUIRE(stats);
  REQUIRE(stats->size() == 2);
  CHECK((*stats)[0].customer_name == "陳大明");
  CHECK((*stats)[0].total_orders == 2);
  CHECK((*stats)[0].total_spent == doctest::Approx(77.50));
  CHECK((*stats)[0].average_order_amount == doctest::Approx(38.75));
  CHECK((*stats)[0].first_order_date == "2026-01-02 10:00:00");
  auto daily = store.order_analytics(Grouping::kDaily, {}, 10);
  REQUIRE(daily);
  REQUIRE(daily->size() == 2);
  CHECK((*daily)[0].date == "2026-01-03");
  CHECK((*daily)[1].order_count == 2);
  OrderFilter f;
  f.transaction_id = "xn000002";
  auto one = store.find_orders(f, 10);
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].customer_name == "李小芳");
}

}  // namespace

TEST_SUITE("store.pg") {
  TEST_CASE("the shop's existing tables are read as they are: nothing is added to them") {
    const std::string url = fresh_pg_url();
    PgSql sql(url);
    make_shop_tables(sql);
    auto s = PgStore::open(url, SeedOptions{500, 1, kNow}, PgOptions{});
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
    CHECK_FALSE((*s)->created_tables());
    CHECK_FALSE((*s)->has_rollup());
    CHECK_FALSE((*s)->notifies_changes());
    CHECK(shopmcp_objects(sql).empty());
    CHECK(sql.rows("SELECT COUNT(*) FROM orders") == std::vector<std::string>{"3"});  // not seeded
    check_existing_answers(**s);
  }

  TEST_CASE("--db-prepare adds the rollup, indexes and triggers, and the answers stay the same") {
    const std::string url = fresh_pg_url();
    PgSql sql(url);
    make_shop_tables(sql);
    PgOptions prepare;
    prepare.prepare = true;
    auto s = PgStore::open(url, SeedOptions{}, prepare);
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
    CHECK_FALSE((*s)->created_tables());
    CHECK((*s)->has_rollup());
    CHECK_FALSE(shopmcp_objects(sql).empty());
    check_existing_answers(**s);
    // Columns untouched: the same as before.
    CHECK(sql.rows("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM"
                   " information_schema.columns WHERE table_name = 'orders' AND table_schema ="
                   " current_schema()") ==
          std::vector<std::string>{
              "id,transaction_id,name,amount,status,product_id,quantity,created_at,updated_at"});
    // Later starts without the flag keep using what was installed.
    s->reset();
    auto again = PgStore::open(url, SeedOptions{}, PgOptions{});
    REQUIRE(again.has_value());
    CHECK((*again)->has_rollup());
  }

  TEST_CASE("one of the two tables alone is refused with what to do") {
    const std::string url = fresh_pg_url();
    PgSql(url).exec("CREATE TABLE products (id bigserial PRIMARY KEY)");
    auto s = PgStore::open(url, SeedOptions{}, PgOptions{});
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().message.find("products table but no orders table") != std::string::npos);
  }

  TEST_CASE("the rollup equals the orders' own totals after random writes by another program") {
    const std::string url = fresh_pg_url();
    auto s = PgStore::open(url, SeedOptions{1500, 7, kNow}, PgOptions{});
    REQUIRE(s.has_value());
    PgSql sql(url);
    const std::uint64_t seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
    const char* statuses[] = {"pending", "processing", "completed", "cancelled", "refunded"};
    const char* names[] = {"陳大明", "李小芳", "新客戶", "x"};
    auto day = [&] {
      char b[20];
      std::snprintf(b, sizeof b, "2025-%02d-%02d %02d:00:00", 1 + pick(12), 1 + pick(28), pick(24));
      return std::string(b);
    };
    const std::string from_orders =
        "SELECT created_at::date, status, name, product_id, COUNT(*), SUM(quantity),"
        " SUM((amount * 100)::bigint), MIN(created_at), MAX(created_at) FROM orders GROUP BY 1, 2,"
        " 3, 4 ORDER BY 1, 2, 3, 4";
    const std::string from_rollup =
        "SELECT day, status, name, product_id, orders, quantity, cents, first_at, last_at FROM"
        " shopmcp_rollup ORDER BY 1, 2, 3, 4";
    int txn = 900000;
    for (int round = 0; round < 60; ++round) {
      CAPTURE(round);
      for (int k = 0, n = 1 + pick(5); k < n; ++k) {
        switch (pick(5)) {
          case 0:
          case 1:
            sql.exec(
                "INSERT INTO orders (transaction_id, name, amount, status, product_id,"
                " quantity, created_at, updated_at) VALUES ('TXN" +
                std::to_string(txn++) + "', '" + names[pick(4)] + "', " +
                std::to_string(pick(20000) / 100.0) + ", '" + statuses[pick(5)] + "', " +
                std::to_string(1 + pick(10)) + ", " + std::to_string(1 + pick(5)) + ", '" + day() +
                "', now())");
            break;
          case 2:
            sql.exec(std::string("UPDATE orders SET status = '") + statuses[pick(5)] +
                     "', amount = amount + 0.05 WHERE id IN (SELECT id FROM orders ORDER BY"
                     " random() LIMIT " +
                     std::to_string(1 + pick(20)) + ")");
            break;
          case 3:
            sql.exec("UPDATE orders SET created_at = '" + day() + "', name = '" + names[pick(4)] +
                     "' WHERE id = (SELECT id FROM orders ORDER BY random() LIMIT 1)");
            break;
          default:
            sql.exec(
                "DELETE FROM orders WHERE id IN (SELECT id FROM orders ORDER BY random()"
                " LIMIT " +
                std::to_string(1 + pick(10)) + ")");
        }
      }
      REQUIRE(sql.rows(from_rollup) == sql.rows(from_orders));
    }
    sql.exec("TRUNCATE orders");
    CHECK(sql.rows("SELECT COUNT(*) FROM shopmcp_rollup") == std::vector<std::string>{"0"});
    auto overall = (*s)->overall_stats({});
    REQUIRE(overall);
    CHECK(overall->total_orders == 0);
  }

  TEST_CASE("a change made by another program is noticed at once (LISTEN/NOTIFY)") {
    const std::string url = fresh_pg_url();
    auto s = PgStore::open(url, SeedOptions{20, 1, kNow}, PgOptions{});
    REQUIRE(s.has_value());
    REQUIRE((*s)->notifies_changes());
    std::atomic<int> calls{0};
    REQUIRE((*s)->watch_changes([&] { ++calls; }));
    // The first call comes once it listens (anything missed before is re-read).
    for (int i = 0; i < 200 && calls.load() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(calls.load() >= 1);
    const int before = calls.load();
    const auto t0 = std::chrono::steady_clock::now();
    PgSql(url).exec("UPDATE products SET stock_quantity = stock_quantity + 1 WHERE id = 2");
    while (calls.load() == before &&
           std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    CHECK(calls.load() > before);
    MESSAGE(
        "notice after "
        << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count()
        << " ms");
    (*s)->stop_watching();
  }

  TEST_CASE("connections lost to a server restart are replaced without failing a call") {
    const std::string url = fresh_pg_url();
    PgOptions four;
    four.pool_size = 4;
    auto s = PgStore::open(url, SeedOptions{20, 1, kNow}, four);
    REQUIRE(s.has_value());
    {
      // Several connections in the pool, as under load.
      std::vector<std::jthread> callers;
      for (int t = 0; t < 4; ++t) {
        callers.emplace_back([&] {
          for (int i = 0; i < 20; ++i) (void)(*s)->overall_stats({});
        });
      }
    }
    // As a server restart does: every connection of shop-mcp's is ended.
    PgSql sql(url);
    const auto ended = sql.rows(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name ="
        " 'shop-mcp' AND pid <> pg_backend_pid()");
    MESSAGE(ended.size() << " connections ended");
    CHECK(!ended.empty());
    for (int i = 0; i < 6; ++i) {
      auto p = (*s)->product(1);
      REQUIRE_MESSAGE(p.has_value(), (p ? "" : p.error().message));
      REQUIRE(p->has_value());
      CHECK((*p)->id == 1);
    }
  }

  TEST_CASE("a query past the statement timeout is cancelled with a clear error") {
    const std::string url = fresh_pg_url();
    PgOptions quick;
    quick.statement_timeout = std::chrono::milliseconds(300);
    auto s = PgStore::open(url, SeedOptions{20, 1, kNow}, quick);
    REQUIRE(s.has_value());
    PgSql locker(url);
    locker.exec("BEGIN; LOCK TABLE products IN ACCESS EXCLUSIVE MODE");
    const auto t0 = std::chrono::steady_clock::now();
    auto blocked = (*s)->product(1);
    const auto waited = std::chrono::steady_clock::now() - t0;
    REQUIRE_FALSE(blocked.has_value());
    CHECK(blocked.error().code == core::ErrorCode::kUnavailable);
    CHECK(waited < std::chrono::seconds(3));
    locker.exec("ROLLBACK");
    CHECK((*s)->product(1));
  }

  TEST_CASE("a password never appears in a message") {
    const std::string base = pg_base_url();
    // The private server trusts local connections, so a wrong database name makes the error.
    std::string url = base;
    url.replace(url.find("shopmcp@"), 8, "shopmcp:s3cret-pw@");
    url.replace(url.find("/shop?"), 6, "/no_such_db?");
    auto s = PgStore::open(url, SeedOptions{}, PgOptions{});
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().message.find("s3cret-pw") == std::string::npos);
    CHECK(s.error().message.find("no_such_db") != std::string::npos);
    CHECK(describe_db("postgresql://u:s3cret-pw@h/db") == "postgresql://u:***@h/db");
    CHECK(describe_db("postgresql://h/db?password=s3cret-pw&sslmode=require") ==
          "postgresql://h/db?password=***&sslmode=require");
    CHECK(describe_db("/var/lib/shop-mcp/shop.db") == "/var/lib/shop-mcp/shop.db");
    CHECK(describe_db("postgresql://u@h:5432/db") == "postgresql://u@h:5432/db");
    CHECK(describe_db("postgresql://h:5432/db?user=u") == "postgresql://h:5432/db?user=u");
    CHECK(describe_db("postgres://u:a:b@h/db?x=1&password=p2") ==
          "postgres://u:***@h/db?x=1&password=***");
  }
}

}  // namespace shopmcp::store::testing
