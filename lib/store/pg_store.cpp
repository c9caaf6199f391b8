#include "store/pg_store.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <thread>
#include <utility>

#include "core/check.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "log/log.h"
#include "store/pg_conn.h"
#include "store/pg_sql.h"
#include "store/seed.h"

namespace shopmcp::store {
namespace {

using pg::int64;
using pg::real;
using pg::text;

// Serialises concurrent openers of one database (several instances starting at once).
constexpr const char* kOpenLock = "SELECT pg_advisory_xact_lock(7236712)";
constexpr std::size_t kCopyChunk = 1 << 20;  // bytes per COPY data message while seeding

// `s` in COPY's text format: backslash, tab, newline and carriage return escaped.
void copy_field(std::string* out, const std::string& s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        *out += "\\\\";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        *out += c;
    }
  }
}

std::string money(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

core::Result<void> seed(pg::PgConn& c, const SeedOptions& opt) {
  const std::int64_t now = opt.now_unix != 0 ? opt.now_unix : core::SystemClock().unix_seconds();
  const std::string stamp = core::format_utc(now);
  std::size_t next_product = 0;
  auto r = c.copy_in(
      pgsql::kCopyProducts,
      [&](std::string* out) {
        const auto& all = seed_products();
        for (; next_product < all.size(); ++next_product) {
          const SeedProduct& p = all[next_product];
          *out += std::to_string(next_product + 1) + '\t';
          copy_field(out, p.name);
          *out += '\t';
          copy_field(out, p.description);
          *out += '\t' + money(p.price) + '\t' + std::to_string(p.stock_quantity) + '\t';
          copy_field(out, p.category);
          *out += '\t' + stamp + '\t' + stamp + '\n';
        }
        return false;
      },
      "seed the products");
  if (!r) return r;
  if (r = c.exec(pgsql::kResetProductIds, "reset the product ids"); !r) return r;
  OrderGenerator gen(opt.seed, now);
  std::int64_t done = 0;
  return c.copy_in(
      pgsql::kCopyOrders,
      [&](std::string* out) {
        while (done < opt.orders && out->size() < kCopyChunk) {
          const SeedOrder o = gen.next();
          copy_field(out, o.transaction_id);
          *out += '\t';
          copy_field(out, o.customer_name);
          *out += '\t' + money(o.amount) + '\t' + o.status + '\t' + std::to_string(o.product_id) +
                  '\t' + std::to_string(o.quantity) + '\t' + core::format_utc(o.created_unix) +
                  '\t' + core::format_utc(o.updated_unix) + '\n';
          ++done;
        }
        return done < opt.orders;
      },
      "seed the orders");
}

// One-value lookups in shopmcp_meta ("" when absent).
std::string meta(pg::PgConn& c, const char* key) {
  auto r = c.query(sql::Query{"SELECT value FROM shopmcp_meta WHERE key = $1", {key}}, "read meta");
  if (!r || PQntuples(r->get()) == 0) return {};
  return text(r->get(), 0, 0);
}

core::Result<void> set_meta(pg::PgConn& c, const char* key, const std::string& value) {
  auto r = c.query(sql::Query{"INSERT INTO shopmcp_meta VALUES ($1, $2) ON CONFLICT (key) DO"
                              " UPDATE SET value = EXCLUDED.value",
                              {key, value}},
                   "write meta");
  if (!r) return r.error();
  return {};
}

// The trigram index for transaction-id searches, if pg_trgm can be had (it needs the right to
// create an extension); without it those searches read every order, and give the same answers.
void add_trigram_index(pg::PgConn& c) {
  if (!c.exec("SAVEPOINT shopmcp_trgm", "savepoint")) return;
  core::Result<void> r = c.exec(pgsql::kCreateTrigram, "create extension pg_trgm");
  if (r) {
    auto where = c.query(sql::Query{"SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON"
                                    " n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'",
                                    {}},
                         "find pg_trgm");
    if (!where || PQntuples(where->get()) != 1) {
      r = where ? core::internal("pg_trgm not found after CREATE EXTENSION") : where.error();
    } else {
      char sql[256];
      std::snprintf(sql, sizeof sql, pgsql::kTrigramIndex, text(where->get(), 0, 0).c_str());
      r = c.exec(sql, "create the trigram index");
    }
  }
  if (r) {
    (void)c.exec("RELEASE SAVEPOINT shopmcp_trgm", "release savepoint");
  } else {
    spdlog::warn("no trigram index for transaction-id searches ({}); they scan the orders",
                 r.error().message);
    (void)c.exec("ROLLBACK TO SAVEPOINT shopmcp_trgm", "rollback to savepoint");
  }
}

}  // namespace

