#include "store/pg_sql.h"

#include <cctype>
#include <utility>

namespace shopmcp::store::pgsql {
namespace {

using sql::Query;
using sql::Value;

// Appends "WHERE a AND b ...": each fragment's `$` becomes the next parameter number.
class Where {
 public:
  explicit Where(Query* q) : q_(q) {}
  void add(std::string fragment, Value v) {
    q_->binds.push_back(std::move(v));
    const auto at = fragment.find('$');
    fragment.replace(at, 1, "$" + std::to_string(q_->binds.size()));
    q_->text += first_ ? " WHERE " : " AND ";
    first_ = false;
    q_->text += fragment;
  }

 private:
  Query* q_;
  bool first_ = true;
};

void add_limit(int limit, Query* q) {
  q->binds.emplace_back(std::int64_t{limit});
  q->text += " LIMIT $" + std::to_string(q->binds.size());
}

// `s` as a LIKE pattern matching itself literally (the default escape character is '\').
std::string like_literal(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '%' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

// The smallest string above every string that starts with `prefix`, in byte order (COLLATE "C"):
// U+10FFFF is the largest code point, so `prefix` + it is above `prefix` + anything else.
std::string prefix_end(const std::string& prefix) { return prefix + "\xf4\x8f\xbf\xbf"; }

constexpr const char* kStamp = "'YYYY-MM-DD HH24:MI:SS'";

const std::string kOrderColumns =
    std::string(
        "SELECT o.transaction_id, o.name, p.name, p.category, o.quantity, p.price, o.amount,"
        " o.status, COALESCE(to_char(o.created_at, ") +
    kStamp + "), ''), COALESCE(to_char(o.updated_at, " + kStamp +
    "), '') FROM orders o JOIN products p ON p.id = o.product_id";
const std::string kProductColumns =
    std::string(
        "SELECT id, name, description, price, stock_quantity, category,"
        " COALESCE(to_char(created_at, ") +
    kStamp + "), ''), COALESCE(to_char(updated_at, " + kStamp + "), '') FROM products";

// The aggregates' rows: the rollup's, or each order as a rollup row of its own. Orders without a
// creation time belong to no day and are left out of both.
std::string source(Source s) {
  if (s == Source::kRollup) return "shopmcp_rollup r";
  return "(SELECT o.created_at::date AS day, o.status, o.name, o.product_id, 1::bigint AS orders,"
         " o.quantity::bigint AS quantity, (o.amount * 100)::bigint AS cents,"
         " o.created_at AS first_at, o.created_at AS last_at FROM orders o"
         " WHERE o.created_at IS NOT NULL) r";
}

// Whole days through first_at and last_at, which share their row's day: the same test on both
// sources, and one the orders' created_at index serves.
void add_rollup_filters(const OrderFilter& f, bool customer, Query* q) {
  Where w(q);
  if (customer && f.customer_name) w.add("strpos(lower(r.name), lower($)) > 0", *f.customer_name);
  if (f.status) w.add("r.status = $", *f.status);
  if (f.date_from) w.add("r.first_at >= $::timestamp", *f.date_from + " 00:00:00");
  if (f.date_to) w.add("r.last_at <= $::timestamp", *f.date_to + " 23:59:59");
}

// Money from integer cents: the total, and the average rounded half up to the cent.
constexpr const char* kRevenue = "SUM(r.cents) / 100.0";
constexpr const char* kAverage =
    "CASE WHEN SUM(r.orders) > 0 THEN div(SUM(r.cents) * 2 + SUM(r.orders), SUM(r.orders) * 2)"
    " / 100.0 ELSE 0 END";
const std::string kMetrics =
    std::string("SUM(r.orders) AS order_count, SUM(r.quantity) AS total_quantity, ") + kRevenue +
    ", " + kAverage + ", COUNT(DISTINCT r.name)";

}  // namespace

const char* const kCreateShopTables =
    "CREATE TABLE products ("
    " id bigserial PRIMARY KEY,"
    " name varchar(255) NOT NULL,"
    " description text NOT NULL,"
    " price numeric(10, 2) NOT NULL,"
    " stock_quantity integer NOT NULL,"
    " category varchar(255) NOT NULL,"
    " created_at timestamp(0) without time zone NULL,"
    " updated_at timestamp(0) without time zone NULL);"
    "CREATE TABLE orders ("
    " id bigserial PRIMARY KEY,"
    " transaction_id varchar(255) NOT NULL,"
    " name varchar(255) NOT NULL,"
    " amount numeric(10, 2) NOT NULL,"
    " status varchar(255) NOT NULL CHECK (status IN"
    "  ('pending', 'processing', 'completed', 'cancelled', 'refunded')),"
    " product_id bigint NOT NULL,"
    " quantity integer NOT NULL,"
    " created_at timestamp(0) without time zone NULL,"
    " updated_at timestamp(0) without time zone NULL,"
    " CONSTRAINT orders_transaction_id_unique UNIQUE (transaction_id),"
    " CONSTRAINT orders_product_id_foreign FOREIGN KEY (product_id) REFERENCES products (id)"
    "  ON DELETE CASCADE);";

const char* const kCreateMeta =
    "CREATE TABLE IF NOT EXISTS shopmcp_meta (key text PRIMARY KEY, value text NOT NULL)";

const char* const kTablesPresent =
    "SELECT to_regclass('products') IS NOT NULL, to_regclass('orders') IS NOT NULL,"
    " to_regclass('shopmcp_meta') IS NOT NULL";

const char* const kRebuildRollup =
    "TRUNCATE shopmcp_rollup;"
    "INSERT INTO shopmcp_rollup SELECT created_at::date, status, name, product_id, COUNT(*),"
    " SUM(quantity), SUM((amount * 100)::bigint), MIN(created_at), MAX(created_at) FROM orders"
    " WHERE created_at IS NOT NULL GROUP BY 1, 2, 3, 4;"
    "ANALYZE shopmcp_rollup;";

const char* const kCreateTrigram = "CREATE EXTENSION IF NOT EXISTS pg_trgm";
// %s: the schema pg_trgm was installed in (its operator class lives there).
const char* const kTrigramIndex =
    "CREATE INDEX IF NOT EXISTS shopmcp_orders_txn_trgm ON orders"
    " USING gin (lower(transaction_id) \"%s\".gin_trgm_ops)";

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: the indexes the queries walk, the rollup and its triggers, and the change notices.
      // In the order find_orders sorts by (newest first, an order without a time last), so a
      // query with a limit reads only the first rows of the index.
      "CREATE INDEX IF NOT EXISTS shopmcp_orders_created_at ON orders"
      " (created_at DESC NULLS LAST);"
      "CREATE INDEX IF NOT EXISTS shopmcp_orders_status_created ON orders"
      " (status, created_at DESC NULLS LAST);"
      "CREATE INDEX IF NOT EXISTS shopmcp_orders_name ON orders (name COLLATE \"C\", created_at);"
      "CREATE INDEX IF NOT EXISTS shopmcp_orders_product_id ON orders (product_id);"
      "CREATE INDEX IF NOT EXISTS shopmcp_orders_txn ON orders (transaction_id COLLATE \"C\");"
      "CREATE TABLE shopmcp_rollup ("
      " day date NOT NULL, status varchar(255) NOT NULL, name varchar(255) NOT NULL,"
      " product_id bigint NOT NULL, orders bigint NOT NULL, quantity bigint NOT NULL,"
      " cents bigint NOT NULL, first_at timestamp(0) NOT NULL, last_at timestamp(0) NOT NULL,"
      " PRIMARY KEY (day, status, name, product_id));"
      // One order's part of its rollup row, taken away (old) and added (new).
      "CREATE FUNCTION shopmcp_rollup_row() RETURNS trigger LANGUAGE plpgsql AS $f$"
      " BEGIN"
      "  IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.created_at IS NOT NULL THEN"
      "   UPDATE shopmcp_rollup SET orders = orders - 1, quantity = quantity - OLD.quantity,"
      "    cents = cents - (OLD.amount * 100)::bigint"
      "    WHERE day = OLD.created_at::date AND status = OLD.status AND name = OLD.name"
      "    AND product_id = OLD.product_id;"
      "   DELETE FROM shopmcp_rollup WHERE day = OLD.created_at::date AND status = OLD.status"
      "    AND name = OLD.name AND product_id = OLD.product_id AND orders = 0;"
      // The first and last order times of what is left, when the row removed was one of them.
      // Row triggers run once the whole statement is done, so the orders table may already
      // lack every row of this group while the rollup still counts some (their own triggers
      // come next and take the group to 0, which deletes it): then the times are kept.
      "   UPDATE shopmcp_rollup SET"
      "    first_at = COALESCE((SELECT MIN(created_at) FROM orders WHERE name = OLD.name"
      "     AND created_at >= OLD.created_at::date AND created_at < OLD.created_at::date + 1"
      "     AND status = OLD.status AND product_id = OLD.product_id), first_at),"
      "    last_at = COALESCE((SELECT MAX(created_at) FROM orders WHERE name = OLD.name"
      "     AND created_at >= OLD.created_at::date AND created_at < OLD.created_at::date + 1"
      "     AND status = OLD.status AND product_id = OLD.product_id), last_at)"
      "    WHERE day = OLD.created_at::date AND status = OLD.status AND name = OLD.name"
      "    AND product_id = OLD.product_id"
      "    AND (first_at = OLD.created_at OR last_at = OLD.created_at);"
      "  END IF;"
      "  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.created_at IS NOT NULL THEN"
      "   INSERT INTO shopmcp_rollup AS r VALUES (NEW.created_at::date, NEW.status, NEW.name,"
      "    NEW.product_id, 1, NEW.quantity, (NEW.amount * 100)::bigint, NEW.created_at,"
      "    NEW.created_at)"
      "    ON CONFLICT (day, status, name, product_id) DO UPDATE SET orders = r.orders + 1,"
      "    quantity = r.quantity + EXCLUDED.quantity, cents = r.cents + EXCLUDED.cents,"
      "    first_at = LEAST(r.first_at, EXCLUDED.first_at),"
      "    last_at = GREATEST(r.last_at, EXCLUDED.last_at);"
      "  END IF;"
      "  RETURN NULL;"
      " END $f$;"
      "CREATE TRIGGER shopmcp_rollup AFTER INSERT OR DELETE OR UPDATE OF transaction_id, name,"
      " amount, status, product_id, quantity, created_at ON orders"
      " FOR EACH ROW EXECUTE FUNCTION shopmcp_rollup_row();"
      "CREATE FUNCTION shopmcp_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $f$"
      " BEGIN TRUNCATE shopmcp_rollup; RETURN NULL; END $f$;"
      "CREATE TRIGGER shopmcp_rollup_truncate AFTER TRUNCATE ON orders"
      " FOR EACH STATEMENT EXECUTE FUNCTION shopmcp_rollup_truncate();"
      // A change to the shop's data, whoever makes it, reaches every listening shop-mcp.
      "CREATE FUNCTION shopmcp_notify() RETURNS trigger LANGUAGE plpgsql AS $f$"
      " BEGIN PERFORM pg_notify('shopmcp_changes', TG_TABLE_NAME); RETURN NULL; END $f$;"
      "CREATE TRIGGER shopmcp_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products"
      " FOR EACH STATEMENT EXECUTE FUNCTION shopmcp_notify();"
      "CREATE TRIGGER shopmcp_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON orders"
      " FOR EACH STATEMENT EXECUTE FUNCTION shopmcp_notify();" +
          std::string(kRebuildRollup) + "ANALYZE orders; ANALYZE products;",
  };
  return kMigrations;
}

