// The aggregates read a rollup and the transaction-id search a trigram index, both kept by
// triggers. Property: after any inserts, updates and deletes made by another program through
// plain SQL, every aggregate equals the brute-force answer computed from the orders table itself,
// for random combinations of the tools' filters.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "store/store_test_util.h"

namespace shopmcp::store::testing {
namespace {

// The other program: a plain sqlite3 connection to the same file.
class Sql {
 public:
  explicit Sql(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK); }
  ~Sql() { sqlite3_close(db_); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    INFO(sql);
    INFO((err ? err : ""));
    REQUIRE(rc == SQLITE_OK);
    sqlite3_free(err);
  }
  // Every row as text, columns joined with '|'.
  std::vector<std::string> rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    INFO(sql);
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string line;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        if (i) line += '|';
        const auto* t = sqlite3_column_text(st, i);
        line += t ? reinterpret_cast<const char*>(t) : "";
      }
      out.push_back(line);
    }
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string q(const std::string& s) { return "'" + s + "'"; }  // test values have no quote

// The WHERE clause of the brute-force queries, on orders o.
std::string where(const OrderFilter& f) {
  std::string w = " WHERE 1";
  if (f.customer_name) w += " AND instr(lower(o.name), lower(" + q(*f.customer_name) + ")) > 0";
  if (f.status) w += " AND o.status = " + q(*f.status);
  if (f.date_from) w += " AND o.created_at >= " + q(*f.date_from + " 00:00:00");
  if (f.date_to) w += " AND o.created_at <= " + q(*f.date_to + " 23:59:59");
  return w;
}

// Money as the tools define it: integer cents, the average rounded half up.
constexpr const char* kCents = "SUM(CAST(round(o.amount * 100) AS INTEGER))";
std::string cents(double money) { return std::to_string(std::llround(money * 100)); }
std::string avg_cents(const std::string& total, const std::string& n) {
  return "((" + total + ") * 2 + " + n + ") / (" + n + " * 2)";
}

}  // namespace

