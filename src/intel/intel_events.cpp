#include "intel/intel_events.h"

namespace kansoku::intel {
namespace {

nlohmann::ordered_json labelsJson(const std::vector<store::PartnerLabel>& labels) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& l : labels) {
        out.push_back({{"feed", l.feed}, {"indicator_id", l.indicator_id}, {"name", l.name}, {"tlp", l.tlp}});
    }
    return out;
}

} // namespace

Event infectedHostEvent(const store::InfectedHostRecord& host, const std::string& sensor) {
    using Json = nlohmann::ordered_json;
    Event event;
    event.type = "intel.infected_host";
    event.ts = host.last_seen;
    event.sensor = sensor;
    event.reserveFields(11);
    event.add("ip", host.ip.toString());
    event.add("asn", host.asn ? Json(*host.asn) : Json(nullptr));
    event.add("as_name", host.asn ? Json(host.as_name) : Json(nullptr));
    event.add("country", host.country.empty() ? Json(nullptr) : Json(host.country));
    event.add("family", host.family);
    event.add("confidence", host.confidence);
    event.add("reasons", host.reasons);
    Json evidence = Json::array();
    for (const store::EvidenceRef& e : host.evidence) {
        evidence.push_back({{"type", e.type}, {"ts", formatRfc3339(e.ts)}, {"sensor", e.sensor}, {"ref", e.ref}});
    }
    event.add("evidence", std::move(evidence));
    event.add("first_seen", formatRfc3339(host.first_seen));
    event.add("last_seen", formatRfc3339(host.last_seen));
    if (!host.partner_intel.empty()) {
        event.add("partner_intel", labelsJson(host.partner_intel));
    }
    return event;
}

Event c2Event(const store::C2Record& c2, const std::string& sensor) {
    Event event;
    event.type = "intel.c2";
    event.ts = c2.last_seen;
    event.sensor = sensor;
    event.reserveFields(7);
    event.add("kind", c2.kind);
    event.add("indicator", c2.indicator);
    event.add("port", c2.port);
    event.add("family", c2.family);
    event.add("samples", c2.samples);
    event.add("first_seen", formatRfc3339(c2.first_seen));
    event.add("last_seen", formatRfc3339(c2.last_seen));
    if (!c2.partner_intel.empty()) {
        event.add("partner_intel", labelsJson(c2.partner_intel));
    }
    return event;
}

Event partnerSightingEvent(const store::PartnerSightingRecord& sighting, const std::string& sensor) {
    Event event;
    event.type = "intel.partner_sighting";
    event.ts = sighting.last_seen;
    event.sensor = sensor;
    event.reserveFields(7);
    event.add("feed", sighting.feed);
    event.add("indicator_id", sighting.indicator_id);
    event.add("observed_as", sighting.observed_as);
    event.add("count", sighting.count);
    event.add("first_seen", formatRfc3339(sighting.first_seen));
    event.add("last_seen", formatRfc3339(sighting.last_seen));
    event.add("tlp", sighting.tlp);
    return event;
}

} // namespace kansoku::intel
