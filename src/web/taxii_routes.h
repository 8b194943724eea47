#pragma once

/// The TAXII 2.1 server (OASIS TAXII Version 2.1, 2021; issue 12 item 2; docs/taxii.md) on the
/// center's web server. Each sharing community is one API root; each root has the collection
/// `kansoku` (what this center publishes for the community, read-only) and, when the community is
/// writable, `contributions` (what its partners add).
///
///   GET  /taxii2/                                        discovery (the caller's API roots only)
///   GET  /taxii2/{root}/                                 API root information
///   GET  /taxii2/{root}/collections/                     collections
///   GET  /taxii2/{root}/collections/{id}/                one collection
///   GET  /taxii2/{root}/collections/{id}/objects/        envelope: added_after, limit, next, match[...]
///   POST /taxii2/{root}/collections/{id}/objects/        add objects: 202 with a status
///   GET  /taxii2/{root}/collections/{id}/objects/{obj}/  one object's versions (default: the last)
///   GET  /taxii2/{root}/collections/{id}/objects/{obj}/versions/
///   GET  /taxii2/{root}/collections/{id}/manifest/
///   GET  /taxii2/{root}/status/{status}/
///
/// Callers: a partner with HTTP Basic (its name and secret) or `Authorization: Bearer ksp_...`
/// sees only its community's root and only objects at or below its TLP ceiling; the admin key sees
/// everything. A root or collection the caller may not see answers exactly as one that does not
/// exist (404). Every answer that carries objects is written to the sharing log.

#include "share/sharing/sharing_config.h"
#include "store/database.h"
#include "web/router.h"

namespace kansoku::web {

/// Adds the TAXII routes; `store` and `config` must outlive the router; used from the server's
/// thread only. `max_body` is advertised as the roots' max_content_length.
void addTaxiiRoutes(Router& router, store::Database& store, const share::SharingConfig& config, int64_t max_body);

/// A TAXII error message (section 3.6.1) with its status, in TAXII's media type.
Response taxiiError(unsigned status, std::string_view title, std::string_view description = {});

} // namespace kansoku::web
