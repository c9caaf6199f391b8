// The shop's seed data: ten products and a deterministic order generator. Thread-safe (pure).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shopmcp::store {

// What a store seeds a new database with.
struct SeedOptions {
  std::int64_t orders = 500;      // orders to create when the database is new
  std::uint64_t seed = 20240101;  // same seed + same now => same data
  std::int64_t now_unix = 0;      // "now" for created_at (orders fall in the 30 days before it)
};

struct SeedProduct {
  const char* name;
  const char* description;
  double price;
  std::int64_t stock_quantity;
  const char* category;
};

// The ten products of SHOP_TOOLS.md, in id order (ids 1..10).
const std::vector<SeedProduct>& seed_products();
// The fifteen customer names.
const std::vector<std::string>& seed_customers();

struct SeedOrder {
  std::string transaction_id;  // "TXN" + at least 6 digits, zero-padded
  std::string customer_name;
  std::int64_t product_id;  // 1..10
  std::int64_t quantity;    // 1..5
  double amount;            // price * quantity, rounded to 2 decimals
  const char* status;
  std::int64_t created_unix;  // within the 30 days before now
  std::int64_t updated_unix;  // created_unix <= updated_unix <= now
};

// Deterministic generator: the same (seed, now_unix) yields the same sequence on every platform.
class OrderGenerator {
 public:
  OrderGenerator(std::uint64_t seed, std::int64_t now_unix);
  SeedOrder next();  // order number 1, 2, 3, ...

 private:
  std::uint64_t next_u64();
  std::uint64_t below(std::uint64_t n);
  std::uint64_t state_;
  std::int64_t now_;
  std::int64_t count_ = 0;
};

}  // namespace shopmcp::store