const char* const kCopyProducts =
    "COPY products (id, name, description, price, stock_quantity, category, created_at,"
    " updated_at) FROM STDIN";
const char* const kCopyOrders =
    "COPY orders (transaction_id, name, amount, status, product_id, quantity, created_at,"
    " updated_at) FROM STDIN";
const char* const kResetProductIds =
    "SELECT setval(pg_get_serial_sequence('products', 'id'), COALESCE(MAX(id), 1)) FROM products";

Query find_order(const std::string& transaction_id) {
  return Query{kOrderColumns + " WHERE o.transaction_id = $1", {transaction_id}};
}

Query find_product(std::int64_t id) { return Query{kProductColumns + " WHERE id = $1", {id}}; }

Query find_orders(const OrderFilter& f, int limit) {
  Query q{kOrderColumns, {}};
  Where w(&q);
  // A LIKE pattern the trigram index can narrow; the pattern is literal text.
  if (f.transaction_id) {
    w.add("lower(o.transaction_id) LIKE lower($)", "%" + like_literal(*f.transaction_id) + "%");
  }
  if (f.customer_name) w.add("strpos(lower(o.name), lower($)) > 0", *f.customer_name);
  if (f.status) w.add("o.status = $", *f.status);
  if (f.product_name) w.add("strpos(lower(p.name), lower($)) > 0", *f.product_name);
  if (f.min_amount) w.add("o.amount >= $", *f.min_amount);
  if (f.max_amount) w.add("o.amount <= $", *f.max_amount);
  if (f.date_from) w.add("o.created_at >= $::timestamp", *f.date_from + " 00:00:00");
  if (f.date_to) w.add("o.created_at <= $::timestamp", *f.date_to + " 23:59:59");
  q.text += " ORDER BY o.created_at DESC NULLS LAST, o.transaction_id COLLATE \"C\" DESC";
  add_limit(limit, &q);
  return q;
}

