// Single-row lookups and suggestions, checked against the generator's orders (brute force).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "store/seed.h"
#include "store/store_test_util.h"

namespace shopmcp::store::testing {
namespace {

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

TEST_SUITE("store.lookup") {
  TEST_CASE("product(id) and order(transaction_id): exact matches, nullopt otherwise") {
    Shop shop = open_shop();
    auto p = shop.store->product(3);
    REQUIRE(p);
    REQUIRE(p->has_value());
    CHECK((*p)->name == std::string(seed_products()[2].name));
    CHECK((*p)->stock_quantity == seed_products()[2].stock_quantity);
    auto none = shop.store->product(999);
    REQUIRE(none);
    CHECK_FALSE(none->has_value());

    const Order& expected = shop.all[17];
    auto o = shop.store->order(expected.transaction_id);
    REQUIRE(o);
    REQUIRE(o->has_value());
    CHECK((*o)->customer_name == expected.customer_name);
    CHECK((*o)->product_category == expected.product_category);
    CHECK((*o)->amount == doctest::Approx(expected.amount));
    CHECK((*o)->created_at == expected.created_at);
    // Exact, not a substring: a prefix of an id finds nothing.
    auto partial = shop.store->order(expected.transaction_id.substr(0, 6));
    REQUIRE(partial);
    CHECK_FALSE(partial->has_value());
  }

  TEST_CASE("customer names: the distinct names starting with the text, ascending") {
    Shop shop = open_shop();
    std::vector<std::string> names;
    for (const Order& o : shop.all) names.push_back(o.customer_name);
    names = sorted_unique(names);
    auto all = shop.store->suggest(Suggestion::kCustomerName, "", 1000);
    REQUIRE(all);
    CHECK(*all == names);
    const std::string first_char = names[3].substr(0, 3);  // one CJK character, 3 bytes
    std::vector<std::string> expect;
    for (const std::string& n : names) {
      if (n.rfind(first_char, 0) == 0) expect.push_back(n);
    }
    auto some = shop.store->suggest(Suggestion::kCustomerName, first_char, 1000);
    REQUIRE(some);
    CHECK(*some == expect);
    auto limited = shop.store->suggest(Suggestion::kCustomerName, "", 4);
    REQUIRE(limited);
    CHECK(*limited == std::vector<std::string>(names.begin(), names.begin() + 4));
    auto nothing = shop.store->suggest(Suggestion::kCustomerName, "zzz", 10);
    REQUIRE(nothing);
    CHECK(nothing->empty());
  }

  TEST_CASE("transaction ids by prefix (any case), product names and categories by substring") {
    Shop shop = open_shop();
    auto ids = shop.store->suggest(Suggestion::kTransactionId, "txn00012", 100);
    REQUIRE(ids);
    std::vector<std::string> expect;
    for (int i = 120; i <= 129; ++i) expect.push_back("TXN000" + std::to_string(i));
    CHECK(*ids == expect);
    auto capped = shop.store->suggest(Suggestion::kTransactionId, "TXN", 7);
    REQUIRE(capped);
    CHECK(capped->size() == 7);
    CHECK(capped->front() == "TXN000001");

    auto cats = shop.store->suggest(Suggestion::kCategory, "", 100);
    REQUIRE(cats);
    std::vector<std::string> categories;
    for (const SeedProduct& p : seed_products()) categories.push_back(p.category);
    CHECK(*cats == sorted_unique(categories));
    auto chips = shop.store->suggest(Suggestion::kProductName, "薯片", 100);
    REQUIRE(chips);
    std::vector<std::string> with_chips;
    for (const SeedProduct& p : seed_products()) {
      if (std::string(p.name).find("薯片") != std::string::npos) with_chips.push_back(p.name);
    }
    CHECK(*chips == sorted_unique(with_chips));
    // `%` and `_` are literal.
    auto pct = shop.store->suggest(Suggestion::kProductName, "%", 100);
    REQUIRE(pct);
    CHECK(pct->empty());

    auto pids = shop.store->suggest(Suggestion::kProductId, "1", 100);
    REQUIRE(pids);
    CHECK(*pids == std::vector<std::string>{"1", "10"});
  }
}

}  // namespace shopmcp::store::testing
