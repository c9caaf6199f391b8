#include "store/sql_queries.h"

#include <cctype>
#include <string_view>
#include <utility>

namespace shopmcp::store::sql {
namespace {

// Which OrderFilter fields a query honours.
enum Field : unsigned {
  kTransactionId = 1U << 0,
  kCustomerName = 1U << 1,
  kStatus = 1U << 2,
  kProductName = 1U << 3,  // needs `products p` joined
  kMinAmount = 1U << 4,
  kMaxAmount = 1U << 5,
  kDateFrom = 1U << 6,
  kDateTo = 1U << 7,
};
constexpr unsigned kAllOrderFields = 0xffU;
constexpr unsigned kStatsFields = kCustomerName | kStatus | kDateFrom | kDateTo;
constexpr unsigned kAnalyticsFields = kStatus | kDateFrom | kDateTo;

// Appends "WHERE a AND b ..." from fixed fragments, each with exactly one `?`.
class Where {
 public:
  explicit Where(Query* q) : q_(q) {}
  void add(const char* fragment, Value v) {
    q_->text += first_ ? " WHERE " : " AND ";
    first_ = false;
    q_->text += fragment;
    q_->binds.push_back(std::move(v));
  }

 private:
  Query* q_;
  bool first_ = true;
};

// Case-insensitive literal substring tests: instr() treats `%` and `_` as ordinary characters,
// unlike LIKE. lower() folds ASCII only, which covers transaction ids; CJK text has no case.
constexpr const char* kTransactionIdContains = "instr(lower(o.transaction_id), lower(?)) > 0";
constexpr const char* kCustomerContains = "instr(lower(o.name), lower(?)) > 0";
constexpr const char* kProductNameContains = "instr(lower(p.name), lower(?)) > 0";
constexpr const char* kNameContains = "instr(lower(name), lower(?)) > 0";
constexpr const char* kCategoryContains = "instr(lower(category), lower(?)) > 0";

// At least 3 characters (the trigram index's unit) and no LIKE wildcard: the index can narrow
// the search; instr() still decides.
bool trigram_searchable(const std::string& needle) {
  std::size_t chars = 0;
  for (unsigned char c : needle) {
    if (c == '%' || c == '_') return false;
    if ((c & 0xC0) != 0x80) ++chars;
  }
  return chars >= 3;
}

void add_order_filters(const OrderFilter& f, unsigned fields, Query* q) {
  Where w(q);
  if ((fields & kTransactionId) != 0 && f.transaction_id) {
    if (trigram_searchable(*f.transaction_id)) {
      w.add("o.id IN (SELECT rowid FROM orders_txn WHERE transaction_id LIKE ?)",
            "%" + *f.transaction_id + "%");
    }
    w.add(kTransactionIdContains, *f.transaction_id);
  }
  if ((fields & kCustomerName) != 0 && f.customer_name) {
    w.add(kCustomerContains, *f.customer_name);
  }
  if ((fields & kStatus) != 0 && f.status) w.add("o.status = ?", *f.status);
  if ((fields & kProductName) != 0 && f.product_name) {
    w.add(kProductNameContains, *f.product_name);
  }
  if ((fields & kMinAmount) != 0 && f.min_amount) w.add("o.amount >= ?", *f.min_amount);
  if ((fields & kMaxAmount) != 0 && f.max_amount) w.add("o.amount <= ?", *f.max_amount);
  // Timestamps are "YYYY-MM-DD HH:MM:SS" text, so whole-day bounds compare as strings.
  if ((fields & kDateFrom) != 0 && f.date_from) {
    w.add("o.created_at >= ?", *f.date_from + " 00:00:00");
  }
  if ((fields & kDateTo) != 0 && f.date_to) w.add("o.created_at <= ?", *f.date_to + " 23:59:59");
}

// The same filters on order_rollup r: whole days compare as "YYYY-MM-DD" text.
void add_rollup_filters(const OrderFilter& f, unsigned fields, Query* q) {
  Where w(q);
  if ((fields & kCustomerName) != 0 && f.customer_name) {
    w.add("instr(lower(r.name), lower(?)) > 0", *f.customer_name);
  }
  if ((fields & kStatus) != 0 && f.status) w.add("r.status = ?", *f.status);
  if ((fields & kDateFrom) != 0 && f.date_from) w.add("r.day >= ?", *f.date_from);
  if ((fields & kDateTo) != 0 && f.date_to) w.add("r.day <= ?", *f.date_to);
}

// Money from integer cents: the total, and the average rounded half up to the cent (amounts are
// never negative), so every figure is exact whatever order rows are summed in.
constexpr const char* kRevenue = "SUM(r.cents) / 100.0";
constexpr const char* kAverage =
    "CASE WHEN SUM(r.orders) > 0 THEN ((SUM(r.cents) * 2 + SUM(r.orders)) / (SUM(r.orders) * 2))"
    " / 100.0 ELSE 0 END";

void add_limit(int limit, Query* q) {
  q->text += " LIMIT ?";
  q->binds.emplace_back(std::int64_t{limit});
}

const std::string kMetrics =
    std::string("SUM(r.orders) AS order_count, SUM(r.quantity) AS total_quantity, ") + kRevenue +
    ", " + kAverage + ", COUNT(DISTINCT r.name)";

}  // namespace

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: the shop's tables and indexes. The order indexes are kCreateOrderIndexes, which
      // seeding rebuilds: today's set, so a new database already has what 3 changes.
      "CREATE TABLE products ("
      " id INTEGER PRIMARY KEY,"
      " name TEXT NOT NULL,"
      " description TEXT NOT NULL,"
      " price REAL NOT NULL,"
      " stock_quantity INTEGER NOT NULL,"
      " category TEXT NOT NULL,"
      " created_at TEXT NOT NULL,"
      " updated_at TEXT NOT NULL);"
      "CREATE TABLE orders ("
      " id INTEGER PRIMARY KEY,"
      " transaction_id TEXT NOT NULL UNIQUE,"
      " name TEXT NOT NULL,"
      " amount REAL NOT NULL,"
      " status TEXT NOT NULL"
      "  CHECK (status IN ('pending', 'processing', 'completed', 'cancelled', 'refunded')),"
      " product_id INTEGER NOT NULL REFERENCES products(id),"
      " quantity INTEGER NOT NULL,"
      " created_at TEXT NOT NULL,"
      " updated_at TEXT NOT NULL);" +
          std::string(kCreateOrderIndexes),
      // 2: the aggregates' rollup and the transaction-id trigram index, both kept by triggers
      // so that they stay exact while another program writes the orders.
      std::string("CREATE TABLE order_rollup ("
                  " day TEXT NOT NULL, status TEXT NOT NULL, name TEXT NOT NULL,"
                  " product_id INTEGER NOT NULL, orders INTEGER NOT NULL,"
                  " quantity INTEGER NOT NULL, cents INTEGER NOT NULL,"
                  " first_at TEXT NOT NULL, last_at TEXT NOT NULL,"
                  " PRIMARY KEY (day, status, name, product_id)) WITHOUT ROWID;"
                  "CREATE VIRTUAL TABLE orders_txn USING fts5(transaction_id, content='orders',"
                  " content_rowid='id', tokenize='trigram', detail='none');") +
          kCreateRollupIndexes + kRebuildRollups + create_order_triggers(),
      // 3: orders by status within a date range, newest first (get_orders with both filters)
      // walk one index instead of every order of that status. It replaces orders(status), its
      // prefix; a new database has it from 1 already.
      "DROP INDEX IF EXISTS orders_status;"
      "CREATE INDEX IF NOT EXISTS orders_status_created ON orders(status, created_at);",
  };
  return kMigrations;
}

