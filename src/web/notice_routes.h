#pragma once

/// GET /notice/{token}: the subscriber notice page (issue 11 item 6), for anyone holding the link
/// (Caller::Anonymous: the token is the credential). An unknown, malformed or expired token gets
/// the same 404 page, so the answer never tells whether a token existed. The language is `?lang=`
/// (ja|en), else Accept-Language, else the language of the ISP whose space holds the host, else
/// English. Every response forbids caching, referrers, framing, scripts and outside resources.

#include <functional>

#include "common/time.h"
#include "store/intel_store.h"
#include "store/tenant_store.h"
#include "web/router.h"

namespace kansoku::web {

/// Adds the route; the stores must outlive the router. `clock` decides expiry (tests inject one).
void addNoticeRoutes(Router& router, store::IntelStore& intel, store::TenantStore& tenants,
                     std::function<Timestamp()> clock = nowMicros);

} // namespace kansoku::web
