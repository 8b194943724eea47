#include "intel/host_evidence.h"

#include <algorithm>

namespace kansoku::intel {

int ruleConfidence(InfectionRule rule) {
    switch (rule) {
    case InfectionRule::SampleFamily:
        return 90;
    case InfectionRule::HoneypotDownload:
        return 80;
    case InfectionRule::HoneypotLoader:
    case InfectionRule::ScanProfile:
        return 70;
    case InfectionRule::BotFingerprint:
        return 60;
    }
    return 0;
}

void HostEvidence::addReason(InfectionRule rule, std::string reason) {
    rules_ |= bit(rule);
    const auto at = std::find_if(reasons_.begin(), reasons_.end(), [&](const auto& r) { return r.first > rule; });
    reasons_.emplace(at, rule, std::move(reason));
}

bool HostEvidence::offerFamily(std::string_view family, FamilySource source) {
    if (source <= family_source_ || family.empty()) {
        return false;
    }
    family_source_ = source;
    const bool changed = family_ != family;
    family_ = std::string(family);
    return changed;
}

void HostEvidence::addEvidence(std::string_view type, Timestamp ts, std::string_view sensor, std::string_view ref,
                               size_t max) {
    for (store::EvidenceRef& held : evidence_) {
        if (held.type == type && held.ref == ref) {
            held.ts = std::max(held.ts, ts);
            return;
        }
    }
    if (evidence_.size() >= max) {
        ++dropped_;
        return;
    }
    evidence_.push_back({std::string(type), ts, std::string(sensor), std::string(ref)});
}

void HostEvidence::seen(Timestamp first, Timestamp last) {
    if (first_seen_ == 0 || first < first_seen_) {
        first_seen_ = first;
    }
    last_seen_ = std::max(last_seen_, last);
}

int HostEvidence::confidence() const {
    int best = 0;
    int fired = 0;
    for (size_t i = 0; i < kInfectionRuleCount; ++i) {
        const auto rule = static_cast<InfectionRule>(i);
        if (has(rule)) {
            best = std::max(best, ruleConfidence(rule));
            ++fired;
        }
    }
    return fired == 0 ? 0 : std::min(100, best + kConfidencePerExtraRule * (fired - 1));
}

store::InfectedHostRecord HostEvidence::toRecord(const IpAddress& ip) const {
    store::InfectedHostRecord record;
    record.ip = ip;
    record.family = family_;
    record.confidence = confidence();
    for (const auto& [rule, reason] : reasons_) {
        record.reasons.push_back(reason);
    }
    record.evidence = evidence_;
    record.first_seen = first_seen_;
    record.last_seen = last_seen_;
    return record;
}

} // namespace kansoku::intel
