// The shop's prompts: each gathers the figures it is about with the shop's own tools and hands
// them to the model with the task.
#include "shop/prompts.h"

#include "core/text.h"
#include "json/json.h"
#include "log/log.h"
#include "mcp/content.h"
#include "shop/args.h"
#include "shop/resources.h"

namespace shopmcp::shop {
namespace {

using mcp::Arguments;

// One tool call's text (pretty JSON), or the error a person can act on.
core::Result<std::string> figures(const mcp::ToolRegistry& tools, const char* tool,
                                  const rapidjson::Value& args) {
  mcp::NullToolContext ctx;
  auto r = tools.call(tool, &args, ctx);
  if (!r) return core::internal(r.error().message);
  if (r->is_error) {
    // Bad arguments name the field; a store failure says to try again. Both suit the caller.
    return core::invalid_argument(r->text);
  }
  return r->text;
}

// Builds {description, messages: [the task, then one text message per block of figures]}.
rapidjson::Document prompt_result(const std::string& description, const std::string& task,
                                  const std::vector<std::pair<std::string, std::string>>& data) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("description", json::str(description, a), a);
  rapidjson::Value messages(rapidjson::kArrayType);
  messages.PushBack(mcp::prompt_message("user", mcp::text_content(task, a), a), a);
  for (const auto& [title, text] : data) {
    messages.PushBack(mcp::prompt_message("user", mcp::text_content(title + ":\n" + text, a), a),
                      a);
  }
  d.AddMember("messages", messages, a);
  return d;
}

rapidjson::Document args_of(std::initializer_list<std::pair<const char*, std::string>> strings,
                            std::initializer_list<std::pair<const char*, std::int64_t>> numbers) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  for (const auto& [k, v] : strings) d.AddMember(rapidjson::StringRef(k), json::str(v, a), a);
  for (const auto& [k, v] : numbers) d.AddMember(rapidjson::StringRef(k), v, a);
  return d;
}

core::Result<rapidjson::Document> sales_report(const mcp::ToolRegistry& tools,
                                               const Arguments& args) {
  const std::string& from = args.at("date_from");
  const std::string& to = args.at("date_to");
  std::string status = "all";
  if (auto it = args.find("status"); it != args.end() && !it->second.empty()) status = it->second;
  std::vector<std::pair<std::string, std::string>> data;
  const std::pair<const char*, const char*> parts[] = {{"daily", "Daily sales (newest first)"},
                                                       {"status", "Orders by status"},
                                                       {"product", "Products by units sold"}};
  for (const auto& [type, title] : parts) {
    auto r = figures(
        tools, "get_order_analytics",
        args_of(
            {{"analytics_type", type}, {"date_from", from}, {"date_to", to}, {"status", status}},
            {{"limit", 100}}));
    if (!r) return r.error();
    data.emplace_back(title, std::move(*r));
  }
  auto customers =
      figures(tools, "get_customer_stats",
              args_of({{"date_from", from}, {"date_to", to}, {"status", status}}, {{"limit", 10}}));
  if (!customers) return customers.error();
  data.emplace_back("Top customers and overall totals", std::move(*customers));
  const std::string range = from + " to " + to + " (UTC, inclusive)" +
                            (status == "all" ? "" : ", orders with status " + status);
  return prompt_result(
      "Sales report for " + range,
      "Write a sales report for the shop for " + range +
          ". Amounts are in HKD. Use only the figures below: give the totals (orders, revenue, "
          "average order value, customers), the trend over the days and the best and worst "
          "days, the mix of order statuses (call out cancellations and refunds), the "
          "best-selling products and the top customers. End with three concrete suggestions.",
      data);
}