const char* const kDropOrderIndexes =
    "DROP INDEX IF EXISTS orders_created_at;"
    "DROP INDEX IF EXISTS orders_status_created;"
    "DROP INDEX IF EXISTS orders_name;"
    "DROP INDEX IF EXISTS orders_product_id;";

const char* const kCreateOrderIndexes =
    "CREATE INDEX IF NOT EXISTS orders_created_at ON orders(created_at);"
    "CREATE INDEX IF NOT EXISTS orders_status_created ON orders(status, created_at);"
    "CREATE INDEX IF NOT EXISTS orders_name ON orders(name);"
    "CREATE INDEX IF NOT EXISTS orders_product_id ON orders(product_id);";

const char* const kDropRollupIndexes = "DROP INDEX IF EXISTS orders_name_created;";

// The deletion triggers recompute a rollup row's first/last order time through this index.
const char* const kCreateRollupIndexes =
    "CREATE INDEX IF NOT EXISTS orders_name_created ON orders(name, created_at);";

const char* const kRebuildRollups =
    "DELETE FROM order_rollup;"
    "INSERT INTO order_rollup SELECT substr(created_at, 1, 10), status, name, product_id,"
    " COUNT(*), SUM(quantity), SUM(CAST(round(amount * 100) AS INTEGER)), MIN(created_at),"
    " MAX(created_at) FROM orders GROUP BY 1, 2, 3, 4;"
    "INSERT INTO orders_txn(orders_txn) VALUES ('rebuild');";

const char* const kDropOrderTriggers =
    "DROP TRIGGER IF EXISTS orders_after_insert;"
    "DROP TRIGGER IF EXISTS orders_after_delete;"
    "DROP TRIGGER IF EXISTS orders_after_update;";

