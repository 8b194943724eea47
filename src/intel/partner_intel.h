#pragma once

/// Partners' indicators as kansoku matches its own observations against them (issue 12 item 4): a
/// darknet source, honeypot attacker, sandbox C2 or sample that a partner reported is labelled with the
/// partner's indicator, and each match is a sighting shared back. `PartnerIndex` is an immutable index
/// of the store's partner_indicators (addresses and networks, domains, SHA-256); `PartnerIntel` holds
/// the current one and swaps in a new one whole after a pull (readers keep the one they took).

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ip_address.h"
#include "common/prefix.h"
#include "common/result.h"
#include "store/partner_intel_record.h"

namespace kansoku::store {
class PartnerIntelStore;
}

namespace kansoku::intel {

class PartnerIndex {
public:
    using Matches = std::vector<const store::PartnerIndicatorRecord*>;

    PartnerIndex() = default;
    explicit PartnerIndex(std::vector<store::PartnerIndicatorRecord> values);

    /// Appends to `out` the indicators naming `ip`: its address or a network holding it.
    void matchAddress(const IpAddress& ip, Matches& out) const;
    /// Appends the indicators naming `domain` (lower case) exactly.
    void matchDomain(std::string_view domain, Matches& out) const;
    /// Appends the indicators naming `sha256` (lower-case hex).
    void matchSha256(std::string_view sha256, Matches& out) const;

    size_t size() const { return values_.size(); }
    bool empty() const { return values_.empty(); }

private:
    std::vector<store::PartnerIndicatorRecord> values_;
    std::unordered_multimap<uint32_t, uint32_t> addresses_; ///< IPv4 (host order) -> index in values_
    std::vector<std::pair<Prefix, uint32_t>> networks_;
    std::unordered_multimap<std::string, uint32_t> strings_; ///< "d:<domain>", "h:<sha256>"
};

class PartnerIntel {
public:
    PartnerIntel() : current_(std::make_shared<const PartnerIndex>()) {}

    std::shared_ptr<const PartnerIndex> snapshot() const { return current_.load(); }
    void replace(std::shared_ptr<const PartnerIndex> index) { current_.store(std::move(index)); }
    /// Rebuilds the index from what the store holds, valid at `now`; the number of values.
    Result<size_t> reload(store::PartnerIntelStore& store, Timestamp now);

private:
    std::atomic<std::shared_ptr<const PartnerIndex>> current_;
};

/// Labels for `matches`, one per indicator (an indicator naming the address twice counts once).
std::vector<store::PartnerLabel> partnerLabels(const PartnerIndex::Matches& matches);

} // namespace kansoku::intel
