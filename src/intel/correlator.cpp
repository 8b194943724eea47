#include "intel/correlator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "intel/enricher.h"
#include "intel/partner_intel.h"

namespace kansoku::intel {
namespace {

struct AddressHash {
    size_t operator()(const IpAddress& a) const { return mixHash(a.hi() ^ mixHash(a.lo())); }
};

/// A honeypot session: (sensor, session id) -> the source that logged in.
struct SessionKey {
    std::string sensor;
    std::string session;
    bool operator==(const SessionKey&) const = default;
};
struct SessionKeyHash {
    size_t operator()(const SessionKey& k) const {
        return std::hash<std::string>()(k.session) ^ (std::hash<std::string>()(k.sensor) * 31);
    }
};
struct Session {
    IpAddress src;
    std::string protocol;
    Timestamp login_ts = 0;
};

/// A scan source without a verdict yet, kept for profile matches of later sandbox reports.
struct ScanSource {
    HostEvidence::ScanSignature signature;
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
    Timestamp ts = 0;
    uint16_t sensor = 0;
};

/// What is known about one sample.
struct Sample {
    std::string family;           ///< "" while unknown
    std::string family_why;       ///< "YARA rule mirai_table_xor22"
    std::vector<IpAddress> hosts; ///< hosts that downloaded it while its family was unknown (bounded)
    int profile = -1;             ///< its scan profile (index into profiles), if it scanned
};
constexpr size_t kMaxPendingHostsPerSample = 1024;
constexpr size_t kMaxPendingSamplesPerHost = 4;
constexpr size_t kMaxInterned = 250; // distinct protos, tools, sensors (then "other")

/// A sandboxed sample's scan, in darknet.scan's terms.
struct Profile {
    HostEvidence::ScanSignature signature;
    std::string sha256;
    std::string family; ///< "" until the sample's family is known
    Timestamp ts = 0;
    std::string sensor;
};

struct C2Key {
    std::string kind;
    std::string indicator;
    uint16_t port = 0;
    bool operator==(const C2Key&) const = default;
};
struct C2KeyHash {
    size_t operator()(const C2Key& k) const { return std::hash<std::string>()(k.indicator) ^ (size_t{k.port} << 1); }
};
struct C2Entry {
    store::C2Record record;
    bool queued = false;
};
constexpr size_t kMaxSamplesPerC2 = 16;

bool sameSignature(const HostEvidence::ScanSignature& a, const HostEvidence::ScanSignature& b) {
    return a.proto == b.proto && a.tool == b.tool && a.ports.count == b.ports.count &&
           std::equal(a.ports.ports.begin(), a.ports.ports.begin() + a.ports.count, b.ports.ports.begin());
}

/// The scan `source` matches `profile`: same proto and tool, same most-probed port, and every port
/// the source probed is one the sample probed.
bool matches(const HostEvidence::ScanSignature& source, const HostEvidence::ScanSignature& profile) {
    return source.proto == profile.proto && source.tool == profile.tool && !source.ports.empty() &&
           !profile.ports.empty() && source.ports.top() == profile.ports.top() && source.ports.subsetOf(profile.ports);
}

std::string shortSha(std::string_view sha) {
    return std::string(sha.substr(0, 12));
}

/// A DNS name usable as a blocklist entry: letters, digits, '-', '_', '.', at most 253 characters.
std::optional<std::string> domainName(std::string_view qname) {
    if (!qname.empty() && qname.back() == '.') {
        qname.remove_suffix(1);
    }
    if (qname.empty() || qname.size() > 253 || qname.front() == '.') {
        return std::nullopt;
    }
    std::string out;
    out.reserve(qname.size());
    for (const char c : qname) {
        const auto u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.')) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(std::tolower(u)));
    }
    return out;
}

} // namespace

struct Correlator::Impl {
    Impl(CorrelationConfig c, const Enricher* e, const AddressLabeler* b)
        : config(std::move(c)), enricher(e), benign_labels(b), hosts(static_cast<size_t>(config.max_hosts)),
          scan_sources(static_cast<size_t>(config.max_scan_sources)),
          excluded(static_cast<size_t>(config.max_scan_sources)), sessions(static_cast<size_t>(config.max_sessions)),
          samples(static_cast<size_t>(config.max_samples)), c2(static_cast<size_t>(config.max_samples)) {
        interned.push_back(""); // id 0: none
        for (const std::string& tool : config.bot_tools) {
            bot_tools.insert(tool);
        }
        for (const std::string& tool : config.scanner_tools) {
            scanner_tools.insert(tool);
        }
        for (const std::string& command : config.loader_commands) {
            loader_commands.insert(command);
        }
        for (const std::string& word : config.yara_non_family) {
            yara_non_family.insert(word);
        }
    }

