#include "store/pg_conn.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <utility>
#include <variant>

namespace shopmcp::store::pg {
namespace {

std::string trimmed(const char* s) {
  std::string t = s != nullptr ? s : "";
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

// A value as the text PostgreSQL parses back to the same value.
std::string as_text(const sql::Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    // The shortest text that reads back as the same double: 0.1, not 0.10000000000000001,
    // which a numeric column would compare as a different number.
    char buf[40];
    const auto end = std::to_chars(buf, buf + sizeof buf, *d).ptr;
    return std::string(buf, end);
  }
  return std::get<std::string>(v);
}

}  // namespace

std::string redact(const std::string& url) {
  std::string out = url;
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db
  if (const auto scheme = out.find("://"); scheme != std::string::npos) {
    const auto start = scheme + 3;
    const auto end = std::min(out.find_first_of("/?", start), out.size());
    const auto at = out.rfind('@', end);
    if (at != std::string::npos && at >= start) {
      const auto colon = out.find(':', start);
      if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // ...?password=secret&... -> ...?password=***&...
  for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p == 0 || (out[p - 1] != '?' && out[p - 1] != '&')) continue;
    const auto from = p + 9;
    const auto to = std::min(out.find('&', from), out.size());
    out.replace(from, to - from, "***");
  }
  return out;
}

core::Result<std::unique_ptr<PgConn>> PgConn::connect(const ConnOptions& o) {
  const std::string timeout = std::to_string(o.connect_timeout.count());
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {o.url.c_str(), timeout.c_str(), "shop-mcp", nullptr};
  // expand_dbname: the URL's own parameters; the two after it apply where the URL is silent.
  PGconn* c = PQconnectdbParams(keys, values, 1);
  if (c == nullptr) return core::unavailable("postgresql: out of memory connecting");
  std::unique_ptr<PgConn> conn(new PgConn(c, redact(o.url)));
  if (PQstatus(c) != CONNECTION_OK) {
    return core::unavailable("postgresql " + conn->url_ +
                             ": connect: " + trimmed(PQerrorMessage(c)));
  }
  // UTC timestamps, as the shop's are; every statement bounded; plans made with each call's own
  // values (a generic plan cannot use the trigram index for a LIKE pattern it does not know); no
  // JIT compilation, which costs more than these short queries take.
  const std::string setup =
      "SET TIME ZONE 'UTC'; SET statement_timeout = " +
      std::to_string(o.statement_timeout.count()) +
      "; SET plan_cache_mode = force_custom_plan; SET jit = off; SET client_min_messages = warning";
  if (auto r = conn->exec(setup, "configure the session"); !r) return r.error();
  return conn;
}

PgConn::~PgConn() { PQfinish(conn_); }

bool PgConn::healthy() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

core::Error PgConn::error(std::string_view what, const PGresult* r) const {
  std::string msg = "postgresql " + url_ + ": " + std::string(what) + ": " +
                    trimmed(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (msg.back() == ' ' || msg.back() == ':') msg += trimmed(PQerrorMessage(conn_));
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view code = state != nullptr ? state : "";
  // 57014: cancelled by statement_timeout; 08xxx: connection; 57P0x: the server shutting down.
  if (PQstatus(conn_) != CONNECTION_OK || code == "57014" || code.substr(0, 2) == "08" ||
      code.substr(0, 3) == "57P") {
    return core::unavailable(std::move(msg));
  }
  return core::internal(std::move(msg));
}

core::Result<ResultPtr> PgConn::query(const sql::Query& q, std::string_view what) {
  auto it = prepared_.find(q.text);
  if (it == prepared_.end()) {
    const std::string name = "s" + std::to_string(prepared_.size() + 1);
    ResultPtr p(PQprepare(conn_, name.c_str(), q.text.c_str(), 0, nullptr));
    if (PQresultStatus(p.get()) != PGRES_COMMAND_OK) return error(what, p.get());
    it = prepared_.emplace(q.text, name).first;
  }
  std::vector<std::string> texts;
  texts.reserve(q.binds.size());
  for (const auto& v : q.binds) texts.push_back(as_text(v));
  std::vector<const char*> values;
  values.reserve(texts.size());
  for (const auto& t : texts) values.push_back(t.c_str());
  ResultPtr r(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                             values.data(), nullptr, nullptr, 0));
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return error(what, r.get());
  return r;
}

core::Result<void> PgConn::exec(const std::string& text, std::string_view what) {
  ResultPtr r(PQexec(conn_, text.c_str()));
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error(what, r.get());
  return {};
}

core::Result<void> PgConn::copy_in(const std::string& copy_sql,
                                   const std::function<bool(std::string*)>& next,
                                   std::string_view what) {
  ResultPtr start(PQexec(conn_, copy_sql.c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) return error(what, start.get());
  std::string data;
  bool more = true;
  while (more) {
    data.clear();
    more = next(&data);
    if (!data.empty() && PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1) {
      return error(what, nullptr);
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) return error(what, nullptr);
  ResultPtr end(PQgetResult(conn_));
  while (ResultPtr rest{PQgetResult(conn_)}) {
  }
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) return error(what, end.get());
  return {};
}

PgPool::PgPool(ConnOptions options, int size, std::chrono::milliseconds wait)
    : options_(std::move(options)), size_(size), wait_(wait) {}

core::Result<PgPool::Lease> PgPool::checkout() {
  std::unique_ptr<PgConn> c;
  {
    core::MutexLock l(&mu_);
    const auto deadline = std::chrono::steady_clock::now() + wait_;
    while (idle_.empty() && lent_ >= size_) {
      if (!returned_.wait_until(mu_, std::stop_token{}, deadline) &&
          std::chrono::steady_clock::now() >= deadline) {
        return core::unavailable("postgresql: all " + std::to_string(size_) +
                                 " pooled connections stayed busy for " +
                                 std::to_string(wait_.count()) + " ms");
      }
    }
    ++lent_;
    if (!idle_.empty()) {
      c = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!c) {
    auto made = PgConn::connect(options_);
    if (!made) {
      core::MutexLock l(&mu_);
      --lent_;
      returned_.notify_one();
      return std::move(made).error();
    }
    c = std::move(*made);
  }
  return Lease(c.release(), GiveBack{this});
}

void PgPool::give_back(std::unique_ptr<PgConn> c) {
  // A lost connection (or one left inside a transaction) is closed here, outside the lock.
  if (c && !c->healthy()) c.reset();
  core::MutexLock l(&mu_);
  if (c) idle_.push_back(std::move(c));
  --lent_;
  returned_.notify_one();
}

void PgPool::drop_idle() {
  std::vector<std::unique_ptr<PgConn>> gone;
  {
    core::MutexLock l(&mu_);
    gone.swap(idle_);
  }
  // Closed here, outside the lock.
}

std::string text(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return {};
  return std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}

std::int64_t int64(const PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? 0 : std::strtoll(PQgetvalue(r, row, col), nullptr, 10);
}

double real(const PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? 0 : std::strtod(PQgetvalue(r, row, col), nullptr);
}

}  // namespace shopmcp::store::pg