TEST_CASE("aggregates equal brute force after random writes by another program" *
          doctest::test_suite("store.sqlite")) {
  char dir[] = "/tmp/shopmcp-rollup-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/shop.db";
  const std::uint64_t seed = static_cast<std::uint64_t>(std::random_device{}());
  INFO("seed " << seed);
  auto opened = SqliteStore::open(path, SeedOptions{2000, seed, kNow});
  REQUIRE(opened.has_value());
  auto& store = **opened;
  Sql sql(path);
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  const std::vector<std::string> statuses = {"pending", "processing", "completed", "cancelled",
                                             "refunded"};
  const std::vector<std::string> names = {"陳大明", "李小芳", "王", "明", "新客戶", "x"};
  // Days around the generator's window (the two years before kNow).
  auto day = [&]() {
    const int y = 2024 + pick(3), m = 1 + pick(12), d = 1 + pick(28);
    char b[11];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
    return std::string(b);
  };
  int next_txn = 900000;

  for (int round = 0; round < 200; ++round) {
    CAPTURE(round);
    // The shop's application writes: a few inserts, updates and deletes, any column.
    for (int k = 0, n = 1 + pick(6); k < n; ++k) {
      switch (pick(5)) {
        case 0:
        case 1:
          sql.exec(
              "INSERT INTO orders (transaction_id, name, amount, status, product_id, quantity,"
              " created_at, updated_at) VALUES ('TXN" +
              std::to_string(next_txn++) + "', " + q(names[static_cast<std::size_t>(pick(6))]) +
              ", " + std::to_string(pick(20000) / 100.0) + ", " +
              q(statuses[static_cast<std::size_t>(pick(5))]) + ", " + std::to_string(1 + pick(10)) +
              ", " + std::to_string(1 + pick(5)) + ", " +
              q(day() + " 1" + std::to_string(pick(10)) + ":00:00") + ", '2026-01-01 00:00:00')");
          break;
        case 2:
          sql.exec("UPDATE orders SET status = " + q(statuses[static_cast<std::size_t>(pick(5))]) +
                   ", amount = amount + 0.05 WHERE id IN (SELECT id FROM orders ORDER BY random() "
                   "LIMIT " +
                   std::to_string(1 + pick(20)) + ")");
          break;
        case 3:
          sql.exec("UPDATE orders SET created_at = " + q(day() + " 08:30:00") +
                   ", name = " + q(names[static_cast<std::size_t>(pick(6))]) +
                   " WHERE id = (SELECT id FROM orders ORDER BY random() LIMIT 1)");
          break;
        default:
          sql.exec(
              "DELETE FROM orders WHERE id IN (SELECT id FROM orders ORDER BY random() LIMIT " +
              std::to_string(1 + pick(10)) + ")");
      }
    }
    // A random combination of the aggregates' filters.
    OrderFilter f;
    if (pick(2)) f.customer_name = names[static_cast<std::size_t>(pick(6))];
    if (pick(2)) f.status = statuses[static_cast<std::size_t>(pick(5))];
    if (pick(2)) f.date_from = day();
    if (pick(2)) f.date_to = day();
    const int limit = 1 + pick(40);
    CAPTURE(where(f));

    // get_customer_stats: the list and the overall figures.
    auto stats = store.customer_stats(f, limit);
    REQUIRE(stats.has_value());
    std::vector<std::string> got;
    for (const auto& c : *stats) {
      got.push_back(c.customer_name + "|" + std::to_string(c.total_orders) + "|" +
                    cents(c.total_spent) + "|" + cents(c.average_order_amount) + "|" +
                    c.first_order_date + "|" + c.last_order_date);
    }
    CHECK(got == sql.rows(std::string("SELECT o.name, COUNT(*), ") + kCents + ", " +
                          avg_cents(kCents, "COUNT(*)") +
                          ", MIN(o.created_at), MAX(o.created_at) FROM orders o" + where(f) +
                          " GROUP BY o.name ORDER BY " + kCents + " DESC, o.name LIMIT " +
                          std::to_string(limit)));
    auto overall = store.overall_stats(f);
    REQUIRE(overall.has_value());
    CHECK(std::to_string(overall->unique_customers) + "|" + std::to_string(overall->total_orders) +
              "|" + cents(overall->total_revenue) + "|" + cents(overall->average_order_value) ==
          sql.rows(std::string("SELECT COUNT(DISTINCT o.name), COUNT(*), COALESCE(") + kCents +
                   ", 0), CASE WHEN COUNT(*) > 0 THEN " + avg_cents(kCents, "COUNT(*)") +
                   " ELSE 0 END FROM orders o" + where(f))
              .at(0));

    // get_order_analytics, each grouping (the tool passes only status and dates).
    OrderFilter a = f;
    a.customer_name.reset();
    const std::string metrics = std::string("COUNT(*) AS n, SUM(o.quantity) AS qty, ") + kCents +
                                ", " + avg_cents(kCents, "COUNT(*)") + ", COUNT(DISTINCT o.name)";
    struct G {
      Grouping g;
      std::string key, from, tail;
    };
    const std::vector<G> groupings = {
        {Grouping::kDaily, "substr(o.created_at, 1, 10) AS k", " FROM orders o",
         " GROUP BY k ORDER BY k DESC LIMIT " + std::to_string(limit)},
        {Grouping::kMonthly,
         "CAST(substr(o.created_at, 1, 4) AS INTEGER) || '-' || CAST(substr(o.created_at, 6, 2) AS "
         "INTEGER) AS k",
         " FROM orders o",
         " GROUP BY substr(o.created_at, 1, 7) ORDER BY substr(o.created_at, 1, 7) DESC LIMIT " +
             std::to_string(limit)},
        {Grouping::kStatus, "o.status AS k", " FROM orders o", " GROUP BY k ORDER BY n DESC, k"},
        {Grouping::kProduct, "p.id || '-' || p.name AS k",
         " FROM orders o JOIN products p ON p.id = o.product_id",
         " GROUP BY p.id ORDER BY qty DESC, p.id LIMIT " + std::to_string(limit)},
    };
    for (const G& g : groupings) {
      auto rows = store.order_analytics(g.g, a, limit);
      REQUIRE(rows.has_value());
      std::vector<std::string> mine;
      for (const auto& r : *rows) {
        std::string k =
            g.g == Grouping::kDaily     ? r.date
            : g.g == Grouping::kMonthly ? std::to_string(r.year) + "-" + std::to_string(r.month)
            : g.g == Grouping::kStatus  ? r.status
                                        : std::to_string(r.product_id) + "-" + r.product_name;
        mine.push_back(k + "|" + std::to_string(r.order_count) + "|" +
                       std::to_string(r.total_quantity) + "|" + cents(r.total_revenue) + "|" +
                       cents(r.average_order_value) + "|" + std::to_string(r.unique_customers));
      }
      CHECK(mine == sql.rows("SELECT " + g.key + ", " + metrics + g.from + where(a) + g.tail));
    }

    // get_orders by transaction id: the trigram index narrows, the answer is the scan's.
    OrderFilter t;
    t.transaction_id = std::to_string(pick(10)) + std::to_string(pick(10)) +
                       (pick(2) ? std::to_string(pick(10)) : "");
    auto found = store.find_orders(t, 100);
    REQUIRE(found.has_value());
    std::vector<std::string> ids;
    for (const auto& o : *found) ids.push_back(o.transaction_id);
    CHECK(ids == sql.rows("SELECT transaction_id FROM orders WHERE instr(transaction_id, " +
                          q(*t.transaction_id) +
                          ") > 0 ORDER BY created_at DESC, transaction_id DESC LIMIT 100"));
  }
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace shopmcp::store::testing