    // ---- interning (protos, tools, sensors share one small table) ----
    uint8_t intern(std::string_view name) {
        if (auto it = intern_ids.find(std::string(name)); it != intern_ids.end()) {
            return it->second;
        }
        if (interned.size() >= kMaxInterned) {
            return static_cast<uint8_t>(kMaxInterned); // "other": never equal to a real id
        }
        const auto id = static_cast<uint8_t>(interned.size());
        interned.emplace_back(name);
        intern_ids.emplace(std::string(name), id);
        return id;
    }
    const std::string& name(uint16_t id) const {
        static const std::string other = "other";
        return id < interned.size() ? interned[id] : other;
    }
    std::string_view toolName(const HostEvidence::ScanSignature& s) const { return name(s.tool); }

    // ---- exclusion ----
    /// Why `ip` may never be an infected host, if it may not.
    bool refused(const IpAddress& ip) {
        if (const uint8_t* why = excluded.find(ip)) {
            ++(*why == kBenign ? counters.refused_benign : counters.refused_victim);
            return true;
        }
        if (benign_labels != nullptr && benign_labels->label(ip)) {
            exclude(ip, kBenign);
            ++counters.refused_benign;
            return true;
        }
        return false;
    }
    void exclude(const IpAddress& ip, uint8_t why) {
        excluded.findOrCreate(ip) = why;
        scan_sources.erase(ip);
        if (hosts.erase(ip)) {
            ++counters.retracted;
        }
    }

    // ---- hosts ----
    HostEvidence& host(const IpAddress& ip) { return hosts.findOrCreate(ip); }
    void changed(const IpAddress& ip, HostEvidence& h) {
        if (!h.queued) {
            h.queued = true;
            dirty_hosts.push_back(ip);
        }
    }
    void evidence(HostEvidence& h, std::string_view type, Timestamp ts, std::string_view sensor, std::string_view ref) {
        const uint32_t before = h.dropped();
        h.addEvidence(type, ts, sensor, ref, static_cast<size_t>(config.max_evidence));
        counters.evidence_dropped += h.dropped() - before;
    }

    /// The sample's family reaches a host that downloaded it.
    void applySampleFamily(const IpAddress& ip, HostEvidence& h, const std::string& sha, const Sample& sample) {
        h.addRule(InfectionRule::SampleFamily, [&] {
            return fmt::format("downloaded sample {} is {} ({})", shortSha(sha), sample.family, sample.family_why);
        });
        h.offerFamily(sample.family, FamilySource::Sample);
        std::erase(h.pending_samples, sha);
        changed(ip, h);
    }
    void linkSample(const IpAddress& ip, HostEvidence& h, const std::string& sha) {
        Sample& sample = samples.findOrCreate(sha);
        if (!sample.family.empty()) {
            applySampleFamily(ip, h, sha, sample);
            return;
        }
        if (std::find(h.pending_samples.begin(), h.pending_samples.end(), sha) == h.pending_samples.end() &&
            h.pending_samples.size() < kMaxPendingSamplesPerHost) {
            h.pending_samples.push_back(sha);
        }
        if (sample.hosts.size() < kMaxPendingHostsPerSample &&
            std::find(sample.hosts.begin(), sample.hosts.end(), ip) == sample.hosts.end()) {
            sample.hosts.push_back(ip);
        }
    }
    /// A sample's family just became known: the hosts waiting for it and its scan profile.
    void familyLearned(const std::string& sha, Sample& sample) {
        const std::vector<IpAddress> waiting = std::move(sample.hosts);
        sample.hosts.clear();
        for (const IpAddress& ip : waiting) {
            if (HostEvidence* h = hosts.find(ip)) {
                if (std::find(h->pending_samples.begin(), h->pending_samples.end(), sha) != h->pending_samples.end()) {
                    applySampleFamily(ip, *h, sha, sample);
                }
            }
        }
        if (sample.profile >= 0 && profiles[sample.profile].family.empty()) {
            profiles[sample.profile].family = sample.family;
            rescan(profiles[sample.profile]);
        }
    }

