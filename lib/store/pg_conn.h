// The libpq plumbing PgStore's files share (not part of the module's API): a connection with its
// prepared statements, running a query with bound text parameters, reading a result, errors that
// name the step but never the password, and a bounded pool of connections. A PgConn has one owner
// at a time; PgPool is thread-safe.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/mutex.h"
#include "core/result.h"
#include "store/sql_queries.h"

namespace shopmcp::store::pg {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// The connection URL with any password replaced by "***", for messages and the log.
std::string redact(const std::string& url);

// Settings every connection of a store gets.
struct ConnOptions {
  std::string url;  // postgresql://... (libpq also reads PGPASSWORD, PGPASSFILE, ...)
  std::chrono::milliseconds statement_timeout{10000};
  std::chrono::seconds connect_timeout{5};
};

class PgConn {
 public:
  // Connects and configures the session (UTC, statement timeout, plans made with each call's
  // values). Fails with kUnavailable when the server cannot be reached.
  static core::Result<std::unique_ptr<PgConn>> connect(const ConnOptions& o);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  PGconn* raw() { return conn_; }
  // False once the connection is lost: the pool then drops it instead of lending it again.
  bool healthy() const;

  // Runs `q` as a prepared statement (prepared on first use, by text), every value bound as text.
  core::Result<ResultPtr> query(const sql::Query& q, std::string_view what);
  // Runs SQL text without parameters (several statements allowed).
  core::Result<void> exec(const std::string& text, std::string_view what);
  // COPY ... FROM STDIN: `next` fills its argument with the next piece of data in COPY's text
  // format and returns false when there is none left.
  core::Result<void> copy_in(const std::string& copy_sql,
                             const std::function<bool(std::string*)>& next, std::string_view what);

  // An error for `what` from this connection's last failure: kUnavailable when the connection is
  // gone or the statement was cancelled by its timeout, else kInternal.
  core::Error error(std::string_view what, const PGresult* r) const;

 private:
  PgConn(PGconn* c, std::string url) : conn_(c), url_(std::move(url)) {}
  PGconn* conn_;
  std::string url_;                                        // redacted
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

// At most `size` connections; checkout() waits up to `wait` for one to come back when all are
// lent out, then fails with kUnavailable. A lost connection is dropped when given back, so the next
// checkout connects again (this is the reconnect after the server restarts).
class PgPool {
 public:
  struct GiveBack {
    PgPool* pool;
    void operator()(PgConn* c) const { pool->give_back(std::unique_ptr<PgConn>(c)); }
  };
  using Lease = std::unique_ptr<PgConn, GiveBack>;

  PgPool(ConnOptions options, int size, std::chrono::milliseconds wait);
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  core::Result<Lease> checkout() EXCLUDES(mu_);
  void give_back(std::unique_ptr<PgConn> c) EXCLUDES(mu_);
  // Closes every idle connection: one was found lost, so the server restarted or the network
  // failed, and the others are most likely lost too.
  void drop_idle() EXCLUDES(mu_);
  const ConnOptions& options() const { return options_; }

 private:
  const ConnOptions options_;
  const int size_;
  const std::chrono::milliseconds wait_;
  core::Mutex mu_;
  core::CondVar returned_;
  std::vector<std::unique_ptr<PgConn>> idle_ GUARDED_BY(mu_);
  int lent_ GUARDED_BY(mu_) = 0;  // checked out, or being connected
};

// Column `col` of row `row` as text ("" when NULL), as a number.
std::string text(const PGresult* r, int row, int col);
std::int64_t int64(const PGresult* r, int row, int col);
double real(const PGresult* r, int row, int col);

}  // namespace shopmcp::store::pg
