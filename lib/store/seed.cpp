#include "store/seed.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "store/store.h"

namespace shopmcp::store {
namespace {

constexpr std::int64_t kCreatedWindowSeconds = 30 * 86400;  // orders fall in the last 30 days
constexpr std::int64_t kMaxUpdateDelaySeconds = 48 * 3600;  // updated up to 48 h after creation

double round2(double x) { return std::round(x * 100.0) / 100.0; }

}  // namespace

const std::vector<SeedProduct>& seed_products() {
  static const std::vector<SeedProduct> kProducts = {
      {"可口可樂", "經典汽水飲料", 15.50, 100, "飲料"},
      {"樂事薯片", "原味薯片", 12.80, 80, "零食"},
      {"哈根達斯雪糕", "雲呢拿味雪糕", 45.00, 30, "雪糕"},
      {"百事可樂", "百事汽水", 14.90, 120, "飲料"},
      {"品客薯片", "酸忌廉洋蔥味", 18.50, 60, "零食"},
      {"明治雪糕", "朱古力味雪糕", 25.00, 40, "雪糕"},
      {"芬達橙汁", "橙味汽水", 13.50, 90, "飲料"},
      {"奇多芝士條", "芝士味玉米條", 16.80, 70, "零食"},
      {"和路雪雪糕", "士多啤梨味雪糕", 22.50, 35, "雪糕"},
      {"雪碧", "檸檬汽水", 14.50, 110, "飲料"},
  };
  return kProducts;
}

const std::vector<std::string>& seed_customers() {
  static const std::vector<std::string> kCustomers = {
      "陳大明", "李小芳", "王志強", "張美麗", "劉家豪", "黃詩雅", "林建華", "吳雅文",
      "鄭志明", "何淑儀", "梁偉強", "蔡美玲", "羅家輝", "馬詩琪", "徐志偉",
  };
  return kCustomers;
}

OrderGenerator::OrderGenerator(std::uint64_t seed, std::int64_t now_unix)
    : state_(seed), now_(now_unix) {}

// splitmix64 (Steele, Lea, Flood 2014): fixed integer arithmetic, identical on every platform.
std::uint64_t OrderGenerator::next_u64() {
  state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Uniform in [0, n) by rejection (no modulo bias); n > 0.
std::uint64_t OrderGenerator::below(std::uint64_t n) {
  const std::uint64_t threshold = (std::uint64_t{0} - n) % n;  // 2^64 mod n
  for (;;) {
    const std::uint64_t x = next_u64();
    if (x >= threshold) return x % n;
  }
}

// Draw order (fixed, part of the determinism contract): product, quantity, status, created,
// update delay, customer.
SeedOrder OrderGenerator::next() {
  ++count_;
  char txn[32];
  std::snprintf(txn, sizeof txn, "TXN%06lld", static_cast<long long>(count_));

  const auto& products = seed_products();
  const auto& customers = seed_customers();
  constexpr std::uint64_t kStatusCount = sizeof kStatuses / sizeof kStatuses[0];

  SeedOrder o;
  o.transaction_id = txn;
  o.product_id = static_cast<std::int64_t>(below(products.size())) + 1;
  o.quantity = static_cast<std::int64_t>(below(5)) + 1;
  o.amount = round2(products[static_cast<std::size_t>(o.product_id - 1)].price *
                    static_cast<double>(o.quantity));
  o.status = kStatuses[below(kStatusCount)];
  o.created_unix =
      now_ - kCreatedWindowSeconds +
      static_cast<std::int64_t>(below(static_cast<std::uint64_t>(kCreatedWindowSeconds) + 1));
  const auto delay =
      static_cast<std::int64_t>(below(static_cast<std::uint64_t>(kMaxUpdateDelaySeconds) + 1));
  o.updated_unix = std::min(now_, o.created_unix + delay);
  o.customer_name = customers[below(customers.size())];
  return o;
}

}  // namespace shopmcp::store
