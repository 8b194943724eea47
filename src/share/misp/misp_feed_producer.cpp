#include "share/misp/misp_feed_producer.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "share/blocklist/indicator_policy.h"
#include "share/misp/misp_tag.h"
#include "share/stix/stix_id.h"
#include "store/database.h"
#include "store/event_body_scan.h"

namespace kansoku::share::misp {
namespace {

constexpr Timestamp kDay = 86'400 * kMicrosPerSecond;

std::string bodyText(const nlohmann::json& body, const char* key) {
    const auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool isHex(const std::string& s, size_t length) {
    return s.size() == length && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool knownFamily(const std::string& family) {
    return !family.empty() && family != "unknown";
}

std::string span(Timestamp first, Timestamp last) {
    return fmt::format("first seen {}, last seen {}", formatRfc3339(first).substr(0, 19) + "Z",
                       formatRfc3339(last).substr(0, 19) + "Z");
}

stix::Tlp tlpOr(std::string_view name, stix::Tlp fallback) {
    return stix::parseTlp(name).value_or(fallback);
}

/// A stored sample, from its latest `sample` event.
struct Sample {
    std::string md5, sha1, file_type;
    Timestamp first_seen = 0, last_seen = 0;
    int64_t count = 1;
    std::string family; ///< "" while unknown
};

/// One produce() call.
class Run {
public:
    Run(store::Database& store, const stix::StixConfig& config, const MispScope& scope,
        const stix::SubscriberAddressMap& addresses, MispCounts& counts)
        : store_(store), config_(config), scope_(scope), addresses_(addresses), counts_(counts),
          ids_(config.identity_name) {}

    Result<std::vector<MispEvent>> run();

private:
    Result<void> scanEvents(std::string_view type, const std::function<void(const nlohmann::json&, Timestamp)>& visit);
    Result<void> loadSamples();
    void addSamples();
    Result<void> addC2();
    Result<void> addHosts();
    Result<void> addOutbreaks();

    /// The event of `key`, made with `make` the first time.
    MispEvent& event(const std::string& key, const std::function<void(MispEvent&)>& make);
    /// Adds an attribute once per event (same type and value: merged, the later timestamp kept).
    void attribute(MispEvent& event, const std::string& key, MispAttribute attribute);
    std::string uuid(std::string_view name) const {
        return stix::formatUuid(stix::uuid5(ids_.producerNamespace(), name));
    }
    MispEvent& familyEvent(const std::string& family);
    MispEvent& unattributedEvent(Timestamp first_seen);

    store::Database& store_;
    const stix::StixConfig& config_;
    const MispScope& scope_;
    const stix::SubscriberAddressMap& addresses_;
    MispCounts& counts_;
    stix::ObjectIds ids_;

    std::map<std::string, Sample> samples_; ///< by SHA-256
    std::vector<store::C2Record> c2_;
    std::map<std::string, MispEvent> events_;                 ///< by key
    std::map<std::string, std::string> event_kind_;           ///< key -> kind
    std::map<std::string, std::map<std::string, size_t>> at_; ///< key -> attribute uuid -> index
};

Result<void> Run::scanEvents(std::string_view type,
                             const std::function<void(const nlohmann::json& body, Timestamp ts)>& visit) {
    return store::forEachEventBody(store_, type, scope_.since, visit);
}

MispEvent& Run::event(const std::string& key, const std::function<void(MispEvent&)>& make) {
    auto it = events_.find(key);
    if (it == events_.end()) {
        MispEvent e;
        e.uuid = uuid("misp-event|" + key);
        make(e);
        it = events_.emplace(key, std::move(e)).first;
        event_kind_[key] = key.substr(0, key.find('|'));
    }
    return it->second;
}

void Run::attribute(MispEvent& event, const std::string& key, MispAttribute attribute) {
    attribute.uuid = uuid(fmt::format("misp-attribute|{}|{}|{}", key, attribute.type, attribute.value));
    auto& index = at_[key];
    const auto found = index.find(attribute.uuid);
    if (found != index.end()) {
        MispAttribute& held = event.attributes[found->second];
        if (attribute.timestamp > held.timestamp) {
            held = std::move(attribute);
        }
        return;
    }
    index.emplace(attribute.uuid, event.attributes.size());
    event.attributes.push_back(std::move(attribute));
}

MispEvent& Run::familyEvent(const std::string& family) {
    return event("family|" + family, [&](MispEvent& e) {
        e.info = fmt::format("kansoku: malware family {} (samples and C2 infrastructure)", family);
        e.threat_level = ThreatLevel::Medium;
        e.tlp = stix::stricter(tlpOr(config_.tlp_malware, stix::Tlp::Green), tlpOr(config_.tlp_c2, stix::Tlp::Green));
        e.date = INT64_MAX;
        if (const auto cluster = malpediaCluster(family)) {
            e.tags.push_back(galaxyTagName(*cluster));
        }
    });
}

MispEvent& Run::unattributedEvent(Timestamp first_seen) {
    const Timestamp day = first_seen - first_seen % kDay;
    return event("unattributed|" + mispDate(day), [&](MispEvent& e) {
        e.info =
            fmt::format("kansoku: malware samples and C2 endpoints of no known family, first seen {}", mispDate(day));
        e.threat_level = ThreatLevel::Medium;
        e.tlp = stix::stricter(tlpOr(config_.tlp_malware, stix::Tlp::Green), tlpOr(config_.tlp_c2, stix::Tlp::Green));
        e.date = day;
    });
}

Result<void> Run::loadSamples() {
    return scanEvents("sample", [this](const nlohmann::json& body, Timestamp ts) {
        const std::string sha256 = bodyText(body, "sha256");
        if (!isHex(sha256, 64)) {
            return;
        }
        Sample& sample = samples_[sha256];
        if (const std::string md5 = bodyText(body, "md5"); isHex(md5, 32)) {
            sample.md5 = md5;
        }
        if (const std::string sha1 = bodyText(body, "sha1"); isHex(sha1, 40)) {
            sample.sha1 = sha1;
        }
        sample.file_type = bodyText(body, "file_type").substr(0, 120);
        sample.first_seen = parseRfc3339(bodyText(body, "first_seen")).value_or(ts);
        sample.last_seen = std::max(parseRfc3339(bodyText(body, "last_seen")).value_or(ts), sample.first_seen);
        const auto count = body.find("count");
        sample.count =
            count != body.end() && count->is_number_integer() ? std::max<int64_t>(count->get<int64_t>(), 1) : 1;
    });
}

void Run::addSamples() {
    for (const auto& [sha256, sample] : samples_) {
        const bool family = !sample.family.empty();
        const std::string key = family ? "family|" + sample.family
                                       : "unattributed|" + mispDate(sample.first_seen - sample.first_seen % kDay);
        MispEvent& e = family ? familyEvent(sample.family) : unattributedEvent(sample.first_seen);
        e.date = std::min(e.date, sample.first_seen - sample.first_seen % kDay);
        const std::string comment = fmt::format("Sample collected by kansoku's honeypots ({} times{}); {}",
                                                sample.count, sample.file_type.empty() ? "" : ", " + sample.file_type,
                                                span(sample.first_seen, sample.last_seen));
        attribute(e, key, {"", "sha256", "Payload delivery", sha256, true, comment, sample.last_seen});
        if (!sample.md5.empty()) {
            attribute(e, key, {"", "md5", "Payload delivery", sample.md5, true, comment, sample.last_seen});
        }
        if (!sample.sha1.empty()) {
            attribute(e, key, {"", "sha1", "Payload delivery", sample.sha1, true, comment, sample.last_seen});
        }
    }
}

Result<void> Run::addC2() {
    for (const store::C2Record& record : c2_) {
        MispAttribute a;
        a.category = "Network activity";
        a.to_ids = true;
        if (record.kind == "ip") {
            const auto address = IpAddress::parse(record.indicator);
            if (!address || blocklist::unlistableAddress(*address)) {
                ++counts_.c2_refused;
                continue;
            }
            a.type = record.port != 0 ? "ip-dst|port" : "ip-dst";
            a.value = record.port != 0 ? fmt::format("{}|{}", address->toString(), record.port) : address->toString();
        } else {
            auto domain = record.kind == "domain" ? blocklist::listableDomain(record.indicator) : std::nullopt;
            if (!domain) {
                ++counts_.c2_refused;
                continue;
            }
            a.type = "domain";
            a.value = std::move(*domain);
        }
        const Timestamp last = std::max(record.first_seen, record.last_seen);
        a.timestamp = last;
        a.comment = fmt::format("Command-and-control endpoint{} contacted by {} sandboxed sample(s); {}",
                                knownFamily(record.family) ? " of " + record.family : "", record.samples.size(),
                                span(record.first_seen, last));
        const bool family = knownFamily(record.family);
        const std::string key = family ? "family|" + record.family
                                       : "unattributed|" + mispDate(record.first_seen - record.first_seen % kDay);
        MispEvent& e = family ? familyEvent(record.family) : unattributedEvent(record.first_seen);
        e.date = std::min(e.date, record.first_seen - record.first_seen % kDay);
        attribute(e, key, std::move(a));
    }
    return {};
}

Result<void> Run::addHosts() {
    store::HostQuery query;
    if (scope_.since > 0) {
        query.seen_since = scope_.since;
    }
    query.evidence = false;
    auto hosts = store_.infectedHosts(query);
    KANSOKU_TRY(hosts);
    if (addresses_.policy() == stix::SubscriberPolicy::Withhold) {
        counts_.hosts_withheld += hosts->size();
        return {};
    }
    const bool pseudonyms = addresses_.policy() == stix::SubscriberPolicy::Pseudonymise;
    const stix::Tlp tlp = tlpOr(config_.tlp_hosts, stix::Tlp::Amber);
    for (const store::InfectedHostRecord& host : *hosts) {
        auto value = addresses_.map(host.ip);
        if (!value) {
            ++counts_.hosts_withheld;
            continue;
        }
        const Timestamp day = host.first_seen - host.first_seen % kDay;
        const std::string key = "hosts|" + mispDate(day);
        MispEvent& e = event(key, [&](MispEvent& made) {
            made.info = fmt::format("kansoku: infected hosts first seen {} ({})", mispDate(day),
                                    pseudonyms ? "Crypto-PAn pseudonyms, not real addresses"
                                               : "aggregated to their /24 or /48");
            made.threat_level = ThreatLevel::Low;
            made.tlp = tlp;
            made.date = day;
        });
        const Timestamp last = std::max(host.first_seen, host.last_seen);
        // Never for IDS use: a pseudonym is nobody's address, and a /24 holds many innocent subscribers.
        attribute(
            e, key,
            {"", "ip-src", "Network activity", *value, false,
             fmt::format("{}{}; {}", pseudonyms ? "Pseudonym of an infected subscriber" : "Infected subscriber(s)",
                         knownFamily(host.family) ? " (" + host.family + ")" : "", span(host.first_seen, last)),
             last});
    }
    return {};
}

Result<void> Run::addOutbreaks() {
    const stix::Tlp tlp = tlpOr(config_.tlp_statistics, stix::Tlp::Green);
    return scanEvents("alert", [&](const nlohmann::json& body, Timestamp ts) {
        const auto details = body.find("details");
        if (bodyText(body, "kind") != "darknet.outbreak" || details == body.end() || !details->is_object()) {
            return;
        }
        const std::string proto = bodyText(*details, "proto");
        const auto port_it = details->find("port");
        const int64_t port = port_it != details->end() && port_it->is_number_integer() ? port_it->get<int64_t>() : -1;
        const auto start = parseRfc3339(bodyText(*details, "interval_start"));
        const auto end = parseRfc3339(bodyText(*details, "interval_end"));
        if ((proto != "tcp" && proto != "udp") || port < 0 || port > 65535 || !start || !end || *end <= *start) {
            return;
        }
        const std::string subject = fmt::format("{}/{}", proto, port);
        const std::string severity = bodyText(body, "severity");
        const std::string key = fmt::format("outbreak|{}|{}", subject, formatRfc3339(*start));
        MispEvent& e = event(key, [&](MispEvent& made) {
            made.info = fmt::format("kansoku: darknet outbreak on {}{}", subject,
                                    severity.empty() ? "" : " (" + severity + ")");
            made.threat_level = severity == "critical" || severity == "high"    ? ThreatLevel::High
                                : severity == "medium" || severity == "warning" ? ThreatLevel::Medium
                                                                                : ThreatLevel::Low;
            made.analysis = Analysis::Completed;
            made.tlp = tlp;
            made.date = *start;
            made.stamp = ts;
        });
        const auto number = [&](const char* name) {
            const auto it = details->find(name);
            return it != details->end() && it->is_number() ? it->dump() : std::string("0");
        };
        const std::string text = fmt::format(
            "Distinct sources probing {} per minute on kansoku's darknet rose above the port's baseline ({} "
            "rule): {} source-minutes and {} packets between {} and {}, baseline mean {}, ratio {}.",
            subject, bodyText(*details, "rule"), number("source_minutes"), number("packets"), formatRfc3339(*start),
            formatRfc3339(*end), number("baseline_mean"), number("ratio"));
        attribute(e, key,
                  {"", "port", "Network activity", std::to_string(port), false,
                   fmt::format("Destination port ({}) the outbreak probes", proto), ts});
        attribute(e, key, {"", "text", "Other", text, false, "What the darknet saw", ts});
    });
}

Result<std::vector<MispEvent>> Run::run() {
    KANSOKU_TRY(loadSamples());
    auto records = store_.c2Records(scope_.since > 0 ? std::optional<Timestamp>(scope_.since) : std::nullopt);
    KANSOKU_TRY(records);
    c2_ = std::move(*records);
    for (const store::C2Record& record : c2_) {
        if (!knownFamily(record.family)) {
            continue;
        }
        for (const std::string& sha256 : record.samples) {
            const auto sample = samples_.find(sha256);
            if (sample != samples_.end() && sample->second.family.empty()) {
                sample->second.family = record.family;
            }
        }
    }
    addSamples();
    KANSOKU_TRY(addC2());
    KANSOKU_TRY(addHosts());
    KANSOKU_TRY(addOutbreaks());

    std::vector<MispEvent> out;
    for (auto& [key, e] : events_) {
        const bool strict_without_community = e.tlp == stix::Tlp::AmberStrict && scope_.community.empty();
        if (!stix::tlpAllows(scope_.ceiling, e.tlp) || strict_without_community || e.attributes.empty()) {
            counts_.above_ceiling += e.attributes.empty() ? 0 : 1;
            continue;
        }
        ++counts_.events_by_kind[event_kind_[key]];
        counts_.attributes += e.attributes.size();
        std::sort(e.attributes.begin(), e.attributes.end(),
                  [](const MispAttribute& a, const MispAttribute& b) { return a.uuid < b.uuid; });
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const MispEvent& a, const MispEvent& b) { return a.uuid < b.uuid; });
    return out;
}

} // namespace

MispFeedProducer::MispFeedProducer(store::Database& store, stix::StixConfig config)
    : store_(store), config_(std::move(config)) {
    const stix::ObjectIds ids(config_.identity_name);
    org_.name = config_.identity_name;
    // The STIX identity's uuid: the same producer under both formats.
    const std::string identity = ids.id("identity", "identity|producer");
    org_.uuid = identity.substr(identity.find("--") + 2);
}

Result<std::vector<MispEvent>> MispFeedProducer::produce(const MispScope& scope) {
    counts_ = {};
    auto addresses = stix::SubscriberAddressMap::create(scope.subscribers, scope.pseudonym_key);
    KANSOKU_TRY(addresses);
    Run run(store_, config_, scope, *addresses, counts_);
    return run.run();
}

} // namespace kansoku::share::misp
