// fuzz_completion: URI templates, resource URIs and completion/complete. Properties:
// mcp::UriTemplate parses exactly the templates its grammar allows, and a URI made from a template
// with percent-encoded values matches it with those values; the shop's resources read exactly the
// URIs that name the catalogue, an existing product id or an existing transaction id, answering
// with that URI and JSON; completion/complete (through the dispatcher and mcp::Server) answers at
// most 100 values with a consistent total/hasMore, and for every completer of the shop (customer
// names, categories, statuses, product ids, transaction ids) exactly the values an independent
// filter over the whole store gives, in order; mcp::filter_candidates keeps exactly the candidates
// that contain the text, those starting with it first.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "fuzz_stack.h"
#include "fuzz_support.h"
#include "json/json.h"
#include "mcp/completion.h"
#include "mcp/resources.h"

namespace {

namespace core = shopmcp::core;
namespace json = shopmcp::json;
namespace mcp = shopmcp::mcp;
using shopmcp::fuzz::printable;

// The store's values, read once: what every completer chooses from.
struct Truth {
  std::vector<std::string> customers;     // distinct, bytewise ascending
  std::vector<std::string> categories;    // distinct, bytewise ascending
  std::vector<std::string> transactions;  // ascending
  std::vector<std::int64_t> product_ids;  // ascending
};

struct Fixture {
  shopmcp::fuzz::Stack stack;
  Truth truth;

  Fixture() : stack(options()) {
    auto orders = stack.db->find_orders({}, 1000000);
    auto products = stack.db->find_products({}, 1000000);
    MCP_FUZZ_CHECK(orders.has_value() && products.has_value());
    std::set<std::string> customers, categories, transactions;
    for (const auto& o : *orders) {
      customers.insert(o.customer_name);
      transactions.insert(o.transaction_id);
    }
    for (const auto& p : *products) {
      categories.insert(p.category);
      truth.product_ids.push_back(p.id);
    }
    std::sort(truth.product_ids.begin(), truth.product_ids.end());
    truth.customers.assign(customers.begin(), customers.end());
    truth.categories.assign(categories.begin(), categories.end());
    truth.transactions.assign(transactions.begin(), transactions.end());
  }

  static shopmcp::fuzz::StackOptions options() {
    shopmcp::fuzz::StackOptions o;
    o.orders = 300;  // more customer names and transaction ids than one answer holds
    return o;
  }
};

Fixture& fixture() {
  static auto* f = new Fixture();
  return *f;
}

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// SQLite's instr(lower(x), lower(y)) > 0: ASCII case folded, matched at a character boundary.
bool contains_folded(const std::string& hay, std::string_view needle) {
  const std::string h = core::ascii_lower(hay), n = core::ascii_lower(needle);
  if (n.empty()) return true;
  for (std::size_t p = h.find(n); p != std::string::npos; p = h.find(n, p + 1)) {
    if (!is_continuation(h[p])) return true;
  }
  return false;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// --- URI templates -------------------------------------------------------------------------------

struct Piece {
  bool variable;
  std::string text;
};

// The grammar UriTemplate documents: literal text and {name} (letters, digits, '_'), no two
// variables without literal text between them; nullopt when `text` breaks it.
std::optional<std::vector<Piece>> template_oracle(std::string_view text) {
  std::vector<Piece> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find('{', i);
    if (open == std::string_view::npos) {
      out.push_back({false, std::string(text.substr(i))});
      break;
    }
    if (open > i) out.push_back({false, std::string(text.substr(i, open - i))});
    const auto close = text.find('}', open);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view name = text.substr(open + 1, close - open - 1);
    if (name.empty()) return std::nullopt;
    for (char c : name) {
      const bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!ok) return std::nullopt;
    }
    if (!out.empty() && out.back().variable) return std::nullopt;
    out.push_back({true, std::string(name)});
    i = close + 1;
  }
  return out;
}

std::string encode_all(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    out += {'%', kHex[c >> 4], kHex[c & 15]};
  }
  return out;
}