struct PgStore::Impl {
  Impl(pg::ConnOptions conn, const PgOptions& o)
      : options(o), pool(std::move(conn), o.pool_size, o.statement_timeout) {}

  const PgOptions options;
  pg::PgPool pool;
  pgsql::Source source = pgsql::Source::kOrders;
  bool created = false;

  // Runs `q` on a pooled connection; make_row(result, row) turns each row into a T. A query
  // that finds its connection lost (the server restarted) runs once more on a new connection,
  // after the other idle ones are dropped too: every query here only reads, so a second run is
  // safe, and the first call after a restart answers instead of failing.
  template <typename MakeRow>
  auto collect(const sql::Query& q, const char* what, MakeRow make_row)
      -> core::Result<std::vector<decltype(make_row(nullptr, 0))>> {
    core::Result<pg::ResultPtr> r = core::unavailable("not run");
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto lease = pool.checkout();
      if (!lease) return lease.error();
      r = (*lease)->query(q, what);
      if (r || PQstatus((*lease)->raw()) == CONNECTION_OK) break;
      pool.drop_idle();
    }
    if (!r) return r.error();
    std::vector<decltype(make_row(nullptr, 0))> rows;
    const int n = PQntuples(r->get());
    rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) rows.push_back(make_row(r->get(), i));
    return rows;
  }

  // Schema and seed under one transaction and an advisory lock: see PgStore::open.
  core::Result<void> setup(pg::PgConn& c, const SeedOptions& seed_opt) {
    auto present = c.query(sql::Query{pgsql::kTablesPresent, {}}, "look for the shop's tables");
    if (!present) return present.error();
    const bool products = text(present->get(), 0, 0) == "t";
    const bool orders = text(present->get(), 0, 1) == "t";
    const bool has_meta = text(present->get(), 0, 2) == "t";
    if (products != orders) {
      return core::invalid_argument(std::string("the database has a ") +
                                    (products ? "products" : "orders") + " table but no " +
                                    (products ? "orders" : "products") +
                                    " table: shop-mcp reads both, and creates them only when "
                                    "neither exists");
    }
    if (!products) {
      if (auto r = c.exec(pgsql::kCreateShopTables, "create the shop's tables"); !r) return r;
      if (auto r = c.exec(pgsql::kCreateMeta, "create shopmcp_meta"); !r) return r;
      if (auto r = set_meta(c, "created_tables", "yes"); !r) return r;
      if (auto r = seed(c, seed_opt); !r) return r;
      created = true;
    } else if (has_meta) {
      created = meta(c, "created_tables") == "yes";
    }
    const std::string v = has_meta ? meta(c, "version") : "";
    std::int64_t version = v.empty() ? 0 : std::strtoll(v.c_str(), nullptr, 10);
    const auto& steps = pgsql::migrations();
    const auto latest = static_cast<std::int64_t>(steps.size());
    if (version > latest) {
      return core::internal("shop-mcp's objects in this database are version " + v +
                            ", newer than this program's " + std::to_string(latest));
    }
    // Onto the shop's own tables only when asked, or when an earlier --db-prepare put them there.
    const bool install = created || options.prepare || version > 0;
    if (install && version < latest) {
      if (auto r = c.exec(pgsql::kCreateMeta, "create shopmcp_meta"); !r) return r;
      if (version == 0) add_trigram_index(c);
      for (; version < latest; ++version) {
        auto r = c.exec(steps[static_cast<std::size_t>(version)],
                        "shop-mcp objects, step " + std::to_string(version + 1));
        if (!r) return r;
      }
      if (auto r = set_meta(c, "version", std::to_string(latest)); !r) return r;
    }
    source = install ? pgsql::Source::kRollup : pgsql::Source::kOrders;
    return {};
  }

  // LISTEN/NOTIFY: a connection of its own, re-made after a loss.
  std::jthread listener;
  core::Mutex listen_mu;
  core::CondVar listen_cv;

  void listen(std::stop_token stop, const std::function<void()>& changed) {
    auto backoff = std::chrono::milliseconds(250);
    bool warned = false;
    while (!stop.stop_requested()) {
      auto made = pg::PgConn::connect(pool.options());
      core::Result<void> ok =
          made ? (*made)->exec(std::string("LISTEN ") + pgsql::kChannel, "LISTEN")
               : core::Result<void>(made.error());
      if (!ok) {
        if (!warned) spdlog::warn("database change notices paused: {}", ok.error().message);
        warned = true;
        core::MutexLock l(&listen_mu);
        listen_cv.wait_until(listen_mu, stop, std::chrono::steady_clock::now() + backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
      if (warned) spdlog::info("database change notices resumed");
      warned = false;
      backoff = std::chrono::milliseconds(250);
      changed();  // what changed while nobody listened
      PGconn* c = (*made)->raw();
      while (!stop.stop_requested()) {
        pollfd p{PQsocket(c), POLLIN, 0};
        if (poll(&p, 1, 250) < 0 && errno != EINTR) break;
        if (PQconsumeInput(c) == 0) break;  // the connection is lost: make another
        bool any = false;
        while (PGnotify* n = PQnotifies(c)) {
          any = true;
          PQfreemem(n);
        }
        if (any) changed();
      }
    }
  }
};

core::Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url,
                                                     const SeedOptions& seed,
                                                     const PgOptions& options) {
  auto impl = std::make_unique<Impl>(
      pg::ConnOptions{url, options.statement_timeout, options.connect_timeout}, options);
  auto lease = impl->pool.checkout();
  if (!lease) return lease.error();
  pg::PgConn& c = **lease;
  // Building a large rollup may take longer than one query may: no timeout while setting up.
  // On a failure the lease goes back mid-transaction, and the pool closes that connection, which
  // rolls the transaction back.
  for (const char* step : {"SET statement_timeout = 0", "BEGIN", kOpenLock}) {
    if (auto r = c.exec(step, "open"); !r) return r.error();
  }
  if (auto r = impl->setup(c, seed); !r) return r.error();
  if (auto r = c.exec(
          "COMMIT; SET statement_timeout = " + std::to_string(options.statement_timeout.count()),
          "commit");
      !r) {
    return r.error();
  }
  lease->reset();
  if (impl->source == pgsql::Source::kRollup) {
    spdlog::info(
        "postgresql: shop-mcp's rollup and triggers are in place ({}): fast aggregates,"
        " change notices",
        impl->created ? "on the tables it created" : "added by --db-prepare");
  } else {
    spdlog::warn(
        "postgresql: the shop's tables are only read: the aggregates scan every order and "
        "subscribed resources are polled; start once with --db-prepare to add shop-mcp's rollup, "
        "indexes and triggers (no column is changed)");
  }
  return std::unique_ptr<PgStore>(new PgStore(std::move(impl)));
}