Query find_products(const ProductFilter& f, int limit) {
  Query q{kProductColumns, {}};
  Where w(&q);
  if (f.name) w.add("strpos(lower(name), lower($)) > 0", *f.name);
  if (f.category) w.add("strpos(lower(category), lower($)) > 0", *f.category);
  if (f.min_price) w.add("price >= $", *f.min_price);
  if (f.max_price) w.add("price <= $", *f.max_price);
  if (f.min_stock) w.add("stock_quantity >= $", *f.min_stock);
  q.text += " ORDER BY name COLLATE \"C\", id";
  add_limit(limit, &q);
  return q;
}

Query suggest(Suggestion what, const std::string& typed, int limit) {
  switch (what) {
    case Suggestion::kCustomerName:
      // Distinct names by hopping along shopmcp_orders_name: one seek per name.
      return Query{
          "WITH RECURSIVE n(name) AS ("
          " SELECT (SELECT MIN(name COLLATE \"C\") FROM orders"
          "  WHERE name COLLATE \"C\" >= $1 AND name COLLATE \"C\" < $2)"
          " UNION ALL"
          " SELECT (SELECT MIN(o.name COLLATE \"C\") FROM orders o"
          "  WHERE o.name COLLATE \"C\" > n.name AND o.name COLLATE \"C\" < $2)"
          " FROM n WHERE n.name IS NOT NULL)"
          " SELECT name FROM n WHERE name IS NOT NULL LIMIT $3",
          {typed, prefix_end(typed), std::int64_t{limit}}};
    case Suggestion::kProductName:
      return Query{
          "SELECT DISTINCT name COLLATE \"C\" FROM products"
          " WHERE strpos(lower(name), lower($1)) > 0 ORDER BY 1 LIMIT $2",
          {typed, std::int64_t{limit}}};
    case Suggestion::kCategory:
      return Query{
          "SELECT DISTINCT category COLLATE \"C\" FROM products"
          " WHERE strpos(lower(category), lower($1)) > 0 ORDER BY 1 LIMIT $2",
          {typed, std::int64_t{limit}}};
    case Suggestion::kTransactionId: {
      std::string upper = typed;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return Query{
          "SELECT transaction_id FROM orders WHERE transaction_id COLLATE \"C\" >= $1"
          " AND transaction_id COLLATE \"C\" < $2 ORDER BY transaction_id COLLATE \"C\" LIMIT $3",
          {upper, prefix_end(upper), std::int64_t{limit}}};
    }
    case Suggestion::kProductId:
      return Query{
          "SELECT id::text FROM products WHERE starts_with(id::text, $1::text) ORDER BY id"
          " LIMIT $2",
          {typed, std::int64_t{limit}}};
  }
  return Query{"SELECT '' WHERE false", {}};
}

