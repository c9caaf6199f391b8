// SqliteStore's own: a database file shared by several openers, and bad paths.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/ids.h"
#include "store/sqlite_store.h"
#include "store/store_test_util.h"

namespace shopmcp::store::testing {

TEST_SUITE("store.sqlite") {
  TEST_CASE("a file database is seeded once and shared by later openers") {
    namespace fs = std::filesystem;
    struct TempDir {
      fs::path path = fs::temp_directory_path() / ("shopmcp-store-test-" + core::random_hex(8));
      TempDir() { fs::create_directories(path); }
      ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
      }
    } dir;
    const std::string path = (dir.path / "shop.db").string();
    const auto want = ids(generated_orders(1, 250));
    auto check = [&](SqliteStore& store) {
      auto got = store.find_orders({}, kAll);
      REQUIRE(got);
      CHECK(ids(*got) == want);
      auto products = store.find_products({}, 100);
      REQUIRE(products);
      CHECK(products->size() == 10);
    };
    {
      auto first = SqliteStore::open(path, SeedOptions{250, 1, kNow});
      REQUIRE(first);
      auto second = SqliteStore::open(path, SeedOptions{50, 2, kNow});  // while first is open
      REQUIRE(second);
      check(**first);
      check(**second);
    }
    auto reopened = SqliteStore::open(path, SeedOptions{50, 3, kNow});
    REQUIRE(reopened);
    check(**reopened);
  }

  TEST_CASE("opening a database in a missing directory fails naming the path") {
    const std::string path = "/nonexistent-shopmcp-" + core::random_hex(4) + "/shop.db";
    auto s = SqliteStore::open(path, SeedOptions{});
    REQUIRE(!s);
    CHECK(s.error().code == core::ErrorCode::kInternal);
    CHECK(s.error().message.find(path) != std::string::npos);
  }

  TEST_CASE("an empty database path is rejected") {
    auto s = SqliteStore::open("", SeedOptions{});
    REQUIRE(!s);
    CHECK(s.error().code == core::ErrorCode::kInvalidArgument);
  }
}

}  // namespace shopmcp::store::testing