namespace {

// One order's part of its rollup row, added (`add`) or taken away (`remove`), with the trigram
// index following its transaction id. "R." stands for the trigger's row, new. or old.
constexpr const char* kRollupAdd =
    "INSERT INTO order_rollup VALUES (substr(R.created_at, 1, 10), R.status, R.name,"
    " R.product_id, 1, R.quantity, CAST(round(R.amount * 100) AS INTEGER), R.created_at,"
    " R.created_at) ON CONFLICT DO UPDATE SET orders = orders + 1,"
    " quantity = quantity + excluded.quantity, cents = cents + excluded.cents,"
    " first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at);"
    "INSERT INTO orders_txn(rowid, transaction_id) VALUES (R.id, R.transaction_id);";
constexpr const char* kRollupRemove =
    "UPDATE order_rollup SET orders = orders - 1, quantity = quantity - R.quantity,"
    " cents = cents - CAST(round(R.amount * 100) AS INTEGER) WHERE KEY;"
    "DELETE FROM order_rollup WHERE KEY AND orders = 0;"
    // The first and last order times of what is left, only when the row removed was one of them.
    "UPDATE order_rollup SET first_at = (SELECT MIN(created_at) FROM orders WHERE DAY_ORDERS),"
    " last_at = (SELECT MAX(created_at) FROM orders WHERE DAY_ORDERS)"
    " WHERE KEY AND (first_at = R.created_at OR last_at = R.created_at);"
    "INSERT INTO orders_txn(orders_txn, rowid, transaction_id)"
    " VALUES ('delete', R.id, R.transaction_id);";
constexpr const char* kRollupKey =
    "day = substr(R.created_at, 1, 10) AND status = R.status AND name = R.name"
    " AND product_id = R.product_id";
constexpr const char* kRollupDayOrders =
    "name = R.name AND created_at >= substr(R.created_at, 1, 10) || ' 00:00:00'"
    " AND created_at <= substr(R.created_at, 1, 10) || ' 23:59:59' AND status = R.status"
    " AND product_id = R.product_id";

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

std::string for_row(const char* text, const char* row) {
  std::string s = replace_all(text, "KEY", kRollupKey);
  s = replace_all(std::move(s), "DAY_ORDERS", kRollupDayOrders);
  return replace_all(std::move(s), "R.", std::string(row) + ".");
}

}  // namespace

const std::string& create_order_triggers() {
  static const std::string kText =
      "CREATE TRIGGER orders_after_insert AFTER INSERT ON orders BEGIN " +
      for_row(kRollupAdd, "new") +
      " END;"
      "CREATE TRIGGER orders_after_delete AFTER DELETE ON orders BEGIN " +
      for_row(kRollupRemove, "old") +
      " END;"
      "CREATE TRIGGER orders_after_update AFTER UPDATE OF id, transaction_id, name, amount,"
      " status, product_id, quantity, created_at ON orders BEGIN " +
      for_row(kRollupRemove, "old") + for_row(kRollupAdd, "new") + " END;";
  return kText;
}

const char* const kProductsEmpty = "SELECT NOT EXISTS (SELECT 1 FROM products)";

const char* const kInsertProduct =
    "INSERT INTO products (id, name, description, price, stock_quantity, category, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

std::string insert_orders(int rows) {
  std::string sql =
      "INSERT INTO orders (transaction_id, name, amount, status, product_id, quantity, created_at,"
      " updated_at) VALUES ";
  for (int i = 0; i < rows; ++i)
    sql += i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)";
  return sql;
}

constexpr const char* kOrderColumns =
    "SELECT o.transaction_id, o.name, p.name, p.category, o.quantity, p.price, o.amount,"
    " o.status, o.created_at, o.updated_at"
    " FROM orders o JOIN products p ON p.id = o.product_id";
constexpr const char* kProductColumns =
    "SELECT id, name, description, price, stock_quantity, category, created_at, updated_at"
    " FROM products";

// The smallest string greater than every string that starts with `prefix`: 0xFF never occurs in
// UTF-8, and text compares bytewise.
std::string prefix_end(const std::string& prefix) { return prefix + '\xff'; }

Query find_order(const std::string& transaction_id) {
  return Query{std::string(kOrderColumns) + " WHERE o.transaction_id = ?", {transaction_id}};
}

Query find_product(std::int64_t id) {
  return Query{std::string(kProductColumns) + " WHERE id = ?", {id}};
}