Query customer_stats(Source s, const OrderFilter& f, int limit) {
  Query q{std::string("SELECT r.name, SUM(r.orders), ") + kRevenue + ", " + kAverage +
              ", to_char(MIN(r.first_at), " + kStamp + "), to_char(MAX(r.last_at), " + kStamp +
              ") FROM " + source(s),
          {}};
  add_rollup_filters(f, true, &q);
  q.text += " GROUP BY r.name ORDER BY SUM(r.cents) DESC, r.name COLLATE \"C\"";
  add_limit(limit, &q);
  return q;
}

Query overall_stats(Source s, const OrderFilter& f) {
  Query q{std::string("SELECT COUNT(DISTINCT r.name), COALESCE(SUM(r.orders), 0), COALESCE(") +
              kRevenue + ", 0), " + kAverage + " FROM " + source(s),
          {}};
  add_rollup_filters(f, true, &q);
  return q;
}

Query order_analytics(Source s, Grouping g, const OrderFilter& f, int limit) {
  Query q;
  const char* tail = "";
  bool limited = true;
  switch (g) {
    case Grouping::kDaily:
      q.text = "SELECT to_char(r.day, 'YYYY-MM-DD'), 0, 0, '', 0, '', ";
      tail = " GROUP BY r.day ORDER BY r.day DESC";
      break;
    case Grouping::kMonthly:
      q.text =
          "SELECT '', extract(year FROM r.day)::int AS year, extract(month FROM r.day)::int AS"
          " month, '', 0, '', ";
      tail = " GROUP BY 2, 3 ORDER BY 2 DESC, 3 DESC";
      break;
    case Grouping::kStatus:
      q.text = "SELECT '', 0, 0, r.status, 0, '', ";
      tail = " GROUP BY r.status ORDER BY order_count DESC, r.status COLLATE \"C\"";
      limited = false;
      break;
    case Grouping::kProduct:
      q.text = "SELECT '', 0, 0, '', p.id, p.name, ";
      tail = " GROUP BY p.id, p.name ORDER BY total_quantity DESC, p.id";
      break;
  }
  q.text += kMetrics + " FROM " + source(s);
  if (g == Grouping::kProduct) q.text += " JOIN products p ON p.id = r.product_id";
  add_rollup_filters(f, false, &q);
  q.text += tail;
  if (limited) add_limit(limit, &q);
  return q;
}

}  // namespace shopmcp::store::pgsql
