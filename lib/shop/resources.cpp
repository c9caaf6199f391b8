// The shop's resources and completers.
#include "shop/resources.h"

#include "core/text.h"
#include "json/json.h"
#include "log/log.h"
#include "shop/rows.h"

namespace shopmcp::shop {
namespace {

using mcp::Arguments;
using mcp::ReadResult;
using mcp::ResourceContents;

// The catalogue resource lists at most this many products.
constexpr int kCatalogueLimit = 10000;

ReadResult json_contents(const std::string& uri, const rapidjson::Value& v) {
  return std::vector<ResourceContents>{
      ResourceContents::of_text(uri, "application/json", json::to_pretty_string(v))};
}

core::Error store_error(const char* what, const core::Error& e) {
  spdlog::warn("resource read failed: {}: {}", what, e.message);
  return core::unavailable("the shop's database could not be read just now");
}

ReadResult read_catalogue(store::Store& store) {
  auto products = store.find_products({}, kCatalogueLimit + 1);
  if (!products) return store_error("shop://products", products.error());
  const bool truncated = products->size() > static_cast<std::size_t>(kCatalogueLimit);
  if (truncated) products->resize(kCatalogueLimit);
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const store::Product& p : *products) list.PushBack(product_json(p, a), a);
  d.AddMember("total", static_cast<std::int64_t>(products->size()), a);
  d.AddMember("truncated", truncated, a);
  d.AddMember("products", list, a);
  return json_contents("shop://products", d);
}

ReadResult read_product(store::Store& store, const std::string& uri, const Arguments& vars) {
  const auto id = core::parse_decimal(vars.at("id"));
  if (!id || *id <= 0) {
    return core::not_found("Resource not found: " + uri + " (a product id is a positive integer)");
  }
  auto p = store.product(*id);
  if (!p) return store_error("shop://products/{id}", p.error());
  if (!*p) return core::not_found("Resource not found: " + uri);
  rapidjson::Document d;
  d.CopyFrom(product_json(**p, d.GetAllocator()), d.GetAllocator());
  return json_contents(uri, d);
}

ReadResult read_order(store::Store& store, const std::string& uri, const Arguments& vars) {
  auto o = store.order(vars.at("transaction_id"));
  if (!o) return store_error("shop://orders/{transaction_id}", o.error());
  if (!*o) return core::not_found("Resource not found: " + uri);
  rapidjson::Document d;
  d.CopyFrom(order_json(**o, true, d.GetAllocator()), d.GetAllocator());
  return json_contents(uri, d);
}

}  // namespace

mcp::Completer store_completer(store::Store& store, store::Suggestion what) {
  return [&store, what](std::string_view typed, const Arguments&) {
    auto r = store.suggest(what, std::string(typed), static_cast<int>(mcp::kMaxCompletions) + 1);
    if (!r) {
      spdlog::warn("completion failed: {}", r.error().message);
      return std::vector<std::string>{};
    }
    return std::move(r).value();
  };
}

mcp::Completer status_completer(bool with_all) {
  return [with_all](std::string_view typed, const Arguments&) {
    std::vector<std::string> all(std::begin(store::kStatuses), std::end(store::kStatuses));
    if (with_all) all.emplace_back("all");
    return mcp::filter_candidates(all, typed);
  };
}

void register_resources(mcp::ResourceRegistry& resources, store::Store& store) {
  resources.add(mcp::Resource{
      "shop://products", "products", "Product catalogue",
      "Every product of the shop (id, name, description, price in HKD, stock, category), by name",
      "application/json", [&store] { return read_catalogue(store); }});

  mcp::ResourceTemplate product;
  product.uri_template = "shop://products/{id}";
  product.name = "product";
  product.title = "Product";
  product.description = "One product by its numeric id, with its price (HKD) and stock";
  product.mime_type = "application/json";
  product.read = [&store](const std::string& uri, const Arguments& vars) {
    return read_product(store, uri, vars);
  };
  product.complete["id"] = store_completer(store, store::Suggestion::kProductId);
  resources.add(std::move(product));

  mcp::ResourceTemplate order;
  order.uri_template = "shop://orders/{transaction_id}";
  order.name = "order";
  order.title = "Order";
  order.description =
      "One order by its transaction id (TXN followed by 6 digits): customer, product, category, "
      "unit price, quantity, amount (HKD), status and timestamps";
  order.mime_type = "application/json";
  order.read = [&store](const std::string& uri, const Arguments& vars) {
    return read_order(store, uri, vars);
  };
  order.complete["transaction_id"] = store_completer(store, store::Suggestion::kTransactionId);
  resources.add(std::move(order));
}

}  // namespace shopmcp::shop