    std::string yaraFamily(const std::vector<std::string>& rules, std::string* rule_out) const {
        for (const std::string& rule : rules) {
            std::string word = rule.substr(0, rule.find('_'));
            std::transform(word.begin(), word.end(), word.begin(),
                           [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
            if (!word.empty() && word.size() <= 32 && !yara_non_family.contains(word)) {
                *rule_out = rule.substr(0, 64);
                return word;
            }
        }
        return {};
    }

    // ---- scan profiles ----
    const Profile* matchingProfile(const HostEvidence::ScanSignature& s) const {
        if (s.ports.empty()) {
            return nullptr;
        }
        const auto it = profile_index.find(profileKey(s.proto, s.tool, s.ports.top()));
        if (it == profile_index.end()) {
            return nullptr;
        }
        for (const int i : it->second) {
            if (!profiles[i].family.empty() && matches(s, profiles[i].signature)) {
                return &profiles[i];
            }
        }
        return nullptr;
    }
    static uint32_t profileKey(uint8_t proto, uint8_t tool, uint16_t port) {
        return (uint32_t{proto} << 24) | (uint32_t{tool} << 16) | port;
    }
    void profileMatched(const IpAddress& ip, HostEvidence& h, const Profile& p, const HostEvidence::ScanSignature& s) {
        h.addRule(InfectionRule::ScanProfile, [&] {
            return fmt::format(
                "darknet scan ({} ports {}, tool {}) matches the scan profile of sandboxed sample {} ({})",
                name(s.proto), s.ports.toString(), toolName(s), shortSha(p.sha256), p.family);
        });
        h.offerFamily(p.family, FamilySource::Sample);
        evidence(h, "sandbox.report", p.ts, p.sensor, p.sha256);
        changed(ip, h);
    }
    /// A profile just gained a family: the kept scan sources and hosts that match it.
    void rescan(const Profile& p) {
        std::vector<IpAddress> promoted;
        scan_sources.forEach([&](const IpAddress& ip, ScanSource& s) {
            if (matches(s.signature, p.signature)) {
                promoted.push_back(ip);
            }
        });
        for (const IpAddress& ip : promoted) {
            const ScanSource s = *scan_sources.find(ip);
            scan_sources.erase(ip);
            HostEvidence& h = host(ip);
            h.seen(s.first_seen, s.last_seen);
            h.scan = s.signature;
            std::array<char, 48> ref;
            evidence(h, "darknet.scan", s.ts, name(s.sensor), scanRef(s.signature, ref));
            profileMatched(ip, h, p, s.signature);
        }
        std::vector<IpAddress> upgraded;
        hosts.forEach([&](const IpAddress& ip, HostEvidence& h) {
            if (!h.has(InfectionRule::ScanProfile) && matches(h.scan, p.signature)) {
                upgraded.push_back(ip);
            }
        });
        for (const IpAddress& ip : upgraded) {
            HostEvidence& h = *hosts.find(ip);
            profileMatched(ip, h, p, h.scan);
        }
    }
    /// "tcp/23", in `buffer`.
    std::string_view scanRef(const HostEvidence::ScanSignature& s, std::array<char, 48>& buffer) const {
        const auto end =
            fmt::format_to_n(buffer.data(), buffer.size(), "{}/{}", name(s.proto), s.ports.empty() ? 0 : s.ports.top());
        return {buffer.data(), end.out};
    }

    // ---- C2 ----
    void addC2(std::string kind, std::string indicator, uint16_t port, const std::string& sha, const Sample& sample,
               Timestamp ts) {
        C2Key key{std::move(kind), std::move(indicator), port};
        bool created = false;
        C2Entry& entry = c2.findOrCreate(key, &created);
        store::C2Record& r = entry.record;
        bool change = created;
        if (created) {
            r.kind = key.kind;
            r.indicator = key.indicator;
            r.port = port;
            r.first_seen = ts;
        }
        if (!sample.family.empty() && r.family != sample.family && r.family == "unknown") {
            r.family = sample.family;
            change = true;
        }
        if (std::find(r.samples.begin(), r.samples.end(), sha) == r.samples.end() &&
            r.samples.size() < kMaxSamplesPerC2) {
            r.samples.push_back(sha);
            change = true;
        }
        r.first_seen = std::min(r.first_seen, ts);
        r.last_seen = std::max(r.last_seen, ts);
        if (change && !entry.queued) {
            entry.queued = true;
            dirty_c2.push_back(std::move(key));
        }
    }

    // ---- partners' indicators ----
    void sighted(std::string_view observed_as, Timestamp first, Timestamp last) {
        for (const store::PartnerIndicatorRecord* m : found) {
            auto key = std::make_tuple(m->feed, m->indicator_id, std::string(observed_as));
            auto [it, created] = sightings.try_emplace(std::move(key));
            store::PartnerSightingRecord& r = it->second;
            if (created) {
                r = {m->feed, m->indicator_id, std::string(observed_as), 0, first, last, m->tlp};
            }
            ++r.count;
            r.first_seen = std::min(r.first_seen, first);
            r.last_seen = std::max(r.last_seen, last);
        }
        ++counters.partner_matches;
    }
    void sightAddress(const IpAddress& ip, std::string_view observed_as, Timestamp first, Timestamp last) {
        if (partner_index == nullptr || partner_index->empty()) {
            return;
        }
        found.clear();
        partner_index->matchAddress(ip, found);
        if (!found.empty()) {
            sighted(observed_as, first, last);
        }
    }
    void sightDomain(std::string_view domain, Timestamp ts) {
        if (partner_index == nullptr || partner_index->empty()) {
            return;
        }
        found.clear();
        partner_index->matchDomain(domain, found);
        if (!found.empty()) {
            sighted("sandbox.c2", ts, ts);
        }
    }
    void sightSample(std::string_view sha256, Timestamp ts) {
        if (partner_index == nullptr || partner_index->empty()) {
            return;
        }
        found.clear();
        partner_index->matchSha256(sha256, found);
        if (!found.empty()) {
            sighted("sample", ts, ts);
        }
    }
    /// The labels of the partners' indicators naming `ip` / a C2 record's indicator.
    std::vector<store::PartnerLabel> addressLabels(const IpAddress& ip) {
        if (partner_index == nullptr || partner_index->empty()) {
            return {};
        }
        found.clear();
        partner_index->matchAddress(ip, found);
        return partnerLabels(found);
    }
    std::vector<store::PartnerLabel> c2Labels(const store::C2Record& r) {
        if (partner_index == nullptr || partner_index->empty()) {
            return {};
        }
        if (r.kind == "domain") {
            found.clear();
            partner_index->matchDomain(r.indicator, found);
            return partnerLabels(found);
        }
        const auto ip = IpAddress::parse(r.indicator);
        return ip ? addressLabels(*ip) : std::vector<store::PartnerLabel>{};
    }

    // ---- handlers ----
    void onScan(Timestamp ts, std::string_view sensor, const ScanInput& in) {
        if (in.spoofed) {
            ++counters.refused_spoofed;
            return;
        }
        sightAddress(in.src, "darknet.scan", in.first_seen, in.last_seen);
        if (in.benign) {
            exclude(in.src, kBenign);
            ++counters.refused_benign;
            return;
        }
        if (scanner_tools.contains(in.tool)) {
            ++counters.refused_scanner;
            return;
        }
        if (refused(in.src)) {
            return;
        }
        HostEvidence::ScanSignature s{intern(in.proto), intern(in.tool), in.ports};
        const bool bot = bot_tools.contains(in.tool);
        const Profile* profile = matchingProfile(s);
        if (!bot && profile == nullptr) {
            if (HostEvidence* h = hosts.find(in.src)) { // infected by other evidence: keep it current
                h->seen(in.first_seen, in.last_seen);
                h->scan = s;
                changed(in.src, *h);
                return;
            }
            if (profiles_complete) {
                return; // no later report can explain it
            }
            ScanSource& kept = scan_sources.findOrCreate(in.src);
            if (kept.first_seen == 0 || in.first_seen < kept.first_seen) {
                kept.first_seen = in.first_seen;
            }
            kept.last_seen = std::max(kept.last_seen, in.last_seen);
            kept.signature = s;
            kept.ts = ts;
            kept.sensor = intern(sensor);
            return;
        }
        scan_sources.erase(in.src);
        HostEvidence& h = host(in.src);
        h.seen(in.first_seen, in.last_seen);
        h.scan = s;
        std::array<char, 48> ref;
        evidence(h, "darknet.scan", ts, sensor, scanRef(s, ref));
        if (bot) {
            h.addRule(InfectionRule::BotFingerprint, [&] {
                return fmt::format("darknet probes carry the {} fingerprint ({} ports {})", in.tool, in.proto,
                                   in.ports.toString());
            });
            h.offerFamily(in.tool, FamilySource::Fingerprint);
        }
        if (profile != nullptr) {
            profileMatched(in.src, h, *profile, s);
        }
        changed(in.src, h);
    }

    void onAttack(Timestamp /*ts*/, std::string_view /*sensor*/, const AttackInput& in) {
        if (in.reflector) {
            exclude(in.victim, kVictim);
        }
    }

    void onLogin(Timestamp ts, std::string_view sensor, const HoneypotInput& in) {
        sightAddress(in.src, "honeypot", ts, ts);
        if (!in.success || excluded.find(in.src) != nullptr) {
            return;
        }
        Session& s = sessions.findOrCreate(SessionKey{std::string(sensor), in.session});
        s.src = in.src;
        s.protocol = in.protocol;
        s.login_ts = ts;
    }

    /// The logged-in session `in` belongs to, or nullptr.
    Session* loggedIn(std::string_view sensor, const HoneypotInput& in) {
        Session* s = sessions.find(SessionKey{std::string(sensor), in.session});
        if (s == nullptr) {
            return nullptr;
        }
        if (!(s->src == in.src)) {
            ++counters.malformed; // the same session from another address: not our sensor's events
            return nullptr;
        }
        return s;
    }
    HostEvidence* infectFromSession(Timestamp ts, std::string_view sensor, const HoneypotInput& in, Session& s) {
        if (refused(in.src)) {
            return nullptr;
        }
        HostEvidence& h = host(in.src);
        h.seen(s.login_ts, ts);
        evidence(h, "honeypot.login", s.login_ts, sensor, in.session);
        return &h;
    }

    void onCommand(Timestamp ts, std::string_view sensor, const HoneypotInput& in) {
        Session* s = loggedIn(sensor, in);
        if (s == nullptr) {
            return;
        }
        const auto loader = std::find_if(in.commands.begin(), in.commands.end(),
                                         [&](const std::string& c) { return loader_commands.contains(c); });
        if (loader == in.commands.end() && in.executed == 0) {
            return;
        }
        HostEvidence* h = infectFromSession(ts, sensor, in, *s);
        if (h == nullptr) {
            return;
        }
        const std::string what = loader != in.commands.end() ? loader->substr(0, 32) : "a dropped file";
        h->addRule(InfectionRule::HoneypotLoader, [&] {
            return fmt::format("logged in to the {} honeypot and ran {} (session {})", s->protocol, what, in.session);
        });
        evidence(*h, "honeypot.command", ts, sensor, in.session);
        changed(in.src, *h);
    }

    void onDownload(Timestamp ts, std::string_view sensor, const HoneypotInput& in) {
        Session* s = loggedIn(sensor, in);
        if (s == nullptr) {
            return;
        }
        HostEvidence* h = infectFromSession(ts, sensor, in, *s);
        if (h == nullptr) {
            return;
        }
        if (in.sha256.empty()) {
            h->addRule(InfectionRule::HoneypotLoader, [&] {
                return fmt::format("logged in to the {} honeypot and tried to download a payload (session {}, {})",
                                   s->protocol, in.session, in.outcome.empty() ? "not stored" : in.outcome);
            });
            evidence(*h, "honeypot.download", ts, sensor, in.session);
        } else {
            h->addRule(InfectionRule::HoneypotDownload, [&] {
                return fmt::format("logged in to the {} honeypot and downloaded sample {} (session {})", s->protocol,
                                   shortSha(in.sha256), in.session);
            });
            evidence(*h, "honeypot.download", ts, sensor, in.sha256);
            linkSample(in.src, *h, in.sha256);
        }
        changed(in.src, *h);
    }

    void onSample(Timestamp ts, std::string_view /*sensor*/, const SampleInput& in) {
        sightSample(in.sha256, ts);
        Sample& sample = samples.findOrCreate(in.sha256);
        std::string rule;
        std::string family = yaraFamily(in.yara, &rule);
        if (!family.empty() && sample.family.empty()) {
            sample.family = std::move(family);
            sample.family_why = "YARA rule " + rule;
            familyLearned(in.sha256, sample);
        }
    }

    void onSandboxReport(Timestamp ts, std::string_view sensor, const SandboxInput& in) {
        Sample& sample = samples.findOrCreate(in.sha256);
        if (sample.family.empty() && in.scan && bot_tools.contains(in.scan->tool)) {
            sample.family = in.scan->tool;
            sample.family_why = "sandbox scan fingerprint " + in.scan->tool;
            familyLearned(in.sha256, sample);
        }
        for (const SandboxInput::Connection& c : in.connections) {
            const bool sinkhole =
                std::find(in.dns_answers.begin(), in.dns_answers.end(), c.dst) != in.dns_answers.end();
            if (!sinkhole && !isLoopbackOrUnspecified(c.dst)) {
                sightAddress(c.dst, "sandbox.c2", ts, ts);
                addC2("ip", c.dst.toString(), c.port, in.sha256, sample, ts);
            }
        }
        for (const std::string& qname : in.qnames) {
            if (auto domain = domainName(qname)) {
                sightDomain(*domain, ts);
                addC2("domain", std::move(*domain), 0, in.sha256, sample, ts);
            }
        }
        if (in.scan && !scanner_tools.contains(in.scan->tool) && !in.scan->ports.empty() && sample.profile < 0) {
            Profile p{{intern(in.scan->proto), intern(in.scan->tool), in.scan->ports},
                      in.sha256,
                      sample.family,
                      ts,
                      std::string(sensor)};
            // Samples of one family scan alike: one profile per signature (the first sample's).
            const auto same = std::find_if(profiles.begin(), profiles.end(),
                                           [&](const Profile& q) { return sameSignature(q.signature, p.signature); });
            if (same != profiles.end()) {
                sample.profile = static_cast<int>(same - profiles.begin());
                if (same->family.empty() && !p.family.empty()) {
                    same->family = p.family;
                    rescan(*same);
                }
                return;
            }
            if (profiles.size() >= static_cast<size_t>(config.max_samples)) {
                ++counters.evicted_samples; // no room: the profile is not kept
                return;
            }
            sample.profile = static_cast<int>(profiles.size());
            profile_index[profileKey(p.signature.proto, p.signature.tool, p.signature.ports.top())].push_back(
                sample.profile);
            profiles.push_back(std::move(p));
            if (!profiles.back().family.empty()) {
                rescan(profiles.back());
            }
        }
    }

    // ---- routing: event type -> decoder and handler ----
    using Route = bool (*)(Impl&, Timestamp, std::string_view, const EventFields&);

    /// Decodes with `decode` and hands the input to `handle`; false when the event is malformed.
    template <auto decode, auto handle>
    static bool route(Impl& m, Timestamp ts, std::string_view sensor, const EventFields& fields) {
        const auto in = decode(fields);
        if (!in) {
            return false;
        }
        (m.*handle)(ts, sensor, *in);
        return true;
    }

    static Route routeOf(std::string_view type) {
        static const std::pair<std::string_view, Route> routes[] = {
            {"darknet.scan", route<decodeScan, &Impl::onScan>},
            {"honeypot.login", route<decodeLogin, &Impl::onLogin>},
            {"honeypot.command", route<decodeCommand, &Impl::onCommand>},
            {"honeypot.download", route<decodeDownload, &Impl::onDownload>},
            {"sample", route<decodeSample, &Impl::onSample>},
            {"sandbox.report", route<decodeSandboxReport, &Impl::onSandboxReport>},
            {"ddos.attack", route<decodeAttack, &Impl::onAttack>},
        };
        for (const auto& [name, r] : routes) {
            if (name == type) {
                return r;
            }
        }
        return nullptr;
    }

    static bool isLoopbackOrUnspecified(const IpAddress& a) {
        if (a.isV4()) {
            return (a.v4() >> 24) == 127 || a.v4() == 0;
        }
        return a.hi() == 0 && (a.lo() == 0 || a.lo() == (uint64_t{1} << 56)); // ::, ::1 (network order)
    }

    store::InfectedHostRecord record(const IpAddress& ip, const HostEvidence& h) {
        store::InfectedHostRecord r = h.toRecord(ip);
        r.partner_intel = addressLabels(ip);
        if (enricher != nullptr) {
            const Enrichment e = enricher->lookup(ip);
            if (e.asn != 0) {
                r.asn = e.asn;
                r.as_name = e.as_name;
            }
            r.country = e.country;
        }
        return r;
    }

    static constexpr uint8_t kBenign = 1;
    static constexpr uint8_t kVictim = 2;

    CorrelationConfig config;
    const Enricher* enricher;
    const AddressLabeler* benign_labels;
    std::unordered_set<std::string> bot_tools;
    std::unordered_set<std::string> scanner_tools;
    std::unordered_set<std::string> loader_commands;
    std::unordered_set<std::string> yara_non_family;
    std::vector<std::string> interned;
    std::unordered_map<std::string, uint8_t> intern_ids;

    BoundedMap<IpAddress, HostEvidence, AddressHash> hosts;
    BoundedMap<IpAddress, ScanSource, AddressHash> scan_sources;
    BoundedMap<IpAddress, uint8_t, AddressHash> excluded;
    BoundedMap<SessionKey, Session, SessionKeyHash> sessions;
    BoundedMap<std::string, Sample> samples;
    BoundedMap<C2Key, C2Entry, C2KeyHash> c2;
    std::vector<Profile> profiles;
    std::unordered_map<uint32_t, std::vector<int>> profile_index;
    std::vector<IpAddress> dirty_hosts;
    std::vector<C2Key> dirty_c2;
    bool profiles_complete = false;
    CorrelatorCounters counters;

    const PartnerIntel* partners = nullptr;
    std::shared_ptr<const PartnerIndex> partner_index;
    PartnerIndex::Matches found; ///< scratch for partner lookups
    /// (feed, indicator id, observed as) -> the sighting since the last takeUpdates().
    std::map<std::tuple<std::string, std::string, std::string>, store::PartnerSightingRecord> sightings;
};

Correlator::Correlator(CorrelationConfig config, const Enricher* enricher, const AddressLabeler* benign)
    : impl_(std::make_unique<Impl>(std::move(config), enricher, benign)) {}

Correlator::~Correlator() = default;

const std::vector<std::string>& Correlator::inputTypes() {
    static const std::vector<std::string> types = {"sample",           "sandbox.report", "ddos.attack",
                                                   "darknet.scan",     "honeypot.login", "honeypot.command",
                                                   "honeypot.download"};
    return types;
}

bool Correlator::reads(std::string_view type) {
    return Impl::routeOf(type) != nullptr;
}

void Correlator::observe(std::string_view type, Timestamp ts, std::string_view sensor, const EventFields& fields) {
    const Impl::Route route = Impl::routeOf(type);
    if (route == nullptr) {
        return;
    }
    Impl& m = *impl_;
    ++m.counters.events;
    // Hostile input: a decoder says nullopt for anything it cannot use, and nothing below throws on
    // input; a third-party exception (allocation) stops here so one event never stops the caller.
    try {
        if (!route(m, ts, sensor, fields)) {
            ++m.counters.malformed;
        }
    } catch (const std::exception&) {
        ++m.counters.malformed;
    }
}

void Correlator::setPartnerIntel(const PartnerIntel* partners) {
    impl_->partners = partners;
    impl_->partner_index = partners != nullptr ? partners->snapshot() : nullptr;
}

void Correlator::profilesComplete() {
    impl_->profiles_complete = true;
}

CorrelationUpdates Correlator::takeUpdates() {
    Impl& m = *impl_;
    CorrelationUpdates out;
    out.hosts.reserve(m.dirty_hosts.size());
    const Timestamp refresh = std::chrono::duration_cast<std::chrono::microseconds>(m.config.refresh_interval).count();
    for (const IpAddress& ip : m.dirty_hosts) {
        HostEvidence* h = m.hosts.find(ip);
        if (h == nullptr || !h->queued) {
            continue; // evicted or retracted since
        }
        h->queued = false;
        const int confidence = h->confidence();
        const bool announce = h->announced_confidence != confidence || h->announced_family != h->family() ||
                              h->lastSeen() >= h->announced_last_seen + refresh;
        if (announce) {
            h->announced_confidence = confidence;
            h->announced_family = h->family();
            h->announced_last_seen = h->lastSeen();
        }
        out.hosts.push_back(m.record(ip, *h));
        out.announce.push_back(announce);
    }
    m.dirty_hosts.clear();
    for (const C2Key& key : m.dirty_c2) {
        if (C2Entry* entry = m.c2.find(key); entry != nullptr && entry->queued) {
            entry->queued = false;
            out.c2.push_back(entry->record);
            out.c2.back().partner_intel = m.c2Labels(out.c2.back());
        }
    }
    m.dirty_c2.clear();
    out.sightings.reserve(m.sightings.size());
    for (auto& [key, sighting] : m.sightings) {
        out.sightings.push_back(std::move(sighting));
    }
    m.sightings.clear();
    if (m.partners != nullptr) {
        m.partner_index = m.partners->snapshot(); // a pull may have brought new indicators
    }
    return out;
}

std::optional<store::InfectedHostRecord> Correlator::host(const IpAddress& ip) {
    if (HostEvidence* h = impl_->hosts.find(ip)) {
        return h->toRecord(ip);
    }
    return std::nullopt;
}

CorrelatorCounters Correlator::counters() const {
    CorrelatorCounters c = impl_->counters;
    c.hosts = impl_->hosts.size();
    c.evicted_hosts = impl_->hosts.evicted();
    c.evicted_scan_sources = impl_->scan_sources.evicted();
    c.evicted_sessions = impl_->sessions.evicted();
    c.evicted_samples += impl_->samples.evicted() + impl_->c2.evicted();
    return c;
}

} // namespace kansoku::intel