core::Result<rapidjson::Document> customer_summary(const mcp::ToolRegistry& tools,
                                                   const Arguments& args) {
  const std::string& name = args.at("customer_name");
  if (name.empty()) return core::invalid_argument("\"customer_name\" must not be empty");
  auto stats =
      figures(tools, "get_customer_stats", args_of({{"customer_name", name}}, {{"limit", 5}}));
  if (!stats) return stats.error();
  auto orders = figures(tools, "get_orders", args_of({{"customer_name", name}}, {{"limit", 20}}));
  if (!orders) return orders.error();
  return prompt_result(
      "Customer summary for " + name,
      "Summarise the customer " + name +
          " for the shop's staff. Amounts are in HKD. From the figures below: how much and how "
          "often they buy, when they first and last ordered, what they buy most, and any "
          "cancelled or refunded orders. If the name matches more than one customer, say so and "
          "summarise each. End with one suggestion to keep this customer coming back.",
      {{"Customer statistics (name matched as a substring)", std::move(*stats)},
       {"Their 20 most recent orders", std::move(*orders)}});
}

core::Result<rapidjson::Document> stock_check(const mcp::ToolRegistry& tools,
                                              const Arguments& args) {
  const std::string& category = args.at("category");
  std::int64_t threshold = 50;
  if (auto it = args.find("threshold"); it != args.end() && !it->second.empty()) {
    const auto v = core::parse_decimal(it->second);
    if (!v || *v > 1000000000) {
      return core::invalid_argument(
          "\"threshold\" must be a whole number of units, 0 or more (got \"" +
          core::utf8_clip(it->second, 50) + "\")");
    }
    threshold = *v;
  }
  auto products =
      figures(tools, "get_products", args_of({{"category", category}}, {{"limit", 100}}));
  if (!products) return products.error();
  auto sales = figures(tools, "get_order_analytics",
                       args_of({{"analytics_type", "product"}}, {{"limit", 100}}));
  if (!sales) return sales.error();
  return prompt_result(
      "Stock check for " + category,
      "Check the stock of the shop's \"" + category + "\" products. List every product with " +
          "fewer than " + std::to_string(threshold) +
          " units in stock, lowest first, and any product that sells many units compared with "
          "its stock. Suggest how many units to reorder for each and why. Use only the figures "
          "below.",
      {{"Products in the category (stock_quantity is units in stock)", std::move(*products)},
       {"Units sold per product over all orders, all categories", std::move(*sales)}});
}

}  // namespace

void register_prompts(mcp::PromptRegistry& prompts, store::Store& store,
                      const mcp::ToolRegistry& tools) {
  prompts.add(mcp::Prompt{
      "sales_report",
      "Sales report",
      "A sales report over a date range: totals, daily trend, status mix, best sellers and top "
      "customers, with the figures included",
      {{"date_from", "From", "First day, YYYY-MM-DD (UTC, inclusive)", true, {}},
       {"date_to", "To", "Last day, YYYY-MM-DD (UTC, inclusive)", true, {}},
       {"status", "Status",
        "Only orders with this status (pending, processing, completed, "
        "cancelled, refunded) or all (the default)",
        false, status_completer(true)}},
      [&tools](const Arguments& args) { return sales_report(tools, args); }});
  prompts.add(mcp::Prompt{
      "customer_summary",
      "Customer summary",
      "A summary of one customer's orders and spending, with their statistics and recent orders "
      "included",
      {{"customer_name", "Customer", "The customer's name (or part of it)", true,
        store_completer(store, store::Suggestion::kCustomerName)}},
      [&tools](const Arguments& args) { return customer_summary(tools, args); }});
  prompts.add(mcp::Prompt{
      "stock_check",
      "Stock check",
      "Which products of a category run low and what to reorder, with stock and sales included",
      {{"category", "Category", "The product category (or part of it), e.g. 飲料", true,
        store_completer(store, store::Suggestion::kCategory)},
       {"threshold",
        "Low-stock threshold",
        "Units below which stock counts as low (default 50)",
        false,
        {}}},
      [&tools](const Arguments& args) { return stock_check(tools, args); }});
}

}  // namespace shopmcp::shop
