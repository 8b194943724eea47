#pragma once

/// GET /api/v1/blocklist.txt, .csv, .rpz: the blocking feeds (issue 11 item 8) for ISPs that filter
/// under contract. A tenant's key is required (401 without): a tenant gets every C2 endpoint and
/// the infected hosts of its own space; the admin gets everything.

#include <functional>

#include "common/time.h"
#include "share/blocklist/blocklist_config.h"
#include "store/intel_store.h"
#include "web/router.h"

namespace kansoku::web {

/// Adds the three routes; the store must outlive the router. A tenant's space is the one its key's
/// authentication put on the request (Request::scope).
void addBlocklistRoutes(Router& router, store::IntelStore& intel, share::blocklist::BlocklistConfig config,
                        std::function<Timestamp()> clock = nowMicros);

} // namespace kansoku::web
