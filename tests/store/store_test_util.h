// Helpers shared by the store tests: the generator's orders as the store should hold them,
// and brute-force versions of the store's filters to compute expected answers independently.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/seed.h"
#include "store/sqlite_store.h"
#include "store/test_db.h"

namespace shopmcp::store::testing {

// Expected values below are computed by brute force over the generator's output, never taken
// from the store.
inline constexpr std::int64_t kNow = 1768608000;  // 2026-01-17 00:00:00 UTC: window spans two years
inline constexpr std::uint64_t kSeed = 20240101;
inline constexpr int kOrders = 3000;
inline constexpr int kAll = 1 << 30;

inline double round2(double x) { return std::round(x * 100.0) / 100.0; }
inline bool near(double a, double b, double eps = 1e-6) { return std::fabs(a - b) <= eps; }

inline bool newer(const Order& a, const Order& b) {
  if (a.created_at != b.created_at) return a.created_at > b.created_at;
  return a.transaction_id > b.transaction_id;
}

// The orders the store should hold for (seed, n, kNow), newest first.
inline std::vector<Order> generated_orders(std::uint64_t seed, int n) {
  OrderGenerator gen(seed, kNow);
  std::vector<Order> out;
  for (int i = 0; i < n; ++i) {
    const SeedOrder s = gen.next();
    const SeedProduct& p = seed_products()[static_cast<std::size_t>(s.product_id - 1)];
    out.push_back(Order{s.transaction_id, s.customer_name, p.name, p.category, s.quantity, p.price,
                        s.amount, s.status, core::format_utc(s.created_unix),
                        core::format_utc(s.updated_unix)});
  }
  std::sort(out.begin(), out.end(), newer);
  return out;
}

struct Shop {
  std::unique_ptr<Store> store;
  std::vector<Order> all;  // newest first
};

// On the database SHOPMCP_TEST_STORE selects (test_db.h).
inline Shop open_shop(std::uint64_t seed = kSeed, int orders = kOrders) {
  return Shop{open_test_store(SeedOptions{orders, seed, kNow}), generated_orders(seed, orders)};
}

inline std::string lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}
inline bool contains(const std::string& hay, const std::optional<std::string>& needle) {
  return !needle || lower(hay).find(lower(*needle)) != std::string::npos;
}

inline bool matches(const Order& o, const OrderFilter& f) {
  const std::string day = o.created_at.substr(0, 10);
  return contains(o.transaction_id, f.transaction_id) &&
         contains(o.customer_name, f.customer_name) && (!f.status || o.status == *f.status) &&
         contains(o.product_name, f.product_name) && (!f.min_amount || o.amount >= *f.min_amount) &&
         (!f.max_amount || o.amount <= *f.max_amount) && (!f.date_from || day >= *f.date_from) &&
         (!f.date_to || day <= *f.date_to);
}

inline std::vector<Order> select_orders(const std::vector<Order>& all, const OrderFilter& f,
                                        std::size_t limit = kAll) {
  std::vector<Order> out;
  for (const Order& o : all) {
    if (out.size() < limit && matches(o, f)) out.push_back(o);
  }
  return out;
}

inline std::vector<std::string> ids(const std::vector<Order>& orders) {
  std::vector<std::string> out;
  for (const Order& o : orders) out.push_back(o.transaction_id);
  return out;
}

}  // namespace shopmcp::store::testing
