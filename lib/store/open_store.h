// open_store: the Store a --db value names: a postgresql:// (or postgres://) URL opens PgStore,
// anything else is a SQLite file for SqliteStore. Thread-safe (no shared state).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/pg_store.h"
#include "store/seed.h"
#include "store/store.h"

namespace shopmcp::store {

bool is_postgres_url(const std::string& db);

// `db` as it may be shown and logged: a URL's password replaced by "***".
std::string describe_db(const std::string& db);

core::Result<std::unique_ptr<Store>> open_store(const std::string& db, const SeedOptions& seed,
                                                const PgOptions& pg);

}  // namespace shopmcp::store
