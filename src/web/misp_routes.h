#pragma once

/// The MISP feeds (issue 12 item 5; docs/sharing.md "MISP feeds") on the center's web server, one per
/// sharing community, for a MISP instance to subscribe to (Sync Actions > Feeds):
///
///   GET /misp/{community}/manifest.json   the events the caller may see
///   GET /misp/{community}/hashes.csv      their attribute hashes
///   GET /misp/{community}/{uuid}.json     one event
///
/// Callers authenticate as on the TAXII server: a partner with HTTP Basic (its name and secret) or
/// `Authorization: Bearer ksp_...` sees only its community's feed and only events at or below its
/// TLP ceiling; the admin key sees every community. A community or event the caller may not see
/// answers as one that does not exist (404); no or wrong credentials 401. Every answer that carries
/// events is a row of the sharing log (channel "misp-feed"). Answers carry an ETag and
/// Last-Modified (the newest event timestamp they hold).
///
/// The feed is built from the store (share/misp MispFeedProducer, all TLPs up to amber+strict for
/// the community, its subscriber policy from [[sharing.community]] or [sharing.stix]) and kept while the
/// store is unchanged, at most `max_age`.

#include "common/duration.h"
#include "share/sharing/sharing_config.h"
#include "store/database.h"
#include "web/router.h"

namespace kansoku::web {

/// Adds the routes; `store` and `sharing` must outlive the router; used from the server's thread only.
/// `sharing.stix` gives the producer identity and the TLP of each kind of data.
void addMispRoutes(Router& router, store::Database& store, const share::SharingConfig& sharing,
                   Duration max_age = Duration::fromMinutes(5));

} // namespace kansoku::web
