#include "store/open_store.h"

#include "store/pg_conn.h"
#include "store/sqlite_store.h"

namespace shopmcp::store {

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string describe_db(const std::string& db) { return is_postgres_url(db) ? pg::redact(db) : db; }

core::Result<std::unique_ptr<Store>> open_store(const std::string& db, const SeedOptions& seed,
                                                const PgOptions& pg) {
  if (is_postgres_url(db)) {
    auto s = PgStore::open(db, seed, pg);
    if (!s) return std::move(s).error();
    return std::unique_ptr<Store>(std::move(*s));
  }
  auto s = SqliteStore::open(db, seed);
  if (!s) return std::move(s).error();
  return std::unique_ptr<Store>(std::move(*s));
}

}  // namespace shopmcp::store
