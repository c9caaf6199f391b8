// SqliteStore: the Store over SQLite. One connection per concurrent caller (RAII checkout from a
// pool), WAL, busy timeout, cached prepared statements; every user value is bound. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/seed.h"
#include "store/store.h"

namespace shopmcp::store {

class SqliteStore final : public Store {
 public:
  // Opens (creating if missing) the database at `path` (":memory:" for a private in-memory
  // database shared by this store's connections), applies migrations, and seeds the shop when the
  // products table is empty. Fails with a message naming the path and SQLite's error.
  static core::Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                         const SeedOptions& seed);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

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

  struct Impl;

 private:
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shopmcp::store
