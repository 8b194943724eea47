#pragma once

/// Reads a partner's MISP feed (manifest.json, then `<uuid>.json` per event) into partner indicators
/// (issue 12 item 5: "import of a MISP feed as another source for 4"). Files come through a fetch
/// callback, so the same reader serves a directory and an HTTP feed; indicators go to a sink, so
/// the reader writes nothing itself.
///
/// Attributes kansoku can match its own observations against become PartnerIndicatorRecords:
/// ip-src / ip-dst (and `ip-src|port`, `ip-dst|port`, the address of `domain|ip`) -> ipv4 or ipv4-net
/// (CIDR), domain / hostname (and the name of `domain|ip`) -> domain, sha256 (and `filename|sha256`)
/// -> sha256. Only attributes meant for detection (`to_ids`) and not deleted are taken, the
/// attributes of MISP objects included. The TLP is the attribute's TLP tag, else the event's (the
/// event file's tags, else the manifest's), else the default given; several TLP tags: the strictest.
///
/// Incremental: only events whose manifest timestamp is newer than `since` are fetched; the report's
/// `next_since` is what the next pull should pass. Hostile input is counted and skipped with a
/// reason (wrong types, out-of-range numbers, bad uuids, oversized files, too many attributes),
/// never a crash; only a manifest that cannot be fetched or read, or a sink error, fails the read.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "share/stix/tlp.h"
#include "store/partner_intel_record.h"

namespace kansoku::share::misp {

struct MispFeedLimits {
    size_t max_manifest_bytes = 64u << 20;
    size_t max_events = 100'000; ///< manifest entries read (oldest first); the rest wait for the next pull
    size_t max_event_bytes = 32u << 20;
    size_t max_attributes = 100'000; ///< per event, objects' attributes included
};

struct MispFeedReadOptions {
    std::string feed;                         ///< the [[sharing.feeds]] name put in each record
    stix::Tlp default_tlp = stix::Tlp::Green; ///< for events with no TLP tag
    Timestamp since = 0;                      ///< only events whose manifest timestamp is later (µs)
    MispFeedLimits limits;
};

struct MispFeedReadReport {
    uint64_t events_listed = 0; ///< manifest entries
    uint64_t events_old = 0;    ///< not newer than `since`
    uint64_t events_read = 0;
    uint64_t events_refused = 0;             ///< fetch failed, not JSON, wrong shape, uuid mismatch, too large, limit
    uint64_t attributes = 0;                 ///< attributes looked at
    uint64_t indicators = 0;                 ///< records handed to the sink
    std::map<std::string, uint64_t> skipped; ///< reason -> count (events and attributes)
    Timestamp next_since = 0;                ///< pass as `since` next time (µs)
};

class MispFeedReader {
public:
    /// The text of a file of the feed, by its path relative to the feed's root ("manifest.json",
    /// "<uuid>.json"). It should refuse to return more than the limits allow.
    using Fetch = std::function<Result<std::string>(std::string_view relative_path)>;
    using Sink = std::function<Result<void>(store::PartnerIndicatorRecord&&)>;

    explicit MispFeedReader(MispFeedReadOptions options) : options_(std::move(options)) {}

    /// Reads the feed; fails only when manifest.json cannot be fetched or is not a JSON object of
    /// events, or when the sink fails.
    Result<MispFeedReadReport> read(const Fetch& fetch, const Sink& sink) const;

    /// Reads one event file's text (the manifest said `uuid`, with `manifest_tlp` from its tags, if
    /// any); false when the event was refused (counted in `report`). Fails only when the sink fails.
    Result<bool> readEvent(std::string_view uuid, std::string_view text, std::optional<stix::Tlp> manifest_tlp,
                           MispFeedReadReport& report, const Sink& sink) const;

private:
    MispFeedReadOptions options_;
};

} // namespace kansoku::share::misp
