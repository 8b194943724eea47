#pragma once

/// Where correlation's results and the response loop's state are kept: infected hosts, C2
/// endpoints, ISP feedback. SqliteStore implements it (sqlite_store_intel.cpp). Calls outside a
/// Store::begin() transaction commit one by one.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/infected_host_record.h"

namespace kansoku::store {

/// Sees one infected host of a walk; returns false to end it.
using HostVisitor = std::function<bool(const InfectedHostRecord&)>;

class IntelStore {
public:
    virtual ~IntelStore() = default;

    /// Inserts or updates the host's observation (everything up to `updated`): first_seen keeps the
    /// earlier, last_seen the later time, the rest is replaced. The state columns of `record` are
    /// ignored; a Remediated host whose new last_seen is after its remediation becomes Reinfected.
    /// `now` becomes the row's `updated`.
    virtual Result<void> upsertInfectedHost(const InfectedHostRecord& record, Timestamp now) = 0;
    virtual Result<std::optional<InfectedHostRecord>> infectedHost(const IpAddress& ip) = 0;
    virtual Result<std::vector<InfectedHostRecord>> infectedHosts(const HostQuery& query) = 0;
    /// Calls `visit` with each host `query` selects, in its order, without collecting them: the
    /// record passed is reused for the next row, so read what you need before returning. `visit`
    /// returns false to stop early.
    virtual Result<void> forEachInfectedHost(const HostQuery& query, const HostVisitor& visit) = 0;

    /// Inserts or merges (samples united, times widened, family replaced unless "unknown").
    virtual Result<void> upsertC2(const C2Record& record) = 0;
    /// C2 endpoints last seen at or after `seen_since` (all when nullopt), by kind then indicator.
    virtual Result<std::vector<C2Record>> c2Records(std::optional<Timestamp> seen_since) = 0;

    /// Appends the statement and moves the host to its state (Notified sets notified_at,
    /// Remediated sets remediated_at, each the first time). Fails when the host is unknown.
    virtual Result<void> recordFeedback(const FeedbackRecord& feedback) = 0;
    /// Statements in the order received; of one ISP when `isp` is set.
    virtual Result<std::vector<FeedbackRecord>> feedback(std::optional<std::string> isp) = 0;

    /// Gives the host a notice token valid until `expires` (replacing an earlier one).
    virtual Result<void> setNoticeToken(const IpAddress& ip, std::string_view token, Timestamp expires) = 0;
    /// The host whose notice token is `token` and has not expired at `now`.
    virtual Result<std::optional<InfectedHostRecord>> hostByNoticeToken(std::string_view token, Timestamp now) = 0;
};

} // namespace kansoku::store
