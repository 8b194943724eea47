// Test helper: puts infected hosts, C2 endpoints, ISPs and feedback into a kansoku database through
// store::IntelStore / TenantStore (the same calls correlation and the ISP API make), so end-to-end
// tests can start `kansoku serve` over known data before correlation exists.
//
// Usage: kansoku_seed_intel DB SEED.json
//   {"hosts": [{"ip", "family", "first_seen", "last_seen", "evidence": ["honeypot.login", ...],
//               optional "asn", "country", "refs": ["tcp/23", ...] (the evidence's refs, in order)}],
//    "c2": [{"kind", "indicator", "port", "family", "first_seen", "last_seen", optional "samples": [SHA-256]}],
//    "isps": [{"name", "lang", "prefixes": [...], optional "asns": [...], "created"}],
//    "feedback": [{"isp", "ip", "state", "ts"}],
//    "events": [{"type", "ts", "sensor", ...fields}]}       times are RFC 3339

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "store/open_database.h"

namespace {

using kansoku::IpAddress;
using kansoku::Timestamp;

Timestamp time(const nlohmann::json& value) {
    const auto parsed = kansoku::parseRfc3339(value.get<std::string>());
    if (!parsed) {
        throw std::runtime_error("bad time " + value.dump());
    }
    return *parsed;
}

IpAddress address(const nlohmann::json& value) {
    const auto parsed = IpAddress::parse(value.get<std::string>());
    if (!parsed) {
        throw std::runtime_error("bad address " + value.dump());
    }
    return *parsed;
}

void check(const kansoku::Result<void>& result) {
    if (!result) {
        throw std::runtime_error(result.error().message);
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DB SEED.json\n", argv[0]);
        return 2;
    }
    try {
        std::ifstream file(argv[2]);
        const auto seed = nlohmann::json::parse(file);
        auto opened = kansoku::store::openDatabase(argv[1], kansoku::store::OpenMode::ReadWriteCreate);
        if (!opened) {
            throw std::runtime_error(opened.error().message);
        }
        auto& store = **opened;
        for (const auto& h : seed.value("hosts", nlohmann::json::array())) {
            kansoku::store::InfectedHostRecord host;
            host.ip = address(h.at("ip"));
            host.family = h.value("family", "unknown");
            host.confidence = h.value("confidence", 90);
            host.first_seen = time(h.at("first_seen"));
            host.last_seen = time(h.at("last_seen"));
            if (h.contains("asn")) {
                host.asn = h.at("asn").get<uint32_t>();
            }
            host.country = h.value("country", "");
            const auto refs = h.value("refs", nlohmann::json::array());
            for (const auto& type : h.value("evidence", nlohmann::json::array())) {
                const size_t i = host.evidence.size();
                host.evidence.push_back({type.get<std::string>(), host.last_seen, "seed-sensor",
                                         i < refs.size() ? refs[i].get<std::string>() : "seed"});
            }
            host.reasons = {"seeded by the test"};
            check(store.upsertInfectedHost(host, host.last_seen));
        }
        for (const auto& c : seed.value("c2", nlohmann::json::array())) {
            kansoku::store::C2Record record;
            record.kind = c.at("kind").get<std::string>();
            record.indicator = c.at("indicator").get<std::string>();
            record.port = c.value("port", 0);
            record.family = c.value("family", "unknown");
            record.samples = c.value("samples", std::vector<std::string>{std::string(64, '0')});
            record.first_seen = time(c.at("first_seen"));
            record.last_seen = time(c.at("last_seen"));
            check(store.upsertC2(record));
        }
        for (const auto& i : seed.value("isps", nlohmann::json::array())) {
            kansoku::store::IspRecord isp;
            isp.name = i.at("name").get<std::string>();
            isp.key_hash = std::string(64, isp.name.empty() ? '0' : 'a') + isp.name; // unique, never a real key
            isp.abuse = "abuse@" + isp.name + ".example";
            isp.lang = i.value("lang", "en");
            for (const auto& prefix : i.value("prefixes", nlohmann::json::array())) {
                auto parsed = kansoku::Prefix::parse(prefix.get<std::string>());
                if (!parsed) {
                    throw std::runtime_error(parsed.error().message);
                }
                isp.scope.prefixes.push_back(*parsed);
            }
            for (const auto& asn : i.value("asns", nlohmann::json::array())) {
                isp.scope.asns.push_back(asn.get<uint32_t>());
            }
            if (i.contains("created")) {
                isp.created = time(i.at("created"));
                isp.key_rotated = isp.created;
            }
            check(store.addIsp(isp));
        }
        for (const auto& f : seed.value("feedback", nlohmann::json::array())) {
            const auto state = kansoku::store::parseHostState(f.at("state").get<std::string>());
            if (!state) {
                throw std::runtime_error("bad state " + f.dump());
            }
            check(store.recordFeedback(
                {f.at("isp").get<std::string>(), address(f.at("ip")), *state, time(f.at("ts")), ""}));
        }
        const auto events = seed.value("events", nlohmann::json::array());
        if (!events.empty()) {
            check(store.begin());
            for (const auto& e : events) {
                kansoku::Event event;
                event.type = e.at("type").get<std::string>();
                event.ts = time(e.at("ts"));
                event.sensor = e.value("sensor", "seed");
                for (const auto& [name, value] : e.items()) {
                    if (name != "type" && name != "ts" && name != "sensor") {
                        event.add(name, value);
                    }
                }
                check(store.append(event));
            }
            check(store.commit());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "seed: %s\n", e.what());
        return 1;
    }
    return 0;
}
