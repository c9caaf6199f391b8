#!/usr/bin/env bash
# The four tools against an independent oracle: for each argument set the expected answer is
# computed here with sqlite3 on the stack's own database file (SQL written for this test, not the
# app's) and compared with the tool's JSON: the rows in order, totals, per-customer figures,
# analytics rows (money within a cent). Also: the exact key sets, and that the parts add up.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_stack

# --- the oracle -------------------------------------------------------------------------------

# arg ARGS NAME: the argument's value as jq -r prints it, or nothing when absent/null.
arg() { jq -r --arg k "$2" '.[$k] // empty' <<<"$1"; }
# positive ARGS NAME: the numeric argument when > 0 (0 means "no bound"), else nothing.
positive() { jq -r --arg k "$2" '.[$k] // 0 | if . > 0 then . else empty end' <<<"$1"; }
# like COLUMN VALUE: case-insensitive substring, % and _ literal.
like() { echo " AND instr(lower($1), lower($(sq "$2"))) > 0"; }

# order_filters ARGS: SQL conditions on orders o (and products p) for the shared order filters.
order_filters() {
  local a=$1 c="1 = 1" v
  v=$(arg "$a" transaction_id) && [[ -n $v ]] && c+=$(like o.transaction_id "$v")
  v=$(arg "$a" customer_name) && [[ -n $v ]] && c+=$(like o.name "$v")
  v=$(arg "$a" product_name) && [[ -n $v ]] && c+=$(like p.name "$v")
  v=$(arg "$a" status) && [[ -n $v && $v != all ]] && c+=" AND o.status = $(sq "$v")"
  v=$(positive "$a" min_amount) && [[ -n $v ]] && c+=" AND o.amount >= $v"
  v=$(positive "$a" max_amount) && [[ -n $v ]] && c+=" AND o.amount <= $v"
  v=$(arg "$a" date_from) && [[ -n $v ]] && c+=" AND substr(o.created_at, 1, 10) >= $(sq "$v")"
  v=$(arg "$a" date_to) && [[ -n $v ]] && c+=" AND substr(o.created_at, 1, 10) <= $(sq "$v")"
  echo "$c"
}

expect_orders() {
  local a=$1 limit
  limit=$(jq '.limit // 10' <<<"$a")
  sql "SELECT json_object('success', json('true'), 'total', count(*),
         'orders', json(coalesce(json_group_array(json(r)), '[]')))
       FROM (SELECT json_object('transaction_id', o.transaction_id, 'customer_name', o.name,
               'product_name', p.name, 'quantity', o.quantity, 'amount', o.amount,
               'status', o.status, 'created_at', o.created_at, 'updated_at', o.updated_at) AS r
             FROM orders o JOIN products p ON p.id = o.product_id
             WHERE $(order_filters "$a")
             ORDER BY o.created_at DESC, o.transaction_id DESC LIMIT $limit)"
}

expect_products() {
  local a=$1 limit c="1 = 1" v
  limit=$(jq '.limit // 10' <<<"$a")
  v=$(arg "$a" name) && [[ -n $v ]] && c+=$(like p.name "$v")
  v=$(arg "$a" category) && [[ -n $v ]] && c+=$(like p.category "$v")
  v=$(positive "$a" min_price) && [[ -n $v ]] && c+=" AND p.price >= $v"
  v=$(positive "$a" max_price) && [[ -n $v ]] && c+=" AND p.price <= $v"
  v=$(arg "$a" stock_quantity) && [[ -n $v ]] && c+=" AND p.stock_quantity >= $v"
  sql "SELECT json_object('success', json('true'), 'total', count(*),
         'products', json(coalesce(json_group_array(json(r)), '[]')))
       FROM (SELECT json_object('id', p.id, 'name', p.name, 'description', p.description,
               'price', p.price, 'stock_quantity', p.stock_quantity, 'category', p.category,
               'created_at', p.created_at, 'updated_at', p.updated_at) AS r
             FROM products p WHERE $c ORDER BY p.name, p.id LIMIT $limit)"
}

