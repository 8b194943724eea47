#pragma once

/// Correlation into infected hosts (issue 11 item 2, docs/correlation.md): consumes kansoku events
/// in the order they happened and decides which source addresses are infected hosts, with which
/// family and confidence, and which addresses and domains are C2 endpoints.
///
///   honeypot     a successful login followed, in the same session, by a loader command or a
///                download; the family of the downloaded sample (YARA, or the sandbox's fingerprint)
///   darknet      scan probes carrying a bot fingerprint (`bot_tools`, e.g. mirai)
///   macro-micro  a scan whose proto, tool and ports match the scan profile of a sandboxed sample
///                whose family is known (NICTER's macro-micro correlation)
///   never        benign-listed sources, spoofed records, reflector-attack victims (their address
///                was spoofed), general-purpose scanners (`scanner_tools`: nmap, zmap, masscan)
///
/// Memory is bounded by [intel.correlation] max_* (BoundedMap: least recently used entries go
/// first, counted). Events are hostile input: malformed ones are counted and ignored; nothing throws.
/// Not thread-safe: one thread feeds it and takes its updates.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/address_labeler.h"
#include "common/event.h"
#include "intel/bounded_map.h"
#include "intel/correlation_config.h"
#include "intel/correlation_input.h"
#include "intel/host_evidence.h"
#include "store/infected_host_record.h"

namespace kansoku::intel {

class Enricher;
class PartnerIntel;

struct CorrelatorCounters {
    uint64_t events = 0;          ///< events of a type the correlator reads
    uint64_t malformed = 0;       ///< of those, ignored: a needed field missing or of the wrong type
    uint64_t refused_benign = 0;  ///< evidence from benign-listed sources
    uint64_t refused_spoofed = 0; ///< spoofed scan records
    uint64_t refused_victim = 0;  ///< evidence from reflector-attack victims
    uint64_t refused_scanner = 0; ///< scan records of general-purpose scanners
    uint64_t retracted = 0;       ///< hosts dropped from memory when their source turned out benign or a victim
    uint64_t hosts = 0;           ///< infected hosts in memory
    uint64_t evicted_hosts = 0;
    uint64_t evicted_scan_sources = 0;
    uint64_t evicted_sessions = 0;
    uint64_t evicted_samples = 0;
    uint64_t evidence_dropped = 0; ///< evidence references over max_evidence
    uint64_t partner_matches = 0;  ///< observations a partner's indicator named
};

/// What changed since the last takeUpdates(): rows to write and events to publish.
struct CorrelationUpdates {
    std::vector<store::InfectedHostRecord> hosts; ///< each to upsert
    std::vector<bool> announce;                   ///< per host: also publish intel.infected_host
    std::vector<store::C2Record> c2;              ///< each to upsert and publish as intel.c2
    /// Partners' indicators kansoku saw since the last call (counts to add), each also an
    /// intel.partner_sighting event.
    std::vector<store::PartnerSightingRecord> sightings;
    bool empty() const { return hosts.empty() && c2.empty() && sightings.empty(); }
};

class Correlator {
public:
    /// `enricher` (AS, country of each host) and `benign` (the warning lists, applied to every
    /// source, not only darknet records that carry `benign`) are optional and must outlive it.
    explicit Correlator(CorrelationConfig config, const Enricher* enricher = nullptr,
                        const AddressLabeler* benign = nullptr);
    ~Correlator();
    Correlator(const Correlator&) = delete;
    Correlator& operator=(const Correlator&) = delete;

    /// Takes one event; types it does not read are ignored (not counted).
    void observe(const Event& event) { observe(event.type, event.ts, event.sensor, event.fields); }
    void observe(std::string_view type, Timestamp ts, std::string_view sensor, const EventFields& fields);

    /// Partners' indicators to match (issue 12 item 4): a darknet scan source, honeypot client, sandbox
    /// C2 or sample that one names is a sighting of it, and infected hosts and C2 records carry its
    /// label (`partner_intel`). The index is taken again at each takeUpdates(). Must outlive the correlator.
    void setPartnerIntel(const PartnerIntel* partners);

    /// Says that every sample and sandbox report has been observed (stored correlation reads them
    /// first): scan profiles are complete, so scan sources without a verdict need not be kept for
    /// later matches (saves a hash insert per scan and max_scan_sources of memory).
    void profilesComplete();

    /// Whether observe() reads events of `type`.
    static bool reads(std::string_view type);
    /// The types it reads, those whose order matters last (sample and sandbox.report first).
    static const std::vector<std::string>& inputTypes();

    /// The hosts and C2 endpoints that changed since the last call. A host is announced when it is
    /// new, its family or confidence changed, or its last_seen moved refresh_interval past the
    /// last announcement.
    CorrelationUpdates takeUpdates();

    /// The host as believed now (no enrichment), if it is an infected host in memory.
    std::optional<store::InfectedHostRecord> host(const IpAddress& ip);

    CorrelatorCounters counters() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace kansoku::intel
