// store::Store: the only door to the shop's data. Typed queries the tools need; no SQL above
// store/. Implementations are thread-safe: any thread may call any method concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace shopmcp::store {

// The five order statuses, in this order wherever a list of them is shown.
inline constexpr const char* kStatuses[] = {"pending", "processing", "completed", "cancelled",
                                            "refunded"};

struct Product {
  std::int64_t id = 0;
  std::string name;
  std::string description;
  double price = 0;  // HKD, 2 decimals
  std::int64_t stock_quantity = 0;
  std::string category;
  std::string created_at;  // "YYYY-MM-DD HH:MM:SS" UTC
  std::string updated_at;
};

struct Order {
  std::string transaction_id;
  std::string customer_name;
  std::string product_name;
  std::string product_category;
  std::int64_t quantity = 0;
  double unit_price = 0;
  double amount = 0;
  std::string status;
  std::string created_at;
  std::string updated_at;
};

// Text filters are case-insensitive substring matches in which every character, `%` and `_`
// included, is literal. Dates are "YYYY-MM-DD" (already validated by the caller), inclusive whole
// days in UTC. Unset optionals mean "no filter". The caller validates ranges and limits.
struct OrderFilter {
  std::optional<std::string> transaction_id;
  std::optional<std::string> customer_name;
  std::optional<std::string> status;  // one of kStatuses; "all" is expressed as nullopt
  std::optional<std::string> product_name;
  std::optional<double> min_amount;  // inclusive
  std::optional<double> max_amount;  // inclusive
  std::optional<std::string> date_from;
  std::optional<std::string> date_to;
};

struct ProductFilter {
  std::optional<std::string> name;
  std::optional<std::string> category;
  std::optional<double> min_price;        // inclusive
  std::optional<double> max_price;        // inclusive
  std::optional<std::int64_t> min_stock;  // stock_quantity >= this
};

struct CustomerStats {
  std::string customer_name;
  std::int64_t total_orders = 0;
  double total_spent = 0;           // rounded to 2 decimals
  double average_order_amount = 0;  // rounded to 2 decimals
  std::string first_order_date;     // "YYYY-MM-DD HH:MM:SS"
  std::string last_order_date;
};

struct OverallStats {
  std::int64_t unique_customers = 0;
  std::int64_t total_orders = 0;
  double total_revenue = 0;        // rounded to 2 decimals
  double average_order_value = 0;  // rounded to 2 decimals; 0 when there are no orders
};

// One row of order analytics. Which key fields are set depends on the grouping.
struct AnalyticsRow {
  std::string date;             // daily: "YYYY-MM-DD"
  int year = 0;                 // monthly
  int month = 0;                // monthly, 1-12
  std::string status;           // status
  std::int64_t product_id = 0;  // product
  std::string product_name;     // product
  std::int64_t order_count = 0;
  std::int64_t total_quantity = 0;    // product
  double total_revenue = 0;           // rounded to 2 decimals
  double average_order_value = 0;     // rounded to 2 decimals
  std::int64_t unique_customers = 0;  // daily, monthly, status
};

enum class Grouping { kDaily, kMonthly, kStatus, kProduct };

// What suggest() completes.
enum class Suggestion {
  kCustomerName,   // distinct customer names of orders; those starting with the typed text
  kProductName,    // product names containing it (case-insensitive)
  kCategory,       // distinct categories containing it (case-insensitive)
  kTransactionId,  // transaction ids starting with it (case-insensitive)
  kProductId,      // product ids (as text) starting with it
};

class Store {
 public:
  virtual ~Store() = default;

  // Orders matching `f`, newest first (created_at desc, then transaction_id desc), at most `limit`.
  virtual core::Result<std::vector<Order>> find_orders(const OrderFilter& f, int limit) = 0;

  // Products matching `f`, ordered by name (then id), at most `limit`.
  virtual core::Result<std::vector<Product>> find_products(const ProductFilter& f, int limit) = 0;

  // Per-customer totals over orders matching `f` (only customer_name, status, date_from and
  // date_to are used), highest total_spent first (ties: name), at most `limit` customers.
  virtual core::Result<std::vector<CustomerStats>> customer_stats(const OrderFilter& f,
                                                                  int limit) = 0;

  // Totals over all orders matching `f` (same fields as customer_stats), with no limit.
  virtual core::Result<OverallStats> overall_stats(const OrderFilter& f) = 0;

  // Grouped analytics over orders matching `f` (date_from, date_to, status used). Ordering:
  // daily and monthly newest first; status by order_count desc (ties: status name), ignoring
  // `limit`; product by total_quantity desc (ties: product_id). At most `limit` rows otherwise.
  virtual core::Result<std::vector<AnalyticsRow>> order_analytics(Grouping g, const OrderFilter& f,
                                                                  int limit) = 0;

  // One product by id, one order by its exact transaction id; nullopt when there is none.
  virtual core::Result<std::optional<Product>> product(std::int64_t id) = 0;
  virtual core::Result<std::optional<Order>> order(const std::string& transaction_id) = 0;

  // Values that complete `typed` (see Suggestion), in ascending order, at most `limit`. Fast on
  // large tables: customer names and transaction ids are walked on their indexes.
  virtual core::Result<std::vector<std::string>> suggest(Suggestion what, const std::string& typed,
                                                         int limit) = 0;

  // When the database itself reports changes (PostgreSQL's LISTEN/NOTIFY): calls `changed`, on a
  // thread of the store's, soon after any program changes products or orders, and once after each
  // reconnection (changes may have been missed meanwhile); returns true. Returns false when the
  // store cannot tell (notifies_changes() false), and the caller polls instead. At most once;
  // stop_watching() ends it, and must be called before what `changed` uses goes away.
  virtual bool notifies_changes() const { return false; }
  virtual bool watch_changes(std::function<void()> changed) {
    (void)changed;
    return false;
  }
  virtual void stop_watching() {}
};

}  // namespace shopmcp::store