PgStore::PgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgStore::~PgStore() { stop_watching(); }

bool PgStore::has_rollup() const { return impl_->source == pgsql::Source::kRollup; }
bool PgStore::created_tables() const { return impl_->created; }

bool PgStore::watch_changes(std::function<void()> changed) {
  // Without shop-mcp's triggers nothing sends a notice: the caller polls.
  if (!has_rollup() || impl_->listener.joinable()) return false;
  impl_->listener = std::jthread([impl = impl_.get(), changed = std::move(changed)](
                                     std::stop_token st) { impl->listen(st, changed); });
  return true;
}

void PgStore::stop_watching() {
  if (impl_->listener.joinable()) {
    impl_->listener.request_stop();
    impl_->listener.join();
  }
}

namespace {

Order order_row(const PGresult* r, int i) {
  return Order{.transaction_id = text(r, i, 0),
               .customer_name = text(r, i, 1),
               .product_name = text(r, i, 2),
               .product_category = text(r, i, 3),
               .quantity = int64(r, i, 4),
               .unit_price = real(r, i, 5),
               .amount = real(r, i, 6),
               .status = text(r, i, 7),
               .created_at = text(r, i, 8),
               .updated_at = text(r, i, 9)};
}

Product product_row(const PGresult* r, int i) {
  return Product{.id = int64(r, i, 0),
                 .name = text(r, i, 1),
                 .description = text(r, i, 2),
                 .price = real(r, i, 3),
                 .stock_quantity = int64(r, i, 4),
                 .category = text(r, i, 5),
                 .created_at = text(r, i, 6),
                 .updated_at = text(r, i, 7)};
}

template <typename T>
core::Result<std::optional<T>> first(core::Result<std::vector<T>> rows) {
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>{};
  return std::optional<T>{std::move(rows->front())};
}

}  // namespace

