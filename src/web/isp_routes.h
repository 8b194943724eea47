#pragma once

/// The ISP API (issue 11 items 4, 5 and 7; docs/isp.md): what an ISP tenant sees of its own
/// address space, and how it reports back.
///
///   GET  /api/v1/isp/hosts              infected hosts, by address, keyset-paged (?limit, ?next,
///                                       ?since, ?family; the admin also ?isp)
///   GET  /api/v1/isp/hosts/{ip}         one host with its evidence
///   POST /api/v1/isp/hosts/{ip}/feedback {"state": "notified|remediated|disputed|false_positive",
///                                       "note": "..."}: moves the host's state
///   GET  /api/v1/isp/remediation        the closed loop's figures (share/isp/remediation.h)
///
/// A tenant sees only hosts inside its Request::scope; a host outside it gets the same 404 as one
/// that does not exist, so nothing about other tenants leaks. The admin key sees everything.

#include "store/database.h"
#include "web/router.h"

namespace kansoku::web {

/// Adds the ISP routes; `store` must outlive the router and is used from the server's thread only.
void addIspRoutes(Router& router, store::Database& store);

} // namespace kansoku::web