void check_template(FuzzedDataProvider& in) {
  static const std::vector<std::string> kTemplates = {"shop://products/{id}",
                                                      "shop://orders/{transaction_id}",
                                                      "file:///{dir}/x/{name}.txt",
                                                      "a{x}b{y}c",
                                                      "{x}",
                                                      "{x}-{y}",
                                                      "x{a}{b}",
                                                      "{+x}",
                                                      "q?{k}={v}#{f}",
                                                      "{a}%41{b}",
                                                      "{a}%{b}"};
  const auto pick = in.ConsumeIntegralInRange<std::size_t>(0, kTemplates.size());
  const std::string text =
      pick < kTemplates.size() ? kTemplates[pick] : in.ConsumeRandomLengthString(60);
  auto parsed = mcp::UriTemplate::parse(text);
  const auto oracle = template_oracle(text);
  MCP_FUZZ_CHECK_MSG(parsed.has_value() == oracle.has_value(), "template: " + printable(text));
  if (!parsed) return;
  MCP_FUZZ_CHECK(parsed->text() == text);

  // A URI from the template, each variable's value sent as %XX bytes.
  std::map<std::string, std::string> values;
  for (const Piece& p : *oracle) {
    if (!p.variable) continue;
    MCP_FUZZ_CHECK(parsed->has_variable(p.text));
    if (values.count(p.text) == 0) {
      std::string v = in.ConsumeRandomLengthString(12);
      values[p.text] = v.empty() ? "v" : v;
    }
  }
  std::string uri;
  bool unambiguous = true;  // each value's encoding ends where the literal after it first occurs
  for (std::size_t k = 0; k < oracle->size(); ++k) {
    const Piece& p = (*oracle)[k];
    if (!p.variable) {
      uri += p.text;
      continue;
    }
    const std::string enc = encode_all(values[p.text]);
    if (k + 1 < oracle->size()) {
      const std::string& next = (*oracle)[k + 1].text;
      unambiguous = unambiguous && (enc + next).find(next) == enc.size();
    }
    uri += enc;
  }
  const auto vars = parsed->match(uri);
  const std::string where = "template " + printable(text) + " uri " + printable(uri);
  if (unambiguous) {
    MCP_FUZZ_CHECK_MSG(vars.has_value(), where);
    MCP_FUZZ_CHECK_MSG(vars->size() == values.size(), where);
    for (const auto& [name, value] : values) {
      auto it = vars->find(name);
      MCP_FUZZ_CHECK_MSG(it != vars->end() && it->second == value, where);
    }
  }
  // Any URI at all: a match names only the template's variables, each with a value.
  const std::string other = in.ConsumeRandomLengthString(60);
  if (auto v = parsed->match(other)) {
    for (const auto& [name, value] : *v) {
      MCP_FUZZ_CHECK_MSG(parsed->has_variable(name) && !value.empty(), printable(other));
    }
  }
}

// --- Resources -----------------------------------------------------------------------------------

// Which URIs the shop's resources serve, said independently.
bool served(const std::string& uri, const Truth& t) {
  if (uri == "shop://products") return true;
  for (const std::string_view prefix : {"shop://products/", "shop://orders/"}) {
    if (uri.rfind(prefix, 0) != 0) continue;
    const std::string raw = uri.substr(prefix.size());
    if (raw.empty() || raw.find_first_of("/?#") != std::string::npos) return false;
    const auto value = core::percent_decode(raw, false);
    if (!value) return false;
    if (prefix == "shop://orders/") {
      return std::binary_search(t.transactions.begin(), t.transactions.end(), *value);
    }
    // A product id: a positive decimal integer.
    if (value->empty() || value->size() > 18 ||
        value->find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    return std::binary_search(t.product_ids.begin(), t.product_ids.end(), std::stoll(*value));
  }
  return false;
}

void check_read(FuzzedDataProvider& in) {
  auto& f = fixture();
  std::string uri;
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      uri = "shop://products/" + in.ConsumeRandomLengthString(12);
      break;
    case 1: {
      const auto& ids = f.truth.transactions;
      const std::string id = ids[in.ConsumeIntegralInRange<std::size_t>(0, ids.size() - 1)];
      uri = "shop://orders/" + (in.ConsumeBool() ? id : in.ConsumeRandomLengthString(12));
      break;
    }
    case 2:
      uri = "shop://products";
      break;
    default:
      uri = in.ConsumeRandomLengthString(40);
  }
  auto r = f.stack.resources.read(uri);
  MCP_FUZZ_CHECK_MSG(r.has_value() == served(uri, f.truth),
                     "uri " + printable(uri) + (r ? " read" : " refused"));
  if (!r) {
    MCP_FUZZ_CHECK(r.error().code == core::ErrorCode::kNotFound);
    return;
  }
  MCP_FUZZ_CHECK(r->size() == 1 && (*r)[0].uri == uri && (*r)[0].mime_type == "application/json");
  MCP_FUZZ_CHECK(json::parse((*r)[0].text).has_value());
}