Query suggest(Suggestion what, const std::string& typed, int limit) {
  switch (what) {
    case Suggestion::kCustomerName:
      // Distinct names by hopping along orders_name: one seek per name, not one row per order.
      return Query{
          "WITH RECURSIVE n(name) AS ("
          " SELECT (SELECT MIN(name) FROM orders WHERE name >= ? AND name < ?)"
          " UNION ALL"
          " SELECT (SELECT MIN(name) FROM orders WHERE name > n.name AND name < ?)"
          " FROM n WHERE n.name IS NOT NULL LIMIT ?)"
          " SELECT name FROM n WHERE name IS NOT NULL",
          {typed, prefix_end(typed), prefix_end(typed), std::int64_t{limit}}};
    case Suggestion::kProductName:
      return Query{std::string("SELECT DISTINCT name FROM products WHERE ") + kNameContains +
                       " ORDER BY name LIMIT ?",
                   {typed, std::int64_t{limit}}};
    case Suggestion::kCategory:
      return Query{std::string("SELECT DISTINCT category FROM products WHERE ") +
                       kCategoryContains + " ORDER BY category LIMIT ?",
                   {typed, std::int64_t{limit}}};
    case Suggestion::kTransactionId: {
      std::string upper = typed;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return Query{
          "SELECT transaction_id FROM orders WHERE transaction_id >= ? AND transaction_id < ?"
          " ORDER BY transaction_id LIMIT ?",
          {upper, prefix_end(upper), std::int64_t{limit}}};
    }
    case Suggestion::kProductId:
      return Query{
          "SELECT CAST(id AS TEXT) FROM products WHERE substr(CAST(id AS TEXT), 1, length(?)) = ?"
          " ORDER BY id LIMIT ?",
          {typed, typed, std::int64_t{limit}}};
  }
  return Query{"SELECT '' WHERE 0", {}};
}

Query find_orders(const OrderFilter& f, int limit) {
  Query q{kOrderColumns, {}};
  add_order_filters(f, kAllOrderFields, &q);
  q.text += " ORDER BY o.created_at DESC, o.transaction_id DESC";
  add_limit(limit, &q);
  return q;
}

Query find_products(const ProductFilter& f, int limit) {
  Query q{kProductColumns, {}};
  Where w(&q);
  if (f.name) w.add(kNameContains, *f.name);
  if (f.category) w.add(kCategoryContains, *f.category);
  if (f.min_price) w.add("price >= ?", *f.min_price);
  if (f.max_price) w.add("price <= ?", *f.max_price);
  if (f.min_stock) w.add("stock_quantity >= ?", *f.min_stock);
  q.text += " ORDER BY name, id";
  add_limit(limit, &q);
  return q;
}

Query customer_stats(const OrderFilter& f, int limit) {
  Query q{std::string("SELECT r.name, SUM(r.orders), ") + kRevenue + ", " + kAverage +
              ", MIN(r.first_at), MAX(r.last_at) FROM order_rollup r",
          {}};
  add_rollup_filters(f, kStatsFields, &q);
  q.text += " GROUP BY r.name ORDER BY SUM(r.cents) DESC, r.name";
  add_limit(limit, &q);
  return q;
}

Query overall_stats(const OrderFilter& f) {
  Query q{std::string("SELECT COUNT(DISTINCT r.name), COALESCE(SUM(r.orders), 0), COALESCE(") +
              kRevenue + ", 0), " + kAverage + " FROM order_rollup r",
          {}};
  add_rollup_filters(f, kStatsFields, &q);
  return q;
}

Query order_analytics(Grouping g, const OrderFilter& f, int limit) {
  Query q;
  const char* tail = "";
  bool limited = true;
  switch (g) {
    case Grouping::kDaily:
      q.text = "SELECT r.day AS day, 0, 0, '', 0, '', ";
      tail = " GROUP BY day ORDER BY day DESC";
      break;
    case Grouping::kMonthly:
      q.text =
          "SELECT '', CAST(substr(r.day, 1, 4) AS INTEGER) AS year,"
          " CAST(substr(r.day, 6, 2) AS INTEGER) AS month, '', 0, '', ";
      tail = " GROUP BY year, month ORDER BY year DESC, month DESC";
      break;
    case Grouping::kStatus:
      q.text = "SELECT '', 0, 0, r.status, 0, '', ";
      tail = " GROUP BY r.status ORDER BY order_count DESC, r.status";
      limited = false;
      break;
    case Grouping::kProduct:
      q.text = "SELECT '', 0, 0, '', p.id, p.name, ";
      tail = " GROUP BY p.id ORDER BY total_quantity DESC, p.id";
      break;
  }
  q.text += kMetrics;
  q.text += " FROM order_rollup r";
  if (g == Grouping::kProduct) q.text += " JOIN products p ON p.id = r.product_id";
  add_rollup_filters(f, kAnalyticsFields, &q);
  q.text += tail;
  if (limited) add_limit(limit, &q);
  return q;
}

}  // namespace shopmcp::store::sql
