// PgStore: the Store over the shop's own PostgreSQL database (libpq). A bounded pool of
// connections, each with its prepared statements and a statement timeout; a connection lost when
// the server restarts is replaced at the next call. Thread-safe.
//
// The shop's products and orders are the Laravel application's tables. shop-mcp creates and seeds
// them only in an empty database. Its own objects (shopmcp_* : the rollup the aggregates read,
// indexes on orders, triggers that keep the rollup exact and send NOTIFY on every change) go onto
// tables it created, or onto the shop's own only with PgOptions::prepare (--db-prepare). Without
// them the answers are the same, computed from the orders directly, and changes are found by
// polling instead of LISTEN/NOTIFY.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/seed.h"
#include "store/store.h"

namespace shopmcp::store {

struct PgOptions {
  int pool_size = 8;  // connections at most; a call waits up to statement_timeout for one
  std::chrono::milliseconds statement_timeout{10000};
  std::chrono::seconds connect_timeout{5};
  // Install shop-mcp's objects on tables it did not create (indexes, rollup, triggers).
  bool prepare = false;
};

class PgStore final : public Store {
 public:
  // Connects to `url` (postgresql://...; libpq's environment, PGPASSWORD, PGPASSFILE and the
  // like, fill in what it leaves out), creates and seeds the shop's tables when neither exists,
  // and brings shop-mcp's objects up to date where it may. Messages never contain a password.
  static core::Result<std::unique_ptr<PgStore>> open(const std::string& url,
                                                     const SeedOptions& seed,
                                                     const PgOptions& options);
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  core::Result<std::vector<Order>> find_orders(const OrderFilter& f, int limit) override;
  core::Result<std::vector<Product>> find_products(const ProductFilter& f, int limit) override;
  core::Result<std::vector<CustomerStats>> customer_stats(const OrderFilter& f, int limit) override;
  core::Result<OverallStats> overall_stats(const OrderFilter& f) override;
  core::Result<std::vector<AnalyticsRow>> order_analytics(Grouping g, const OrderFilter& f,
                                                          int limit) override;
  core::Result<std::optional<Product>> product(std::int64_t id) override;
  core::Result<std::optional<Order>> order(const std::string& transaction_id) override;
  core::Result<std::vector<std::string>> suggest(Suggestion what, const std::string& typed,
                                                 int limit) override;
  bool notifies_changes() const override { return has_rollup(); }
  bool watch_changes(std::function<void()> changed) override;
  void stop_watching() override;

  // What open() found: the aggregates read the rollup (shop-mcp's objects are installed), and
  // whether shop-mcp created the tables.
  bool has_rollup() const;
  bool created_tables() const;

  struct Impl;

 private:
  explicit PgStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shopmcp::store
