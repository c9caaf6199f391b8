#include "store/seed.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "store/store.h"

namespace shopmcp::store {
namespace {

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01 00:00:00 UTC
constexpr std::int64_t kThirtyDays = 30 * 86400;
constexpr std::int64_t kTwoDays = 48 * 3600;

std::vector<SeedOrder> generate(std::uint64_t seed, std::int64_t now, int n) {
  OrderGenerator gen(seed, now);
  std::vector<SeedOrder> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(gen.next());
  return out;
}

bool same(const SeedOrder& a, const SeedOrder& b) {
  return a.transaction_id == b.transaction_id && a.customer_name == b.customer_name &&
         a.product_id == b.product_id && a.quantity == b.quantity && a.amount == b.amount &&
         std::string(a.status) == b.status && a.created_unix == b.created_unix &&
         a.updated_unix == b.updated_unix;
}

}  // namespace

TEST_SUITE("store.seed") {
  TEST_CASE("seed products are the shop table's ten products in id order") {
    struct Row {
      const char* name;
      const char* description;
      double price;
      std::int64_t stock;
      const char* category;
    };
    // Copied from SHOP_TOOLS.md.
    const Row want[] = {
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
    const auto& got = seed_products();
    REQUIRE(got.size() == 10);
    for (std::size_t i = 0; i < got.size(); ++i) {
      CAPTURE(i);
      CHECK(std::string(got[i].name) == want[i].name);
      CHECK(std::string(got[i].description) == want[i].description);
      CHECK(got[i].price == want[i].price);
      CHECK(got[i].stock_quantity == want[i].stock);
      CHECK(std::string(got[i].category) == want[i].category);
    }
  }

  TEST_CASE("seed customers are the fifteen listed names") {
    const std::vector<std::string> want = {"陳大明", "李小芳", "王志強", "張美麗", "劉家豪",
                                           "黃詩雅", "林建華", "吳雅文", "鄭志明", "何淑儀",
                                           "梁偉強", "蔡美玲", "羅家輝", "馬詩琪", "徐志偉"};
    CHECK(seed_customers() == want);
  }

  TEST_CASE("the same seed and now yield the same orders") {
    const auto a = generate(42, kNow, 2000);
    const auto b = generate(42, kNow, 2000);
    for (std::size_t i = 0; i < a.size(); ++i) {
      CAPTURE(i);
      CHECK(same(a[i], b[i]));
    }
  }

  TEST_CASE("different seeds yield different orders") {
    const auto a = generate(42, kNow, 200);
    const auto b = generate(43, kNow, 200);
    int differing = 0;
    for (std::size_t i = 0; i < a.size(); ++i) differing += same(a[i], b[i]) ? 0 : 1;
    CHECK(differing > 150);
  }

  TEST_CASE("generator draws follow the published splitmix64 sequence") {
    // Reference outputs of splitmix64 seeded with 1234567.
    constexpr std::uint64_t kOut[] = {6457827717110365317ULL, 3203168211198807973ULL,
                                      9817491932198370423ULL, 4593380528125082431ULL,
                                      16408922859458223821ULL};
    OrderGenerator gen(1234567, kNow);
    const SeedOrder o = gen.next();
    // Rejection sampling keeps these (the rejected band is below n, far under each output).
    CHECK(o.product_id == static_cast<std::int64_t>(kOut[0] % 10) + 1);
    CHECK(o.quantity == static_cast<std::int64_t>(kOut[1] % 5) + 1);
    CHECK(std::string(o.status) == kStatuses[kOut[2] % 5]);
    CHECK(o.created_unix ==
          kNow - kThirtyDays + static_cast<std::int64_t>(kOut[3] % (kThirtyDays + 1)));
    CHECK(o.updated_unix ==
          std::min(kNow, o.created_unix + static_cast<std::int64_t>(kOut[4] % (kTwoDays + 1))));
  }

  TEST_CASE("transaction ids count up zero-padded to six digits and then widen") {
    OrderGenerator gen(7, kNow);
    CHECK(gen.next().transaction_id == "TXN000001");
    CHECK(gen.next().transaction_id == "TXN000002");
    for (int i = 3; i < 999999; ++i) (void)gen.next();
    CHECK(gen.next().transaction_id == "TXN999999");
    CHECK(gen.next().transaction_id == "TXN1000000");
    CHECK(gen.next().transaction_id == "TXN1000001");
  }

  TEST_CASE("generated orders stay within the documented ranges") {
    const auto& products = seed_products();
    const auto& customers = seed_customers();
    const std::set<std::string> names(customers.begin(), customers.end());
    const std::set<std::string> statuses(std::begin(kStatuses), std::end(kStatuses));
    for (const SeedOrder& o : generate(99, kNow, 5000)) {
      CAPTURE(o.transaction_id);
      REQUIRE(o.product_id >= 1);
      REQUIRE(o.product_id <= 10);
      CHECK(o.quantity >= 1);
      CHECK(o.quantity <= 5);
      const double price = products[static_cast<std::size_t>(o.product_id - 1)].price;
      CHECK(o.amount == std::round(price * static_cast<double>(o.quantity) * 100.0) / 100.0);
      CHECK(std::fabs(o.amount - price * static_cast<double>(o.quantity)) < 1e-9);
      CHECK(statuses.count(o.status) == 1);
      CHECK(names.count(o.customer_name) == 1);
      CHECK(o.created_unix >= kNow - kThirtyDays);
      CHECK(o.created_unix <= kNow);
      CHECK(o.updated_unix >= o.created_unix);
      CHECK(o.updated_unix <= std::min(kNow, o.created_unix + kTwoDays));
    }
  }

  TEST_CASE("generated orders use every product, quantity, status and customer") {
    std::set<std::int64_t> products;
    std::set<std::int64_t> quantities;
    std::set<std::string> statuses;
    std::set<std::string> customers;
    std::int64_t earliest = kNow;
    std::int64_t latest = 0;
    for (const SeedOrder& o : generate(5, kNow, 5000)) {
      products.insert(o.product_id);
      quantities.insert(o.quantity);
      statuses.insert(o.status);
      customers.insert(o.customer_name);
      earliest = std::min(earliest, o.created_unix);
      latest = std::max(latest, o.created_unix);
    }
    CHECK(products.size() == 10);
    CHECK(quantities.size() == 5);
    CHECK(statuses.size() == 5);
    CHECK(customers.size() == 15);
    CHECK(earliest < kNow - kThirtyDays + 86400);  // spread over the whole window
    CHECK(latest > kNow - 86400);
  }

  TEST_CASE("now shifts the order times but not the other draws") {
    const auto a = generate(11, kNow, 100);
    const auto b = generate(11, kNow + 86400, 100);
    for (std::size_t i = 0; i < a.size(); ++i) {
      CAPTURE(i);
      CHECK(a[i].product_id == b[i].product_id);
      CHECK(a[i].customer_name == b[i].customer_name);
      CHECK(a[i].created_unix + 86400 == b[i].created_unix);
    }
  }
}

}  // namespace shopmcp::store