// --- Completion ----------------------------------------------------------------------------------

// What one completer must answer for `value`, from the whole store (before the cap).
std::vector<std::string> expected_values(const std::string& ref, const std::string& arg,
                                         const std::string& value, const Truth& t) {
  std::vector<std::string> out;
  if (ref == "sales_report" && arg == "status") {
    return mcp::filter_candidates(
        {"pending", "processing", "completed", "cancelled", "refunded", "all"}, value);
  }
  if (ref == "customer_summary" && arg == "customer_name") {
    for (const auto& c : t.customers) {
      if (c.rfind(value, 0) == 0) out.push_back(c);
    }
  } else if (ref == "stock_check" && arg == "category") {
    for (const auto& c : t.categories) {
      if (contains_folded(c, value)) out.push_back(c);
    }
  } else if (ref == "shop://products/{id}" && arg == "id") {
    for (std::int64_t id : t.product_ids) {
      if (std::to_string(id).rfind(value, 0) == 0) out.push_back(std::to_string(id));
    }
  } else if (ref == "shop://orders/{transaction_id}" && arg == "transaction_id") {
    for (const auto& id : t.transactions) {
      if (id.rfind(upper(value), 0) == 0) out.push_back(id);
    }
  }
  return out;
}

std::string pick(FuzzedDataProvider& in, const std::vector<std::string>& list, std::size_t max) {
  const auto i = in.ConsumeIntegralInRange<std::size_t>(0, list.size());
  return i < list.size() ? list[i] : in.ConsumeRandomLengthString(max);
}

