#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "core/check.h"
#include "core/clock.h"
#include "core/ids.h"
#include "store/pool.h"
#include "store/seed.h"
#include "store/sql_queries.h"
#include "store/sqlite_conn.h"

namespace shopmcp::store {
namespace {

using sqlite::bind_text;
using sqlite::Conn;
using sqlite::db_error;
using sqlite::exec;
using sqlite::int64;
using sqlite::query_int;
using sqlite::real;
using sqlite::run;
using sqlite::StmtPtr;
using sqlite::text;

constexpr int kBusyTimeoutMs = 5000;
constexpr int kSeedBatch = 100;  // orders per INSERT step while seeding

// Brings the schema to the latest version. Runs inside open()'s transaction.
core::Result<void> migrate(const std::string& path, Conn& c) {
  const auto version = query_int(path, c, "PRAGMA user_version");
  if (!version) return version.error();
  const auto& steps = sql::migrations();
  const auto latest = static_cast<std::int64_t>(steps.size());
  if (*version > latest) {
    return core::internal("sqlite database \"" + path + "\": schema version " +
                          std::to_string(*version) + " is newer than this program's " +
                          std::to_string(latest));
  }
  if (*version == latest) return {};
  for (std::int64_t v = *version; v < latest; ++v) {
    auto r =
        exec(path, c, steps[static_cast<std::size_t>(v)], "migration " + std::to_string(v + 1));
    if (!r) return r;
  }
  return exec(path, c, "PRAGMA user_version = " + std::to_string(latest), "set user_version");
}

// One generated order with its timestamps formatted. Bound without copying, so it must outlive
// the step.
struct SeedRow {
  SeedOrder order;
  std::string created;
  std::string updated;
};

int bind_row(sqlite3_stmt* st, int row, const SeedRow& r) {
  const int at = row * sql::kOrderInsertColumns;
  int rc = bind_text(st, at + 1, r.order.transaction_id);
  if (rc == SQLITE_OK) rc = bind_text(st, at + 2, r.order.customer_name);
  if (rc == SQLITE_OK) rc = sqlite3_bind_double(st, at + 3, r.order.amount);
  if (rc == SQLITE_OK) rc = bind_text(st, at + 4, r.order.status);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, at + 5, r.order.product_id);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, at + 6, r.order.quantity);
  if (rc == SQLITE_OK) rc = bind_text(st, at + 7, r.created);
  if (rc == SQLITE_OK) rc = bind_text(st, at + 8, r.updated);
  return rc;
}

// Inserts opt.orders generated orders, kSeedBatch per step of one reused statement (a second,
// shorter one takes the remainder).
core::Result<void> insert_orders(const std::string& path, Conn& c, const SeedOptions& opt,
                                 std::int64_t now) {
  OrderGenerator gen(opt.seed, now);
  std::vector<SeedRow> rows(kSeedBatch);
  StmtPtr st;
  int st_rows = 0;
  for (std::int64_t done = 0; done < opt.orders;) {
    const int n = static_cast<int>(std::min<std::int64_t>(kSeedBatch, opt.orders - done));
    if (n != st_rows) {
      sqlite3_stmt* raw = nullptr;
      const int rc = sqlite3_prepare_v2(c.db(), sql::insert_orders(n).c_str(), -1, &raw, nullptr);
      st.reset(raw);
      if (rc != SQLITE_OK) return db_error(path, c.db(), rc, "prepare order insert");
      st_rows = n;
    }
    int rc = SQLITE_OK;
    for (int k = 0; k < n && rc == SQLITE_OK; ++k) {
      SeedRow& r = rows[static_cast<std::size_t>(k)];
      r.order = gen.next();
      r.created = core::format_utc(r.order.created_unix);
      r.updated = core::format_utc(r.order.updated_unix);
      rc = bind_row(st.get(), k, r);
    }
    if (rc == SQLITE_OK) rc = sqlite3_step(st.get());
    sqlite3_reset(st.get());
    if (rc != SQLITE_DONE) {
      return db_error(path, c.db(), rc, "insert orders from " + rows[0].order.transaction_id);
    }
    done += n;
  }
  return {};
}