core::Result<std::vector<Order>> PgStore::find_orders(const OrderFilter& f, int limit) {
  return impl_->collect(pgsql::find_orders(f, limit), "find orders", order_row);
}

core::Result<std::vector<Product>> PgStore::find_products(const ProductFilter& f, int limit) {
  return impl_->collect(pgsql::find_products(f, limit), "find products", product_row);
}

core::Result<std::optional<Product>> PgStore::product(std::int64_t id) {
  return first(impl_->collect(pgsql::find_product(id), "read a product", product_row));
}

core::Result<std::optional<Order>> PgStore::order(const std::string& transaction_id) {
  return first(impl_->collect(pgsql::find_order(transaction_id), "read an order", order_row));
}

core::Result<std::vector<std::string>> PgStore::suggest(Suggestion what, const std::string& typed,
                                                        int limit) {
  return impl_->collect(pgsql::suggest(what, typed, limit), "suggest",
                        [](const PGresult* r, int i) { return text(r, i, 0); });
}

core::Result<std::vector<CustomerStats>> PgStore::customer_stats(const OrderFilter& f, int limit) {
  return impl_->collect(pgsql::customer_stats(impl_->source, f, limit), "customer stats",
                        [](const PGresult* r, int i) {
                          return CustomerStats{.customer_name = text(r, i, 0),
                                               .total_orders = int64(r, i, 1),
                                               .total_spent = real(r, i, 2),
                                               .average_order_amount = real(r, i, 3),
                                               .first_order_date = text(r, i, 4),
                                               .last_order_date = text(r, i, 5)};
                        });
}

core::Result<OverallStats> PgStore::overall_stats(const OrderFilter& f) {
  auto rows = impl_->collect(pgsql::overall_stats(impl_->source, f), "overall stats",
                             [](const PGresult* r, int i) {
                               return OverallStats{.unique_customers = int64(r, i, 0),
                                                   .total_orders = int64(r, i, 1),
                                                   .total_revenue = real(r, i, 2),
                                                   .average_order_value = real(r, i, 3)};
                             });
  if (!rows) return std::move(rows).error();
  MCP_CHECK(rows->size() == 1);  // an aggregate without GROUP BY yields exactly one row
  return rows->front();
}

core::Result<std::vector<AnalyticsRow>> PgStore::order_analytics(Grouping g, const OrderFilter& f,
                                                                 int limit) {
  return impl_->collect(pgsql::order_analytics(impl_->source, g, f, limit), "order analytics",
                        [](const PGresult* r, int i) {
                          return AnalyticsRow{.date = text(r, i, 0),
                                              .year = static_cast<int>(int64(r, i, 1)),
                                              .month = static_cast<int>(int64(r, i, 2)),
                                              .status = text(r, i, 3),
                                              .product_id = int64(r, i, 4),
                                              .product_name = text(r, i, 5),
                                              .order_count = int64(r, i, 6),
                                              .total_quantity = int64(r, i, 7),
                                              .total_revenue = real(r, i, 8),
                                              .average_order_value = real(r, i, 9),
                                              .unique_customers = int64(r, i, 10)};
                        });
}

}  // namespace shopmcp::store
