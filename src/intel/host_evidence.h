#pragma once

/// What the correlator believes about one source address: which rules fired (each with its
/// one-line reason), the family and where it came from, the confidence, first/last seen and a
/// bounded list of evidence references (docs/correlation.md).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intel/correlation_input.h"
#include "store/infected_host_record.h"

namespace kansoku::intel {

/// Why a source is an infected host. The order is the order reasons are listed.
enum class InfectionRule : uint8_t {
    SampleFamily,     ///< a sample it downloaded has a family (YARA, or the sandbox's fingerprint)
    HoneypotDownload, ///< it logged in to a honeypot and downloaded a sample that was stored
    HoneypotLoader,   ///< it logged in to a honeypot and ran a loader (or tried to download)
    ScanProfile,      ///< its darknet scan matches the scan profile of a sandboxed sample with a family
    BotFingerprint,   ///< its darknet probes carry a bot fingerprint (e.g. mirai)
};
constexpr size_t kInfectionRuleCount = 5;

/// The confidence one rule alone gives (0-100); each further rule adds kConfidencePerExtraRule.
int ruleConfidence(InfectionRule rule);
constexpr int kConfidencePerExtraRule = 5;

/// Where a host's family came from; a higher source replaces a lower one, never the reverse.
enum class FamilySource : uint8_t { None, Fingerprint, Sample };

class HostEvidence {
public:
    /// Records that `rule` fired with the reason `make_reason()` returns (called only the first
    /// time: the first reason is kept). True if the rule is new.
    template <typename MakeReason>
    bool addRule(InfectionRule rule, MakeReason&& make_reason) {
        if (has(rule)) {
            return false;
        }
        addReason(rule, make_reason());
        return true;
    }
    bool has(InfectionRule rule) const { return (rules_ & bit(rule)) != 0; }
    /// Takes `family` if `source` ranks above the current family's source. True if it changed.
    bool offerFamily(std::string_view family, FamilySource source);
    /// Adds a reference unless one of the same type and ref is there (its ts is then moved to the
    /// later one); when `max` are held the reference is counted in dropped() instead.
    void addEvidence(std::string_view type, Timestamp ts, std::string_view sensor, std::string_view ref, size_t max);
    /// Widens first/last seen to cover [first, last].
    void seen(Timestamp first, Timestamp last);

    int confidence() const;
    const std::string& family() const { return family_; }
    Timestamp firstSeen() const { return first_seen_; }
    Timestamp lastSeen() const { return last_seen_; }
    uint32_t dropped() const { return dropped_; }
    const std::vector<store::EvidenceRef>& evidence() const { return evidence_; }

    /// The observation part of the store's record (no enrichment; state left at its defaults).
    store::InfectedHostRecord toRecord(const IpAddress& ip) const;

    /// The scan signature last seen from this host (for scan-profile matches of later reports).
    struct ScanSignature {
        uint8_t proto = 0; ///< interned by the correlator; 0: none
        uint8_t tool = 0;
        PortList ports;
    };
    ScanSignature scan;

    // What was last announced (intel.infected_host), so only changes are.
    int announced_confidence = -1;
    std::string announced_family;
    Timestamp announced_last_seen = 0;
    bool queued = false; ///< in the correlator's list of changed hosts

    /// Downloaded samples whose family is not known yet (bounded).
    std::vector<std::string> pending_samples;

private:
    void addReason(InfectionRule rule, std::string reason);
    static uint8_t bit(InfectionRule rule) { return static_cast<uint8_t>(1U << static_cast<unsigned>(rule)); }

    uint8_t rules_ = 0;
    FamilySource family_source_ = FamilySource::None;
    std::string family_ = "unknown";
    std::vector<std::pair<InfectionRule, std::string>> reasons_;
    std::vector<store::EvidenceRef> evidence_;
    uint32_t dropped_ = 0;
    Timestamp first_seen_ = 0;
    Timestamp last_seen_ = 0;
};

} // namespace kansoku::intel