// Seeds products and orders when the products table is empty. Runs inside open()'s transaction.
core::Result<void> seed_if_empty(const std::string& path, Conn& c, const SeedOptions& opt) {
  const auto no_products = query_int(path, c, sql::kProductsEmpty);
  if (!no_products) return no_products.error();
  if (*no_products == 0) return {};

  const std::int64_t now = opt.now_unix != 0 ? opt.now_unix : core::SystemClock().unix_seconds();
  const std::string stamp = core::format_utc(now);
  std::int64_t id = 0;
  core::Result<void> r;
  for (const SeedProduct& p : seed_products()) {
    r = run(path, c,
            sql::Query{
                sql::kInsertProduct,
                {++id, p.name, p.description, p.price, p.stock_quantity, p.category, stamp, stamp}},
            [](sqlite3_stmt*) {});
    if (!r) return r;
  }
  // Building the indexes and rollups once after the bulk insert beats updating them row by row
  // (1,000,000 orders: 27 s through the triggers, 4 s rebuilt).
  if (r = exec(path, c, sql::kDropOrderTriggers, "drop order triggers"); !r) return r;
  if (r = exec(path, c, sql::kDropRollupIndexes, "drop rollup indexes"); !r) return r;
  if (r = exec(path, c, sql::kDropOrderIndexes, "drop order indexes"); !r) return r;
  if (r = insert_orders(path, c, opt, now); !r) return r;
  if (r = exec(path, c, sql::kCreateOrderIndexes, "create order indexes"); !r) return r;
  if (r = exec(path, c, sql::kCreateRollupIndexes, "create rollup indexes"); !r) return r;
  if (r = exec(path, c, sql::kRebuildRollups, "build the rollups"); !r) return r;
  return exec(path, c, sql::create_order_triggers(), "create order triggers");
}

}  // namespace

struct SqliteStore::Impl {
  std::string path;       // as given; named in every error
  std::string open_name;  // file path, or the shared-cache URI of a private in-memory database
  int open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  bool in_memory = false;
  // In-memory databases live while a connection is open; this one is kept for the store's
  // lifetime. Declared before `pool` so pooled connections close first.
  std::unique_ptr<Conn> keeper;
  Pool<Conn> pool{[this] { return connect(); }};

  // Opens and configures a new connection.
  core::Result<std::unique_ptr<Conn>> connect() const {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(open_name.c_str(), &db, open_flags, nullptr);
    if (rc != SQLITE_OK) {
      core::Error e = db_error(path, db, rc, "open");
      sqlite3_close_v2(db);
      return e;
    }
    auto conn = std::make_unique<Conn>(db);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    const char* pragmas = in_memory ? "PRAGMA foreign_keys = ON"
                                    : "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL";
    if (auto r = exec(path, *conn, pragmas, "configure connection"); !r) return r.error();
    return conn;
  }

