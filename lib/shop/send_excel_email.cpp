// send_excel_email: exports orders or products to an .xlsx file and mails it as an attachment.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>

#include "core/clock.h"
#include "core/ids.h"
#include "core/text.h"
#include "json/json.h"
#include "log/log.h"
#include "mail/mime.h"
#include "shop/args.h"
#include "shop/tools.h"
#include "xlsx/table.h"
#include "xlsx/temp_dir.h"

namespace shopmcp::shop {
namespace {

constexpr const char* kTool = "send_excel_email";
constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr const char* kOrderFilters[] = {"status", "customer_name", "product_name", "date_from",
                                         "date_to"};
constexpr const char* kProductFilters[] = {"product_name", "category", "stock_quantity"};

constexpr const char* kInput = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["type", "email"],
  "properties": {
    "type": {"type": "string", "enum": ["orders", "products"],
      "description": "What to export: orders (newest first) or products (by name)."},
    "email": {"type": "string", "minLength": 3, "maxLength": 254,
      "description": "The recipient's e-mail address, e.g. manager@example.com."},
    "subject": {"type": "string", "maxLength": 200,
      "description": "Subject line, one line. Default: names the export, its time and row count."},
    "message": {"type": "string", "maxLength": 5000,
      "description": "Body text of the e-mail. Default: describes the export and its filters."},
    "limit": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1000,
      "description": "Most rows to export."}
  }
})json";  // plus filters (kFilters with the shared order filters)

constexpr const char* kFilters = R"json({
  "type": "object",
  "description": "Which rows to export. Orders take status, customer_name, product_name, date_from, date_to; products take product_name, category, stock_quantity.",
  "properties": {
    "customer_name": {"type": "string", "maxLength": 200,
      "description": "Orders: part of the customer's name (case-insensitive substring)."},
    "product_name": {"type": "string", "maxLength": 200,
      "description": "Orders and products: part of the product's name (case-insensitive substring)."},
    "category": {"type": "string", "maxLength": 200,
      "description": "Products: part of the category (case-insensitive substring)."},
    "stock_quantity": {"type": "integer", "minimum": 0,
      "description": "Products: at least this many in stock."}
  }
})json";  // plus status, date_from, date_to (order_filter_schema)

constexpr const char* kOutput = R"json({
  "type": "object",
  "required": ["success", "message", "data"],
  "properties": {
    "success": {"type": "boolean"}, "message": {"type": "string"},
    "data": {"type": "object",
      "required": ["type", "email", "filename", "records_count", "export_time", "subject"],
      "properties": {
        "type": {"type": "string", "enum": ["orders", "products"]}, "email": {"type": "string"},
        "filename": {"type": "string", "description": "The attachment's file name."},
        "records_count": {"type": "integer", "description": "Rows in the sheet."},
        "export_time": {"type": "string", "description": "UTC, YYYY-MM-DD HH:MM:SS"},
        "subject": {"type": "string"}
      }
    }
  }
})json";

// The arguments once checked.
struct Request {
  bool orders = true;
  std::string email;
  std::optional<std::string> subject;
  std::optional<std::string> message;
  int limit = 1000;
  store::OrderFilter order_filter;
  store::ProductFilter product_filter;
  std::string filters_text;  // "status=completed, date_from=2025-12-01" for the default body
};

