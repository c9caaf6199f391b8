#!/usr/bin/env bash
# The four tools on PostgreSQL against an independent oracle: a private cluster (deploy/common.sh
# shopmcp_pg_start), the app started on its empty database "shop" (it creates and seeds the
# Laravel-shaped tables), and for each argument set the expected answer computed here with psql on
# the same data (SQL written for this test, not the app's) and compared with the tool's JSON: the
# rows in order (names byte-wise, COLLATE "C"), totals, per-customer figures, analytics rows
# (money within a cent). Also: the exact key sets, and that the parts add up. The twin of
# test_tools_vs_sqlite.sh, with the same argument sets.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v psql >/dev/null || t_fatal "psql not found: run deploy/install-deps.sh"

chmod 0711 "$T_DIR" # the server runs as the postgres user when this runs as root
shopmcp_pg_start "$T_DIR/pg" fsync=off
t_track "$SHOPMCP_PG_PID"
start_stack "SHOP_MCP_DB=$SHOPMCP_PG_URL"

# --- the oracle -------------------------------------------------------------------------------

# psql_q QUERY: QUERY's rows, unaligned, no headers, with psql on the stack's database.
psql_q() { psql -X -A -t -q -v ON_ERROR_STOP=1 "$SHOPMCP_PG_URL" -c "$1"; }
# lit STRING: STRING as an SQL string literal (standard_conforming_strings: only ' is special).
lit() {
  local s=${1//\'/\'\'}
  printf "'%s'" "$s"
}
# arg ARGS NAME: the argument's value as jq -r prints it, or nothing when absent/null.
arg() { jq -r --arg k "$2" '.[$k] // empty' <<<"$1"; }
# positive ARGS NAME: the numeric argument when > 0 (0 means "no bound"), else nothing.
positive() { jq -r --arg k "$2" '.[$k] // 0 | if . > 0 then . else empty end' <<<"$1"; }
# like COLUMN VALUE: case-insensitive substring, % and _ literal.
like() { echo " AND strpos(lower($1), lower($(lit "$2"))) > 0"; }
# Timestamps as the tools show them (UTC, as stored).
stamp() { echo "to_char($1, 'YYYY-MM-DD HH24:MI:SS')"; }

# order_filters ARGS: SQL conditions on orders o (and products p) for the shared order filters.
order_filters() {
  local a=$1 c="true" v
  v=$(arg "$a" transaction_id) && [[ -n $v ]] && c+=$(like o.transaction_id "$v")
  v=$(arg "$a" customer_name) && [[ -n $v ]] && c+=$(like o.name "$v")
  v=$(arg "$a" product_name) && [[ -n $v ]] && c+=$(like p.name "$v")
  v=$(arg "$a" status) && [[ -n $v && $v != all ]] && c+=" AND o.status = $(lit "$v")"
  v=$(positive "$a" min_amount) && [[ -n $v ]] && c+=" AND o.amount >= $v"
  v=$(positive "$a" max_amount) && [[ -n $v ]] && c+=" AND o.amount <= $v"
  v=$(arg "$a" date_from) && [[ -n $v ]] && c+=" AND o.created_at::date >= $(lit "$v")::date"
  v=$(arg "$a" date_to) && [[ -n $v ]] && c+=" AND o.created_at::date <= $(lit "$v")::date"
  echo "$c"
}

# The rows r numbered n in the order wanted; json_agg keeps that order with ORDER BY n.
expect_orders() {
  local a=$1 limit
  limit=$(jq '.limit // 10' <<<"$a")
  psql_q "SELECT json_build_object('success', true, 'total', count(*),
         'orders', coalesce(json_agg(r ORDER BY n), '[]'::json))
       FROM (SELECT json_build_object('transaction_id', o.transaction_id, 'customer_name', o.name,
               'product_name', p.name, 'quantity', o.quantity, 'amount', o.amount,
               'status', o.status, 'created_at', $(stamp o.created_at),
               'updated_at', $(stamp o.updated_at)) AS r,
               row_number() OVER (ORDER BY o.created_at DESC NULLS LAST,
                 o.transaction_id COLLATE \"C\" DESC) AS n
             FROM orders o JOIN products p ON p.id = o.product_id
             WHERE $(order_filters "$a") ORDER BY n LIMIT $limit) s"
}

expect_products() {
  local a=$1 limit c="true" v
  limit=$(jq '.limit // 10' <<<"$a")
  v=$(arg "$a" name) && [[ -n $v ]] && c+=$(like p.name "$v")
  v=$(arg "$a" category) && [[ -n $v ]] && c+=$(like p.category "$v")
  v=$(positive "$a" min_price) && [[ -n $v ]] && c+=" AND p.price >= $v"
  v=$(positive "$a" max_price) && [[ -n $v ]] && c+=" AND p.price <= $v"
  v=$(arg "$a" stock_quantity) && [[ -n $v ]] && c+=" AND p.stock_quantity >= $v"
  psql_q "SELECT json_build_object('success', true, 'total', count(*),
         'products', coalesce(json_agg(r ORDER BY n), '[]'::json))
       FROM (SELECT json_build_object('id', p.id, 'name', p.name, 'description', p.description,
               'price', p.price, 'stock_quantity', p.stock_quantity, 'category', p.category,
               'created_at', $(stamp p.created_at), 'updated_at', $(stamp p.updated_at)) AS r,
               row_number() OVER (ORDER BY p.name COLLATE \"C\", p.id) AS n
             FROM products p WHERE $c ORDER BY n LIMIT $limit) s"
}

# Customers: by total spent as shown (rounded to cents), ties by name (byte-wise).
expect_customer_stats() {
  local a=$1 limit where
  limit=$(jq '.limit // 20' <<<"$a")
  where=$(order_filters "$a")
  psql_q "WITH f AS (SELECT o.* FROM orders o JOIN products p ON p.id = o.product_id
                     WHERE $where),
       c AS (SELECT json_build_object('customer_name', name, 'total_orders', count(*),
               'total_spent', round(sum(amount), 2),
               'average_order_amount', round(avg(amount), 2),
               'first_order_date', $(stamp 'min(created_at)'),
               'last_order_date', $(stamp 'max(created_at)')) AS r,
               row_number() OVER (ORDER BY round(sum(amount), 2) DESC, name COLLATE \"C\") AS n
             FROM f GROUP BY name ORDER BY n LIMIT $limit)
       SELECT json_build_object('success', true,
         'overall_statistics', (SELECT json_build_object('unique_customers', count(DISTINCT name),
             'total_orders', count(*), 'total_revenue', round(coalesce(sum(amount), 0), 2),
             'average_order_value', round(coalesce(avg(amount), 0), 2)) FROM f),
         'customer_count', (SELECT count(*) FROM c),
         'customers', (SELECT coalesce(json_agg(r ORDER BY n), '[]'::json) FROM c))"
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
      rows="SELECT json_build_object('date', to_char(created_at::date, 'YYYY-MM-DD'), $money,
              'unique_customers', count(DISTINCT name)) AS r,
              row_number() OVER (ORDER BY created_at::date DESC) AS n
            FROM ($f) f GROUP BY created_at::date ORDER BY n LIMIT $limit"
      ;;
    monthly)
      # FMMonth (no TM prefix): English month names whatever the locale.
      rows="SELECT json_build_object('year', extract(year FROM m)::int,
              'month', extract(month FROM m)::int, 'month_name', to_char(m, 'FMMonth'),
              $money, 'unique_customers', count(DISTINCT name)) AS r,
              row_number() OVER (ORDER BY m DESC) AS n
            FROM (SELECT *, date_trunc('month', created_at) AS m FROM ($f) f0) f
            GROUP BY m ORDER BY n LIMIT $limit"
      ;;
    status)
      rows="SELECT json_build_object('status', status, $money,
              'unique_customers', count(DISTINCT name)) AS r,
              row_number() OVER (ORDER BY count(*) DESC, status COLLATE \"C\") AS n
            FROM ($f) f GROUP BY status"
      ;;
    product)
      rows="SELECT json_build_object('product_id', product_id, 'product_name', product_name,
              'order_count', count(*), 'total_quantity', sum(quantity),
              'total_revenue', round(sum(amount), 2),
              'average_order_value', round(avg(amount), 2)) AS r,
              row_number() OVER (ORDER BY sum(quantity) DESC, product_id) AS n
            FROM ($f) f GROUP BY product_id, product_name ORDER BY n LIMIT $limit"
      ;;
  esac
  psql_q "SELECT json_build_object('success', true, 'analytics_type', $(lit "$type"),
         'data', coalesce(json_agg(r ORDER BY n), '[]'::json)) FROM ($rows) s"
}

# --- the checks (tool_checks.sh) ------------------------------------------------------------

ORACLE=psql
oracle_q() { psql_q "$1"; }
# The days with orders, newest first.
mapfile -t days < <(psql_q "SELECT DISTINCT to_char(created_at, 'YYYY-MM-DD') FROM orders
                            WHERE created_at IS NOT NULL ORDER BY 1 DESC")
# shellcheck source=tests/integration/tool_checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/tool_checks.sh"
run_tool_checks

assert_healthy
stop_stack
shopmcp_pg_stop "$SHOPMCP_PG_PID"
finish
