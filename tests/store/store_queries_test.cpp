// The Store's queries against brute force over the generator's orders, on the database
// SHOPMCP_TEST_STORE selects (store/test_db.h).
#include "store/store.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"
#include "store/seed.h"
#include "store/store_test_util.h"

namespace shopmcp::store::testing {
namespace {

void check_orders(Store& store, const std::vector<Order>& all, const OrderFilter& f,
                  int limit = kAll) {
  auto got = store.find_orders(f, limit);
  REQUIRE(got);
  CHECK(ids(*got) == ids(select_orders(all, f, static_cast<std::size_t>(limit))));
}

// A seed whose first kOrders orders include one created at `second_of_day` UTC.
std::pair<std::uint64_t, SeedOrder> seed_with_order_at(std::int64_t second_of_day) {
  for (std::uint64_t seed = 1; seed < 5000; ++seed) {
    OrderGenerator gen(seed, kNow);
    for (int i = 0; i < kOrders; ++i) {
      SeedOrder o = gen.next();
      if (o.created_unix % 86400 == second_of_day) return {seed, o};
    }
  }
  FAIL("no seed found");
  return {};
}

}  // namespace

TEST_SUITE("store.queries") {
  TEST_CASE("a new database is seeded with the ten products and the requested orders") {
    Shop shop = open_shop();
    auto products = shop.store->find_products({}, 100);
    REQUIRE(products);
    REQUIRE(products->size() == 10);
    for (const Product& p : *products) {
      CAPTURE(p.id);
      REQUIRE(p.id >= 1);
      REQUIRE(p.id <= 10);
      const SeedProduct& want = seed_products()[static_cast<std::size_t>(p.id - 1)];
      CHECK(p.name == want.name);
      CHECK(p.description == want.description);
      CHECK(p.price == want.price);
      CHECK(p.stock_quantity == want.stock_quantity);
      CHECK(p.category == want.category);
      CHECK(p.created_at == "2026-01-17 00:00:00");
      CHECK(p.updated_at == "2026-01-17 00:00:00");
    }
    auto overall = shop.store->overall_stats({});
    REQUIRE(overall);
    CHECK(overall->total_orders == kOrders);
  }

  TEST_CASE("seeded orders are exactly the generator's orders with product details") {
    Shop shop = open_shop();
    auto got = shop.store->find_orders({}, kAll);
    REQUIRE(got);
    REQUIRE(got->size() == shop.all.size());
    for (std::size_t i = 0; i < got->size(); ++i) {
      const Order& a = (*got)[i];
      const Order& b = shop.all[i];
      CAPTURE(b.transaction_id);
      CHECK(a.transaction_id == b.transaction_id);
      CHECK(a.customer_name == b.customer_name);
      CHECK(a.product_name == b.product_name);
      CHECK(a.product_category == b.product_category);
      CHECK(a.quantity == b.quantity);
      CHECK(a.unit_price == b.unit_price);
      CHECK(a.amount == b.amount);
      CHECK(near(a.amount, a.unit_price * static_cast<double>(a.quantity)));
      CHECK(a.status == b.status);
      CHECK(a.created_at == b.created_at);
      CHECK(a.updated_at == b.updated_at);
      CHECK(a.created_at >= "2025-12-18 00:00:00");  // within 30 days of now
      CHECK(a.created_at <= "2026-01-17 00:00:00");
    }
  }

  TEST_CASE("order counts that are not a multiple of the insert batch are seeded completely") {
    for (int orders : {1, 99, 101, 1234}) {
      CAPTURE(orders);
      Shop shop = open_shop(kSeed, orders);
      auto got = shop.store->find_orders({}, kAll);
      REQUIRE(got);
      CHECK(ids(*got) == ids(shop.all));
    }
  }

  TEST_CASE("the same seed gives the same data and a different seed other data") {
    Shop a = open_shop(5, 300);
    Shop b = open_shop(5, 300);
    Shop c = open_shop(6, 300);  // also shows each :memory: store is private
    auto oa = a.store->find_orders({}, kAll);
    auto ob = b.store->find_orders({}, kAll);
    auto oc = c.store->find_orders({}, kAll);
    REQUIRE(oa);
    REQUIRE(ob);
    REQUIRE(oc);
    CHECK(ids(*oa) == ids(*ob));
    CHECK(ids(*oa) != ids(*oc));
    CHECK(ids(*oc) == ids(c.all));
  }

  TEST_CASE("zero seed orders give products only") {
    Shop shop = open_shop(kSeed, 0);
    auto overall = shop.store->overall_stats({});
    REQUIRE(overall);
    CHECK(overall->total_orders == 0);
    CHECK(overall->unique_customers == 0);
    CHECK(overall->total_revenue == 0);
    CHECK(overall->average_order_value == 0);
    auto products = shop.store->find_products({}, 100);
    REQUIRE(products);
    CHECK(products->size() == 10);
  }

  TEST_CASE("find_orders is newest first with transaction id breaking ties, and limited") {
    Shop shop = open_shop();
    auto got = shop.store->find_orders({}, kAll);
    REQUIRE(got);
    CHECK(std::is_sorted(got->begin(), got->end(), newer));
    for (int limit : {1, 10, 100}) {
      CAPTURE(limit);
      check_orders(*shop.store, shop.all, {}, limit);
    }
  }

  TEST_CASE("each find_orders filter alone matches the brute-force selection") {
    Shop shop = open_shop();
    std::vector<OrderFilter> filters(14);
    filters[0].transaction_id = "txn00001";  // lower case matches TXN00001x
    filters[1].transaction_id = "TXN002999";
    filters[2].customer_name = "陳大明";
    filters[3].customer_name = "志";
    filters[4].status = "refunded";
    filters[5].status = "pending";
    filters[6].product_name = "可樂";
    filters[7].product_name = "雪糕";
    filters[8].min_amount = 50.0;
    filters[9].max_amount = 20.0;
    filters[10].min_amount = 45.0;  // inclusive: 哈根達斯雪糕 x1
    filters[11].date_from = "2026-01-10";
    filters[12].date_to = "2025-12-20";
    filters[13].max_amount = 15.5;  // inclusive: 可口可樂 x1
    for (std::size_t i = 0; i < filters.size(); ++i) {
      CAPTURE(i);
      REQUIRE(!select_orders(shop.all, filters[i]).empty());  // every probe selects something
      check_orders(*shop.store, shop.all, filters[i]);
      check_orders(*shop.store, shop.all, filters[i], 5);
    }
  }

  TEST_CASE("find_orders filters combine with AND") {
    Shop shop = open_shop();
    OrderFilter a;
    a.customer_name = "陳";
    a.status = "completed";
    OrderFilter b;
    b.product_name = "薯片";
    b.min_amount = 30.0;
    b.max_amount = 60.0;
    b.date_from = "2025-12-24";
    b.date_to = "2026-01-05";
    OrderFilter c = b;
    c.transaction_id = "TXN0001";
    c.customer_name = "明";
    c.status = "pending";
    for (const OrderFilter& f : {a, b, c}) {
      check_orders(*shop.store, shop.all, f);
      check_orders(*shop.store, shop.all, f, 3);
    }
    CHECK(!select_orders(shop.all, a).empty());
    CHECK(!select_orders(shop.all, b).empty());
  }

  TEST_CASE("wildcards and quotes in text filters match literally") {
    Shop shop = open_shop();
    const char* probes[] = {"%",     "_",     "' OR 1=1 --", "TXN00000_", "txn%1", "陳%明",
                            "陳_明", "可%樂", "\"",          "'",         "%%",    "\\"};
    for (const char* probe : probes) {
      CAPTURE(probe);
      for (int field = 0; field < 3; ++field) {
        OrderFilter f;
        (field == 0 ? f.transaction_id : field == 1 ? f.customer_name : f.product_name) = probe;
        REQUIRE(select_orders(shop.all, f).empty());  // nothing contains these characters
        auto got = shop.store->find_orders(f, kAll);
        REQUIRE(got);
        CHECK(got->empty());
      }
      OrderFilter by_customer;
      by_customer.customer_name = probe;
      auto stats = shop.store->customer_stats(by_customer, 100);
      REQUIRE(stats);
      CHECK(stats->empty());
      ProductFilter pf;
      pf.name = probe;
      auto by_name = shop.store->find_products(pf, 100);
      REQUIRE(by_name);
      CHECK(by_name->empty());
      ProductFilter pc;
      pc.category = probe;
      auto by_category = shop.store->find_products(pc, 100);
      REQUIRE(by_category);
      CHECK(by_category->empty());
    }
  }

  TEST_CASE("date bounds are inclusive whole days") {
    for (std::int64_t second : {std::int64_t{86399}, std::int64_t{0}}) {
      CAPTURE(second);
      const auto found = seed_with_order_at(second);
      const SeedOrder& edge = found.second;
      Shop shop = open_shop(found.first);
      const std::string day = core::format_utc(edge.created_unix).substr(0, 10);
      const std::string next_day = core::format_utc(edge.created_unix + 86400).substr(0, 10);
      const std::string prev_day = core::format_utc(edge.created_unix - 86400).substr(0, 10);
      auto count = [&](std::optional<std::string> from, std::optional<std::string> to) {
        OrderFilter f;
        f.transaction_id = edge.transaction_id;
        f.date_from = std::move(from);
        f.date_to = std::move(to);
        auto got = shop.store->find_orders(f, kAll);
        REQUIRE(got);
        return got->size();
      };
      CHECK(count(day, day) == 1);
      CHECK(count(std::nullopt, day) == 1);
      CHECK(count(day, std::nullopt) == 1);
      CHECK(count(next_day, std::nullopt) == 0);
      CHECK(count(std::nullopt, prev_day) == 0);
      OrderFilter whole_day;
      whole_day.date_from = day;
      whole_day.date_to = day;
      check_orders(*shop.store, shop.all, whole_day);
    }
  }

  TEST_CASE("find_products filters by name, category, price and stock, ordered by name") {
    Shop shop = open_shop(kSeed, 10);
    std::vector<Product> universe;
    std::int64_t id = 0;
    for (const SeedProduct& p : seed_products()) {
      universe.push_back(
          Product{++id, p.name, p.description, p.price, p.stock_quantity, p.category, "", ""});
    }
    std::sort(universe.begin(), universe.end(), [](const Product& a, const Product& b) {
      return a.name != b.name ? a.name < b.name : a.id < b.id;
    });
    std::vector<ProductFilter> filters(9);
    filters[1].name = "可樂";
    filters[2].category = "雪糕";
    filters[3].min_price = 15.5;  // inclusive
    filters[4].max_price = 14.9;  // inclusive
    filters[5].min_stock = 100;   // inclusive
    filters[6].name = "薯片";
    filters[6].max_price = 15.0;
    filters[7].category = "飲料";
    filters[7].min_price = 14.0;
    filters[7].max_price = 15.0;
    filters[7].min_stock = 110;
    filters[8].name = "不存在";
    for (std::size_t i = 0; i < filters.size(); ++i) {
      const ProductFilter& f = filters[i];
      for (int limit : {3, 100}) {
        CAPTURE(i);
        CAPTURE(limit);
        std::vector<std::int64_t> want;
        for (const Product& p : universe) {
          if (contains(p.name, f.name) && contains(p.category, f.category) &&
              (!f.min_price || p.price >= *f.min_price) &&
              (!f.max_price || p.price <= *f.max_price) &&
              (!f.min_stock || p.stock_quantity >= *f.min_stock) &&
              want.size() < static_cast<std::size_t>(limit)) {
            want.push_back(p.id);
          }
        }
        auto got = shop.store->find_products(f, limit);
        REQUIRE(got);
        std::vector<std::int64_t> got_ids;
        for (const Product& p : *got) got_ids.push_back(p.id);
        CHECK(got_ids == want);
      }
    }
  }

  TEST_CASE("concurrent callers each get a working pooled connection") {
    Shop shop = open_shop();
    OrderFilter f;
    f.customer_name = "陳";
    const auto want = ids(select_orders(shop.all, f, 20));
    std::atomic<int> failures{0};
    {
      std::vector<std::jthread> threads;
      for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
          for (int i = 0; i < 25; ++i) {
            auto got = shop.store->find_orders(f, 20);
            if (!got || ids(*got) != want) ++failures;
            auto overall = shop.store->overall_stats({});
            if (!overall || overall->total_orders != kOrders) ++failures;
          }
        });
      }
    }
    CHECK(failures.load() == 0);
  }
}

}  // namespace shopmcp::store::testing
