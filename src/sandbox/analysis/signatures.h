#pragma once

/// Behaviour signatures over a BehaviourReport (observation + fake network + jail result), each with
/// MITRE ATT&CK technique ids, and the score/verdict rules. README.md lists every signature, its
/// condition and severity.
///
/// Score: the sum of the matched signatures' weights (High 40, Medium 20, Low 10, Info 0), capped at 100.
/// Verdict: malicious at score >= 60 or with two High signatures; suspicious at score >= 20; else clean.

#include <vector>

#include "sandbox/analysis/behaviour_report.h"

namespace kansoku::sandbox {

/// Thresholds of the signatures (documented defaults; tests use them as they are).
struct SignatureThresholds {
    uint64_t scan_min_destinations = 8; ///< distinct SYN destinations for "network_scan"
    uint64_t scan_min_packets = 10;
    uint64_t flood_min_packets = 50; ///< packets to few destinations for "network_flood"
    double flood_min_pps = 20;
    uint64_t flood_max_destinations = 4;
    size_t max_evidence_items = 8; ///< list entries per evidence field
};

int severityWeight(Severity severity);

/// Every signature that matches `report` (its signatures/score/verdict fields are not read).
std::vector<SignatureHit> matchSignatures(const BehaviourReport& report, const SignatureThresholds& thresholds = {});

/// Sets report.signatures, score and verdict.
void applySignatures(BehaviourReport& report, const SignatureThresholds& thresholds = {});

} // namespace kansoku::sandbox