core::Result<Request> read_request(const rapidjson::Value& args) {
  Request r;
  r.orders = opt_string(args, "type").value_or("orders") == "orders";
  r.email = opt_string(args, "email").value_or("");
  if (r.email.find_first_of("\r\n") != std::string::npos)
    return core::invalid_argument("email: must not contain CR or LF");
  if (!mail::valid_address(r.email)) {
    return core::invalid_argument(
        "email: must be one valid e-mail address such as "
        "name@example.com, without a display name (got \"" +
        core::utf8_clip(r.email, 80) + "\")");
  }
  r.subject = opt_string(args, "subject");
  if (r.subject && std::any_of(r.subject->begin(), r.subject->end(),
                               [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return core::invalid_argument(
        "subject: must be one line, without CR, LF or other control "
        "characters");
  }
  r.message = opt_string(args, "message");
  r.limit = static_cast<int>(int_or(args, "limit", 1000));

  auto it = args.FindMember("filters");
  if (it == args.MemberEnd()) return r;
  const rapidjson::Value& f = it->value;
  const std::span<const char* const> allowed = r.orders
                                                   ? std::span<const char* const>(kOrderFilters)
                                                   : std::span<const char* const>(kProductFilters);
  for (const auto& m : f.GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return core::invalid_argument("filters." + name + ": not a filter for type " +
                                    (r.orders ? "orders" : "products") + "; it takes " + list);
    }
    if (!r.filters_text.empty()) r.filters_text += ", ";
    r.filters_text +=
        name + "=" +
        (m.value.IsString() ? std::string(m.value.GetString()) : json::to_string(m.value));
  }
  if (r.orders) {
    r.order_filter.customer_name = opt_string(f, "customer_name");
    r.order_filter.product_name = opt_string(f, "product_name");
    if (auto ok = read_dates_and_status(f, &r.order_filter); !ok) {
      return core::invalid_argument("filters." + ok.error().message);
    }
  } else {
    r.product_filter.name = opt_string(f, "product_name");
    r.product_filter.category = opt_string(f, "category");
    if (auto s = f.FindMember("stock_quantity"); s != f.MemberEnd() && s->value.IsInt64()) {
      r.product_filter.min_stock = s->value.GetInt64();
    }
  }
  return r;
}

xlsx::Table orders_table(const std::vector<store::Order>& orders) {
  using xlsx::Kind;
  xlsx::Table t{"訂單",
                {{"交易ID", Kind::kText},
                 {"客戶姓名", Kind::kText},
                 {"產品名稱", Kind::kText},
                 {"產品類別", Kind::kText},
                 {"數量", Kind::kInteger},
                 {"單價", Kind::kMoney},
                 {"總金額", Kind::kMoney},
                 {"訂單狀態", Kind::kText},
                 {"訂單日期", Kind::kDateTime}},
                {}};
  t.rows.reserve(orders.size());
  for (const store::Order& o : orders) {
    t.rows.push_back({o.transaction_id, o.customer_name, o.product_name, o.product_category,
                      static_cast<double>(o.quantity), round2(o.unit_price), round2(o.amount),
                      o.status, o.created_at});
  }
  return t;
}

xlsx::Table products_table(const std::vector<store::Product>& products) {
  using xlsx::Kind;
  xlsx::Table t{"產品",
                {{"產品ID", Kind::kInteger},
                 {"產品名稱", Kind::kText},
                 {"產品描述", Kind::kText},
                 {"產品類別", Kind::kText},
                 {"價格", Kind::kMoney},
                 {"庫存數量", Kind::kInteger},
                 {"創建日期", Kind::kDateTime},
                 {"更新日期", Kind::kDateTime}},
                {}};
  t.rows.reserve(products.size());
  for (const store::Product& p : products) {
    t.rows.push_back({static_cast<double>(p.id), p.name, p.description, p.category, round2(p.price),
                      static_cast<double>(p.stock_quantity), p.created_at, p.updated_at});
  }
  return t;
}

// Writes `t` as a workbook at `path` and returns its bytes. libxlsxwriter's own temporaries go to
// `dir` too.
core::Result<std::string> workbook_bytes(const xlsx::Table& t, const std::string& path,
                                         const std::string& dir) {
  if (auto ok = xlsx::write_table(t, path, dir); !ok) return ok.error();
  return xlsx::read_file(path);
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

class Export {
 public:
  Export(store::Store& store, const MailOptions& mail, mcp::ToolContext& ctx)
      : store_(store), mail_(mail), ctx_(ctx) {}

  mcp::ToolResult run(const rapidjson::Value& args);

 private:
  void progress(double value, const std::string& message) {
    if (value < progress_) return;  // never backwards
    progress_ = value;
    ctx_.progress(value, 100, message);
  }
  mcp::ToolResult cancelled() {
    spdlog::info("{}: cancelled by the client", kTool);
    return mcp::ToolResult::error("The call was cancelled; no e-mail was sent");
  }

  store::Store& store_;
  const MailOptions& mail_;
  mcp::ToolContext& ctx_;
  double progress_ = 0;
};

mcp::ToolResult Export::run(const rapidjson::Value& args) {
  if (mail_.mailer == nullptr || mail_.from.empty()) {
    std::string missing;
    if (mail_.mailer == nullptr) missing = "SHOP_MCP_SMTP_URL (--smtp-url)";
    if (mail_.from.empty())
      missing += std::string(missing.empty() ? "" : " and ") + "SHOP_MCP_MAIL_FROM (--mail-from)";
    return mcp::ToolResult::error(
        std::string(kTool) +
        ": e-mail is not configured on this server, so nothing can be sent. "
        "The operator must set " +
        missing + "; tell the user the export cannot be mailed for now.");
  }
  auto req = read_request(args);
  if (!req) return invalid_arguments(kTool, req.error());
  const char* type = req->orders ? "orders" : "products";

  progress(0, std::string("querying the shop database for ") + type);
  const auto t0 = std::chrono::steady_clock::now();
  xlsx::Table table;
  if (req->orders) {
    auto rows = store_.find_orders(req->order_filter, req->limit);
    if (!rows) return store_failure(kTool, rows.error());
    table = orders_table(*rows);
  } else {
    auto rows = store_.find_products(req->product_filter, req->limit);
    if (!rows) return store_failure(kTool, rows.error());
    table = products_table(*rows);
  }
  if (ctx_.cancelled()) return cancelled();

  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::string export_time = core::format_utc(now);
  const std::string& t = export_time;  // "2026-01-01 12:00:00" -> orders_20260101_120000.xlsx
  const std::string filename = std::string(type) + "_" + t.substr(0, 4) + t.substr(5, 2) +
                               t.substr(8, 2) + "_" + t.substr(11, 2) + t.substr(14, 2) +
                               t.substr(17, 2) + ".xlsx";
  const std::size_t count = table.rows.size();

  progress(20, "writing " + std::to_string(count) + " rows to " + filename);
  const auto t1 = std::chrono::steady_clock::now();
  // A private directory for this export: the .xlsx and libxlsxwriter's temporaries, all removed
  // when `dir` goes, whatever happens.
  auto dir = xlsx::TempDir::create(mail_.tmp_dir, "shop-export-");
  const std::string path = dir ? dir->path() + "/" + filename : "";
  auto bytes =
      dir ? workbook_bytes(table, path, dir->path()) : core::Result<std::string>(dir.error());
  if (!bytes) {
    spdlog::error("{}: cannot write the workbook: {}", kTool, bytes.error().message);
    return mcp::ToolResult::error(std::string(kTool) +
                                  ": the Excel file could not be created on "
                                  "the server; nothing was sent. Try again later.");
  }
  const double build_ms = ms_since(t1);
  const std::size_t xlsx_size = bytes->size();
  spdlog::info("{}: wrote {} ({} {}, {} bytes) in {:.1f} ms", kTool, path, count, type, xlsx_size,
               build_ms);
  table = {};
  if (ctx_.cancelled()) return cancelled();

  const std::string label =
      req->orders ? "訂單資料匯出 Orders export" : "產品資料匯出 Products export";
  const std::string records = std::to_string(count) + " records";
  const std::string subject =
      req->subject.value_or(label + " " + export_time + " UTC (" + records + ")");
  std::string text;
  if (req->message) {
    text = *req->message;
  } else {
    text = std::string("您好，\n\n附件是商店的") + (req->orders ? "訂單" : "產品") + "資料匯出（" +
           filename + "），共 " + std::to_string(count) + " 筆記錄，匯出時間 " + export_time +
           " UTC。\n\nAttached is the shop's " + type + " export (" + filename + "): " + records +
           ", exported " + export_time + " UTC.\n";
    if (!req->filters_text.empty()) text += "Filters: " + req->filters_text + "\n";
  }
  mail::Message m{mail_.from, req->email, subject, std::move(text), {}};
  m.attachments.push_back({filename, kXlsxType, std::move(bytes).value()});
  auto mime = mail::render(m, mail::Stamp{now, core::random_hex(12)});
  m = {};
  if (!mime) {  // the arguments were checked: only the configured sender can be wrong
    spdlog::error("{}: cannot build the message: {}", kTool, mime.error().message);
    return mcp::ToolResult::error(std::string(kTool) +
                                  ": the e-mail could not be built; nothing was sent. The "
                                  "operator must check SHOP_MCP_MAIL_FROM.");
  }

  progress(40, "sending the e-mail with " + filename + " to " + req->email);
  const auto t2 = std::chrono::steady_clock::now();
  mail::SendHooks hooks;
  hooks.cancelled = [this] { return ctx_.cancelled(); };
  hooks.progress = [this](std::uint64_t sent, std::uint64_t total) {
    if (total == 0) return;
    // 40..95 in steps of 5 while the message moves.
    const double p =
        40 + std::floor(55.0 * static_cast<double>(sent) / static_cast<double>(total) / 5) * 5;
    if (p >= progress_ + 5)
      progress(p, "sent " + std::to_string(sent) + " of " + std::to_string(total) + " bytes");
  };
  auto sent = mail_.mailer->send(mail_.from, req->email, *mime, hooks);
  if (!sent) {
    if (ctx_.cancelled()) return cancelled();
    return mcp::ToolResult::error(std::string(kTool) + ": the " + type + " export (" + records +
                                  ") was not e-mailed to " + req->email + ": " +
                                  sent.error().message);
  }
  spdlog::info(
      "{}: {} {} to {}: xlsx {} bytes built in {:.1f} ms, mail of {} bytes accepted in "
      "{:.1f} ms, {:.1f} ms in all",
      kTool, count, type, req->email, xlsx_size, build_ms, mime->size(), ms_since(t2),
      ms_since(t0));
  progress(100, "sent");

  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value data(rapidjson::kObjectType);
  data.AddMember("type", rapidjson::StringRef(type), a);
  data.AddMember("email", json::str(req->email, a), a);
  data.AddMember("filename", json::str(filename, a), a);
  data.AddMember("records_count", static_cast<std::int64_t>(count), a);
  data.AddMember("export_time", json::str(export_time, a), a);
  data.AddMember("subject", json::str(subject, a), a);
  d.AddMember("success", true, a);
  d.AddMember("message",
              json::str("Sent the " + std::string(type) + " export (" + records + ", " + filename +
                            ") to " + req->email + ".",
                        a),
              a);
  d.AddMember("data", data, a);
  return mcp::ToolResult::success(std::move(d));
}

}  // namespace

mcp::Tool send_excel_email_tool(store::Store& store, MailOptions mail) {
  rapidjson::Document input = schema_literal(kInput);
  rapidjson::Document filters = order_filter_schema(kFilters);
  input["properties"].AddMember("filters", rapidjson::Value(filters, input.GetAllocator()),
                                input.GetAllocator());
  mcp::Tool t;
  t.name = kTool;
  t.title = "E-mail an Excel export";
  t.description =
      "Export the shop's orders or products to an Excel (.xlsx) file and e-mail it as an "
      "attachment. type: orders (newest first) or products (by name); email: the recipient; "
      "filters narrow the rows (orders: status, customer_name, product_name, date_from, date_to; "
      "products: product_name, category, stock_quantity); limit: at most this many rows (default "
      "1000, up to 10000). The sheet has Chinese column headers, numbers as numbers and dates as "
      "Excel dates. Succeeds only once the mail server accepted the message.";
  t.input_schema = std::move(input);
  t.output_schema = schema_literal(kOutput);
  const bool configured = mail.mailer != nullptr && !mail.from.empty();
  spdlog::info("{}: {}", kTool,
               configured ? "mail from " + mail.from
                          : std::string("mail is not configured (set "
                                        "SHOP_MCP_SMTP_URL and SHOP_MCP_MAIL_FROM)"));
  t.handler = [&store, mail = std::move(mail)](const rapidjson::Value& args,
                                               mcp::ToolContext& ctx) {
    const auto start = std::chrono::steady_clock::now();
    Export e(store, mail, ctx);
    mcp::ToolResult r = e.run(args);
    rapidjson::Document d(rapidjson::kObjectType);
    d.AddMember("tool", rapidjson::StringRef(kTool), d.GetAllocator());
    d.AddMember("ms", ms_since(start), d.GetAllocator());
    d.AddMember("is_error", r.is_error, d.GetAllocator());
    ctx.log(r.is_error ? mcp::LogLevel::kWarning : mcp::LogLevel::kInfo, "shop", d);
    return r;
  };
  return t;
}

}  // namespace shopmcp::shop