# Customers: by total spent as shown (rounded to cents), ties by name.
expect_customer_stats() {
  local a=$1 limit where
  limit=$(jq '.limit // 20' <<<"$a")
  where=$(order_filters "$a")
  sql "WITH f AS (SELECT o.* FROM orders o JOIN products p ON p.id = o.product_id WHERE $where),
       c AS (SELECT json_object('customer_name', name, 'total_orders', count(*),
               'total_spent', round(sum(amount), 2), 'average_order_amount', round(avg(amount), 2),
               'first_order_date', min(created_at), 'last_order_date', max(created_at)) AS r
             FROM f GROUP BY name ORDER BY round(sum(amount), 2) DESC, name LIMIT $limit)
       SELECT json_object('success', json('true'),
         'overall_statistics', (SELECT json_object('unique_customers', count(DISTINCT name),
             'total_orders', count(*), 'total_revenue', round(coalesce(sum(amount), 0), 2),
             'average_order_value', round(coalesce(avg(amount), 0), 2)) FROM f),
         'customer_count', (SELECT count(*) FROM c),
         'customers', json((SELECT coalesce(json_group_array(json(r)), '[]') FROM c)))"
}

expect_analytics() {
  local a=$1 type limit where rows
  type=$(jq -r '.analytics_type // "daily"' <<<"$a")
  limit=$(jq '.limit // 30' <<<"$a")
  where=$(order_filters "$a")
  local f="SELECT o.*, p.name AS product_name FROM orders o JOIN products p ON p.id = o.product_id
           WHERE $where"
  local money="'order_count', count(*), 'total_revenue', round(sum(amount), 2),
               'average_order_value', round(avg(amount), 2)"
  case $type in
    daily)
      rows="SELECT json_object('date', substr(created_at, 1, 10), $money,
              'unique_customers', count(DISTINCT name)) AS r
            FROM ($f) GROUP BY substr(created_at, 1, 10)
            ORDER BY substr(created_at, 1, 10) DESC LIMIT $limit"
      ;;
    monthly)
      rows="SELECT json_object('year', CAST(substr(created_at, 1, 4) AS INTEGER),
              'month', CAST(substr(created_at, 6, 2) AS INTEGER),
              'month_name', CASE CAST(substr(created_at, 6, 2) AS INTEGER)
                WHEN 1 THEN 'January' WHEN 2 THEN 'February' WHEN 3 THEN 'March'
                WHEN 4 THEN 'April' WHEN 5 THEN 'May' WHEN 6 THEN 'June' WHEN 7 THEN 'July'
                WHEN 8 THEN 'August' WHEN 9 THEN 'September' WHEN 10 THEN 'October'
                WHEN 11 THEN 'November' ELSE 'December' END,
              $money, 'unique_customers', count(DISTINCT name)) AS r
            FROM ($f) GROUP BY substr(created_at, 1, 7)
            ORDER BY substr(created_at, 1, 7) DESC LIMIT $limit"
      ;;
    status)
      rows="SELECT json_object('status', status, $money,
              'unique_customers', count(DISTINCT name)) AS r
            FROM ($f) GROUP BY status ORDER BY count(*) DESC, status"
      ;;
    product)
      rows="SELECT json_object('product_id', product_id, 'product_name', product_name,
              'order_count', count(*), 'total_quantity', sum(quantity),
              'total_revenue', round(sum(amount), 2), 'average_order_value', round(avg(amount), 2)) AS r
            FROM ($f) GROUP BY product_id ORDER BY sum(quantity) DESC, product_id LIMIT $limit"
      ;;
  esac
  sql "SELECT json_object('success', json('true'), 'analytics_type', $(sq "$type"),
         'data', json(coalesce(json_group_array(json(r)), '[]'))) FROM ($rows)"
}

# --- the checks (tool_checks.sh) ------------------------------------------------------------

ORACLE=sqlite3
oracle_q() { sql "$1"; }
# The days with orders, newest first.
mapfile -t days < <(sql "SELECT DISTINCT substr(created_at, 1, 10) FROM orders ORDER BY 1 DESC")
# shellcheck source=tests/integration/tool_checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/tool_checks.sh"
run_tool_checks

assert_healthy
finish