  // Runs `q` on a pooled connection; make_row(stmt) turns each result row into a T.
  template <typename MakeRow>
  auto collect(const sql::Query& q, MakeRow make_row)
      -> core::Result<std::vector<decltype(make_row(nullptr))>> {
    auto lease = pool.checkout();
    if (!lease) return lease.error();
    std::vector<decltype(make_row(nullptr))> rows;
    auto r = run(path, *lease.value(), q, [&](sqlite3_stmt* st) { rows.push_back(make_row(st)); });
    if (!r) return r.error();
    return rows;
  }
};

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                             const SeedOptions& seed) {
  // An empty path would give each pooled connection its own temporary database.
  if (path.empty()) return core::invalid_argument("sqlite database path is empty");
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->open_name = path;
  if (path == ":memory:") {
    impl->in_memory = true;
    impl->open_name = "file:shopmcp-mem-" + core::random_hex(8) + "?mode=memory&cache=shared";
    impl->open_flags |= SQLITE_OPEN_URI;
  }
  auto first = impl->connect();
  if (!first) return first.error();
  std::unique_ptr<Conn> conn = std::move(*first);
  // Schema and seed in one write transaction (IMMEDIATE: concurrent openers of one file take
  // turns). On any failure `conn` is closed on return, which rolls the transaction back.
  if (auto r = exec(path, *conn, "BEGIN IMMEDIATE", "begin transaction"); !r) return r.error();
  if (auto r = migrate(path, *conn); !r) return r.error();
  if (auto r = seed_if_empty(path, *conn, seed); !r) return r.error();
  if (auto r = exec(path, *conn, "COMMIT", "commit"); !r) return r.error();
  if (impl->in_memory) {
    impl->keeper = std::move(conn);
  } else {
    // After seeding: a new file seeds faster under the rollback journal, and without leaving a
    // WAL as large as the database. WAL persists in the file; readers then never wait for writers.
    if (auto r = exec(path, *conn, "PRAGMA journal_mode = WAL", "enable WAL"); !r) return r.error();
    impl->pool.give_back(std::move(conn));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

// Each row maker reads the columns documented for its query in sql_queries.h.

namespace {

Order order_row(sqlite3_stmt* st) {
  return Order{.transaction_id = text(st, 0),
               .customer_name = text(st, 1),
               .product_name = text(st, 2),
               .product_category = text(st, 3),
               .quantity = int64(st, 4),
               .unit_price = real(st, 5),
               .amount = real(st, 6),
               .status = text(st, 7),
               .created_at = text(st, 8),
               .updated_at = text(st, 9)};
}

Product product_row(sqlite3_stmt* st) {
  return Product{.id = int64(st, 0),
                 .name = text(st, 1),
                 .description = text(st, 2),
                 .price = real(st, 3),
                 .stock_quantity = int64(st, 4),
                 .category = text(st, 5),
                 .created_at = text(st, 6),
                 .updated_at = text(st, 7)};
}

// The first row of `rows`, if any.
template <typename T>
core::Result<std::optional<T>> first(core::Result<std::vector<T>> rows) {
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>{};
  return std::optional<T>{std::move(rows->front())};
}

}  // namespace

core::Result<std::vector<Order>> SqliteStore::find_orders(const OrderFilter& f, int limit) {
  return impl_->collect(sql::find_orders(f, limit), order_row);
}

core::Result<std::vector<Product>> SqliteStore::find_products(const ProductFilter& f, int limit) {
  return impl_->collect(sql::find_products(f, limit), product_row);
}

core::Result<std::optional<Product>> SqliteStore::product(std::int64_t id) {
  return first(impl_->collect(sql::find_product(id), product_row));
}

core::Result<std::optional<Order>> SqliteStore::order(const std::string& transaction_id) {
  return first(impl_->collect(sql::find_order(transaction_id), order_row));
}

core::Result<std::vector<std::string>> SqliteStore::suggest(Suggestion what,
                                                            const std::string& typed, int limit) {
  return impl_->collect(sql::suggest(what, typed, limit),
                        [](sqlite3_stmt* st) { return text(st, 0); });
}

core::Result<std::vector<CustomerStats>> SqliteStore::customer_stats(const OrderFilter& f,
                                                                     int limit) {
  return impl_->collect(sql::customer_stats(f, limit), [](sqlite3_stmt* st) {
    return CustomerStats{.customer_name = text(st, 0),
                         .total_orders = int64(st, 1),
                         .total_spent = real(st, 2),
                         .average_order_amount = real(st, 3),
                         .first_order_date = text(st, 4),
                         .last_order_date = text(st, 5)};
  });
}

core::Result<OverallStats> SqliteStore::overall_stats(const OrderFilter& f) {
  auto rows = impl_->collect(sql::overall_stats(f), [](sqlite3_stmt* st) {
    return OverallStats{.unique_customers = int64(st, 0),
                        .total_orders = int64(st, 1),
                        .total_revenue = real(st, 2),
                        .average_order_value = real(st, 3)};
  });
  if (!rows) return std::move(rows).error();
  MCP_CHECK(rows->size() == 1);  // an aggregate without GROUP BY yields exactly one row
  return rows->front();
}

core::Result<std::vector<AnalyticsRow>> SqliteStore::order_analytics(Grouping g,
                                                                     const OrderFilter& f,
                                                                     int limit) {
  return impl_->collect(sql::order_analytics(g, f, limit), [](sqlite3_stmt* st) {
    return AnalyticsRow{.date = text(st, 0),
                        .year = static_cast<int>(int64(st, 1)),
                        .month = static_cast<int>(int64(st, 2)),
                        .status = text(st, 3),
                        .product_id = int64(st, 4),
                        .product_name = text(st, 5),
                        .order_count = int64(st, 6),
                        .total_quantity = int64(st, 7),
                        .total_revenue = real(st, 8),
                        .average_order_value = real(st, 9),
                        .unique_customers = int64(st, 10)};
  });
}

}  // namespace shopmcp::store
