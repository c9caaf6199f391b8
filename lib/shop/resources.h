// The shop's resources: the catalogue shop://products, each product shop://products/{id}, each
// order shop://orders/{transaction_id} (JSON); and the completers its templates and its prompts
// share: customer names, product names, categories, statuses, product ids and transaction ids.
// Thread-safe after registration.
#pragma once

#include "mcp/completion.h"
#include "mcp/resources.h"
#include "store/store.h"

namespace shopmcp::shop {

// `store` must outlive the registry.
void register_resources(mcp::ResourceRegistry& resources, store::Store& store);

// Suggestions from the store (store failures give none; they are logged).
mcp::Completer store_completer(store::Store& store, store::Suggestion what);
// The five statuses, and "all", that contain the typed text.
mcp::Completer status_completer(bool with_all);

}  // namespace shopmcp::shop