void check_complete(FuzzedDataProvider& in) {
  auto& f = fixture();
  const bool prompt = in.ConsumeBool();
  const std::string ref =
      prompt
          ? pick(in, {"sales_report", "customer_summary", "stock_check"}, 20)
          : pick(in, {"shop://products/{id}", "shop://orders/{transaction_id}", "shop://products"},
                 40);
  const std::string arg =
      pick(in, {"status", "customer_name", "category", "id", "transaction_id", "date_from"}, 16);
  // A value: a piece of a real one, in any case, or anything.
  std::string value;
  if (in.ConsumeBool()) {
    const std::vector<std::string>* from[] = {&f.truth.customers, &f.truth.categories,
                                              &f.truth.transactions};
    const auto& list = *from[in.ConsumeIntegralInRange(0, 2)];
    const std::string& whole = list[in.ConsumeIntegralInRange<std::size_t>(0, list.size() - 1)];
    const auto start = in.ConsumeIntegralInRange<std::size_t>(0, whole.size());
    value = whole.substr(start, in.ConsumeIntegralInRange<std::size_t>(0, whole.size() - start));
    if (in.ConsumeBool()) value = core::ascii_lower(value);
  } else {
    value = in.ConsumeRandomLengthString(16);
  }

  rapidjson::Document msg(rapidjson::kObjectType);
  auto& a = msg.GetAllocator();
  msg.AddMember("jsonrpc", "2.0", a);
  msg.AddMember("id", 7, a);
  msg.AddMember("method", "completion/complete", a);
  rapidjson::Value params(rapidjson::kObjectType), r(rapidjson::kObjectType),
      argument(rapidjson::kObjectType);
  r.AddMember("type", json::str(prompt ? "ref/prompt" : "ref/resource", a), a);
  r.AddMember(rapidjson::StringRef(prompt ? "name" : "uri"), json::str(ref, a), a);
  argument.AddMember("name", json::str(arg, a), a);
  argument.AddMember("value", json::str(value, a), a);
  params.AddMember("ref", r, a);
  params.AddMember("argument", argument, a);
  if (in.ConsumeBool()) {
    rapidjson::Value context(rapidjson::kObjectType), args(rapidjson::kObjectType);
    args.AddMember("date_from", json::str(in.ConsumeRandomLengthString(12), a), a);
    context.AddMember("arguments", args, a);
    params.AddMember("context", context, a);
  }
  msg.AddMember("params", params, a);
  // What the server saw: the value as JSON carries it (valid UTF-8).
  const std::string sent = core::utf8_valid(value);

  shopmcp::rpc::CallContext ctx;
  auto reply = f.stack.dispatcher.handle(msg, ctx);
  MCP_FUZZ_CHECK(reply.has_value());
  const std::string text = json::to_string(*reply);
  MCP_FUZZ_CHECK_MSG(core::is_valid_utf8(text), text);
  const std::string where = "ref " + printable(ref) + " arg " + printable(arg) + " value " +
                            printable(sent) + "\n  reply " + printable(text);
  const bool known =
      prompt ? (ref == "sales_report" || ref == "customer_summary" || ref == "stock_check")
             : (ref == "shop://products/{id}" || ref == "shop://orders/{transaction_id}");
  if (!known) {
    MCP_FUZZ_CHECK_MSG(reply->HasMember("error") && (*reply)["error"]["code"].GetInt() == -32602,
                       where);
    return;
  }
  MCP_FUZZ_CHECK_MSG(reply->HasMember("result"), where);
  const auto& c = (*reply)["result"]["completion"];
  MCP_FUZZ_CHECK_MSG(c.IsObject() && c["values"].IsArray() && c["hasMore"].IsBool(), where);
  const auto& values = c["values"];
  const bool more = c["hasMore"].GetBool();
  MCP_FUZZ_CHECK_MSG(values.Size() <= mcp::kMaxCompletions, where);
  MCP_FUZZ_CHECK_MSG(more ? !c.HasMember("total") && values.Size() == mcp::kMaxCompletions
                          : c.HasMember("total") && c["total"].GetUint64() == values.Size(),
                     where);
  std::vector<std::string> got;
  for (const auto& v : values.GetArray()) {
    MCP_FUZZ_CHECK(v.IsString());
    got.emplace_back(v.GetString(), v.GetStringLength());
  }
  std::vector<std::string> expect = expected_values(ref, arg, sent, f.truth);
  MCP_FUZZ_CHECK_MSG(more == (expect.size() > mcp::kMaxCompletions), where);
  if (expect.size() > mcp::kMaxCompletions) expect.resize(mcp::kMaxCompletions);
  MCP_FUZZ_CHECK_MSG(got == expect, where);
}

void check_filter(FuzzedDataProvider& in) {
  std::vector<std::string> all;
  const int n = in.ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < n; ++i) all.push_back(in.ConsumeRandomLengthString(12));
  const std::string value = in.ConsumeRandomLengthString(6);
  const auto got = mcp::filter_candidates(all, value);
  std::vector<std::string> starts, contains;
  const std::string needle = core::ascii_lower(value);
  for (const auto& c : all) {
    const auto pos = core::ascii_lower(c).find(needle);
    if (pos == 0) {
      starts.push_back(c);
    } else if (pos != std::string::npos) {
      contains.push_back(c);
    }
  }
  starts.insert(starts.end(), contains.begin(), contains.end());
  MCP_FUZZ_CHECK_MSG(got == starts, "value " + printable(value));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  shopmcp::fuzz::quiet_logging();
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider in(bytes, size);
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      check_template(in);
      break;
    case 1:
      check_read(in);
      break;
    case 2:
      check_complete(in);
      break;
    default:
      check_filter(in);
  }
  return 0;
}
