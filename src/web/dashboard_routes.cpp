#include "web/dashboard_routes.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/prefix.h"
#include "common/printable.h"
#include "malware/triage/fuzzy_hashes.h"
#include "web/api_params.h"
#include "web/host_json.h"
#include "web/tenant_addresses.h"

namespace kansoku::web {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultPage = 100;
constexpr int64_t kMaxPage = 1000;
constexpr int64_t kDefaultTop = 10;
constexpr int64_t kMaxTop = 1000;
constexpr size_t kMaxPoints = 2000;
constexpr int64_t kSessionEvents = 10000;
constexpr int64_t kSampleEvents = 1000;
constexpr int64_t kLookalikeCandidates = 5000;
constexpr size_t kLookalikes = 20;
constexpr int kLookalikeSsdeep = 50; ///< an ssdeep score at least this is a look-alike
constexpr int kLookalikeTlsh = 100;  ///< a TLSH distance at most this is a look-alike
constexpr size_t kMaxTypes = 32;
constexpr size_t kShown = 40;
constexpr uint64_t kMaxReportBytes = 4ULL << 20; ///< a sample's analysis document shown in the API, at most

/// The count series: metric name -> event type.
struct CountMetric {
    std::string_view metric;
    std::string_view type;
};
constexpr std::array kCountMetrics = {
    CountMetric{"scans", "darknet.scan"},
    CountMetric{"attacks", "ddos.attack"},
    CountMetric{"logins", "honeypot.login"},
    CountMetric{"sessions", "honeypot.session"},
    CountMetric{"commands", "honeypot.command"},
    CountMetric{"samples", "sample"},
    CountMetric{"alerts", "alert"},
};

Response withNoStore(Response response) {
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

Response json200(const json& body) {
    return withNoStore(jsonResponse(200, body));
}

Response badRequest(const Error& error) {
    return withNoStore(errorResponse(400, error.message));
}

Response storeFailed() {
    return errorResponse(500, "the store failed; see the server's log");
}

std::string rfc3339(Timestamp ts) {
    return formatRfc3339(ts);
}

/// The tenant's space, or null for the admin (sees everything).
const AddressScope* scopeOf(const Request& request) {
    static const AddressScope kNothing;
    if (request.caller != Caller::Tenant) {
        return nullptr;
    }
    return request.scope ? request.scope.get() : &kNothing;
}

/// {"id": N, ...the stored event's fields}, without parsing the body.
void appendEvent(std::string& out, const store::StoredEvent& event) {
    out += fmt::format("{{\"id\":{}", event.id);
    if (event.body.size() > 2 && event.body.front() == '{') {
        out += ',';
        out.append(event.body, 1);
    } else {
        out += '}';
    }
}

json eventJson(const store::StoredEvent& event) {
    std::string text;
    appendEvent(text, event);
    return json::parse(text, nullptr, false);
}

/// The parameters, checked for names (only `allowed`), repeats, escapes, length and control bytes.
Result<QueryParams> params(const Request& request, std::initializer_list<std::string_view> allowed) {
    auto parsed = parseQueryParams(request.query, allowed);
    KANSOKU_TRY(parsed);
    KANSOKU_TRY(checkParamValues(*parsed));
    return parsed;
}

/// A search cursor: "<ts>.<id>" of the last event of a page.
std::string cursorOf(const store::StoredEvent& event) {
    return fmt::format("{}.{}", event.ts, event.id);
}

std::optional<std::pair<Timestamp, int64_t>> parseCursor(std::string_view text) {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos) {
        return std::nullopt;
    }
    int64_t ts = 0;
    int64_t id = 0;
    const auto a = text.substr(0, dot);
    const auto b = text.substr(dot + 1);
    const auto [ea, eca] = std::from_chars(a.data(), a.data() + a.size(), ts);
    const auto [eb, ecb] = std::from_chars(b.data(), b.data() + b.size(), id);
    if (a.empty() || b.empty() || eca != std::errc() || ecb != std::errc() || ea != a.data() + a.size() ||
        eb != b.data() + b.size() || id < 0) {
        return std::nullopt;
    }
    return std::pair<Timestamp, int64_t>{ts, id};
}

/// Whether the caller may see an event about `subject`: everything for the admin (`addresses` null), only
/// inside its addresses for a tenant.
bool visible(const AddressScope* addresses, const std::optional<std::string>& subject) {
    if (addresses == nullptr) {
        return true;
    }
    if (!subject) {
        return false;
    }
    const auto ip = IpAddress::parse(*subject);
    return ip && addresses->contains(*ip, std::nullopt);
}

std::optional<std::string> subjectOf(const json& event) {
    for (const char* field : {"src", "victim", "ip"}) {
        if (const auto it = event.find(field); it != event.end() && it->is_string()) {
            return it->get<std::string>();
        }
    }
    return std::nullopt;
}

/// The name of the ISP tenant whose prefixes or ASNs hold `host`; empty when none does.
std::string ispOf(const std::vector<store::IspRecord>& isps, const store::InfectedHostRecord& host) {
    for (const auto& isp : isps) {
        if (isp.scope.contains(host.ip, host.asn)) {
            return isp.name;
        }
    }
    return {};
}

class DashboardApi {
public:
    DashboardApi(store::DashboardReader& reader, store::Database& store, const Authenticator& authenticator,
                 EventHub* hub, const AddressOrigins* origins, const malware::SampleReports* reports)
        : reader_(reader), store_(store), authenticator_(authenticator), hub_(hub), origins_(origins),
          reports_(reports), tenant_addresses_(origins) {}

    Response whoami(const Request& request);
    Response overview(const Request& request);
    Response series(const Request& request);
    Response top(const Request& request);
    Response events(const Request& request);
    Response detail(const Request& request, std::string_view type, std::string_view what);
    Response session(const Request& request);
    Response sample(const Request& request);
    Response hosts(const Request& request);
    Response host(const Request& request);
    Response stream(const Request& request);

private:
    /// The addresses whose events the caller sees: null for the admin (all); a tenant's prefixes and
    /// those its ASNs announce (scopeOf() is what it declared, for infected hosts, which know their AS).
    std::shared_ptr<const AddressScope> addressesOf(const Request& request);
    /// The sample store's `kind` document of a sample ("triage", "sandbox"), parsed; null when there is
    /// none, no store, or it cannot be read (logged).
    json sampleReport(const std::string& sha256, std::string_view kind) const;

    store::DashboardReader& reader_;
    store::Database& store_;
    const Authenticator& authenticator_;
    EventHub* hub_;
    const AddressOrigins* origins_;
    const malware::SampleReports* reports_;
    TenantAddresses tenant_addresses_;
};

std::shared_ptr<const AddressScope> DashboardApi::addressesOf(const Request& request) {
    static const auto kNothing = std::make_shared<const AddressScope>();
    if (request.caller != Caller::Tenant) {
        return nullptr;
    }
    return request.scope ? tenant_addresses_.expand(request.tenant, request.scope) : kNothing;
}

json DashboardApi::sampleReport(const std::string& sha256, std::string_view kind) const {
    if (reports_ == nullptr) {
        return nullptr;
    }
    auto text = reports_->read(sha256, kind, kMaxReportBytes);
    if (!text) {
        spdlog::warn("sample {}: its {} document: {}", sha256, kind, text.error().message);
        return nullptr;
    }
    if (!*text) {
        return nullptr;
    }
    json document = json::parse(**text, nullptr, false);
    if (!document.is_object()) {
        spdlog::warn("sample {}: its {} document is not a JSON object", sha256, kind);
        return nullptr;
    }
    return document;
}

Response DashboardApi::whoami(const Request& request) {
    if (auto p = params(request, {}); !p) {
        return badRequest(p.error());
    }
    return json200({{"caller", request.caller == Caller::Admin ? "admin" : "tenant"},
                    {"tenant", request.caller == Caller::Tenant ? json(request.tenant) : json(nullptr)},
                    {"local", request.caller == Caller::Admin && request.authorization.empty()}});
}

Response DashboardApi::overview(const Request& request) {
    auto p = params(request, {"from", "to"});
    if (!p) {
        return badRequest(p.error());
    }
    auto range = timeRangeParam(*p, nowMicros());
    if (!range) {
        return badRequest(range.error());
    }
    const AddressScope* scope = scopeOf(request);
    const auto addresses = addressesOf(request);
    auto counts = reader_.countsByType(*range, addresses.get());
    auto sources = reader_.distinctSources(*range, addresses.get());
    auto hosts = reader_.infectedHostCount(*range, scope);
    std::pair<int64_t, int64_t> probes{0, 0};
    if (scope == nullptr) {
        auto totals = reader_.probeTotals(*range);
        if (!totals) {
            return storeFailed();
        }
        probes = *totals;
    }
    if (!counts || !sources || !hosts) {
        return storeFailed();
    }
    const auto count = [&counts](std::string_view type) {
        const auto it = counts->find(std::string(type));
        return it == counts->end() ? int64_t{0} : it->second;
    };
    json events = json::object();
    for (const auto& [type, n] : *counts) {
        events[type] = n;
    }
    return json200({{"from", rfc3339(range->from)},
                    {"to", rfc3339(range->to)},
                    {"events", events},
                    {"scans", count("darknet.scan")},
                    {"sources", *sources},
                    {"probes", probes.first},
                    {"attacks", count("ddos.attack")},
                    {"sessions", count("honeypot.session")},
                    {"logins", count("honeypot.login")},
                    {"commands", count("honeypot.command")},
                    {"downloads", count("honeypot.download")},
                    {"samples", count("sample")},
                    {"sandbox_reports", count("sandbox.report")},
                    {"alerts", count("alert")},
                    {"infected_hosts", *hosts}});
}

Response DashboardApi::series(const Request& request) {
    const std::string& metric = request.params.at("metric");
    auto p = params(request, {"from", "to", "step", "port", "proto"});
    if (!p) {
        return badRequest(p.error());
    }
    const bool probes = metric == "probes" || metric == "sources";
    const auto counted = std::find_if(kCountMetrics.begin(), kCountMetrics.end(),
                                      [&metric](const CountMetric& m) { return m.metric == metric; });
    if (!probes && counted == kCountMetrics.end()) {
        return withNoStore(errorResponse(
            404, fmt::format("no series '{}': probes, sources, scans, attacks, logins, sessions, commands, samples, "
                             "alerts",
                             escapeNonPrintable(metric, kShown))));
    }
    auto range = timeRangeParam(*p, nowMicros());
    if (!range) {
        return badRequest(range.error());
    }
    auto step = stepParam(*p, *range, kMaxPoints);
    if (!step) {
        return badRequest(step.error());
    }
    auto port = integerParam(*p, "port", 0, 65535);
    if (!port) {
        return badRequest(port.error());
    }
    std::optional<std::string> proto;
    if (auto it = p->find("proto"); it != p->end()) {
        if (it->second != "tcp" && it->second != "udp") {
            return badRequest(Error{"proto must be tcp or udp"});
        }
        proto = it->second;
    }
    if (!probes && (*port || proto)) {
        return badRequest(Error{"port and proto apply only to the probes and sources series"});
    }
    if (proto && !*port) {
        return badRequest(Error{"proto needs port"});
    }
    const auto addresses = addressesOf(request);
    const AddressScope* scope = addresses.get();
    Result<std::vector<int64_t>> values = std::vector<int64_t>{};
    if (probes) {
        // Darknet port statistics are about no address: a tenant's series are zeros.
        values = scope == nullptr ? reader_.probeSeries(*range, *step, *port, proto, metric == "sources")
                                  : reader_.countSeries("", *range, *step, scope);
    } else {
        values = reader_.countSeries(counted->type, *range, *step, scope);
    }
    if (!values) {
        return storeFailed();
    }
    const Timestamp start = range->from - ((range->from % *step) + *step) % *step;
    json points = json::array();
    for (size_t i = 0; i < values->size(); ++i) {
        points.push_back({{"ts", rfc3339(start + static_cast<Timestamp>(i) * *step)}, {"value", (*values)[i]}});
    }
    return json200({{"metric", metric},
                    {"from", rfc3339(range->from)},
                    {"to", rfc3339(range->to)},
                    {"step", *step / kMicrosPerSecond},
                    {"port", *port ? json(**port) : json(nullptr)},
                    {"proto", proto ? json(*proto) : json(nullptr)},
                    {"points", points}});
}

Response DashboardApi::top(const Request& request) {
    const std::string& name = request.params.at("kind");
    const auto kind = store::parseTopKind(name);
    if (!kind) {
        return withNoStore(errorResponse(
            404, fmt::format("no top list '{}': sources, ports, asns, countries, tools, families, credentials, "
                             "commands",
                             escapeNonPrintable(name, kShown))));
    }
    auto p = params(request, {"from", "to", "limit"});
    if (!p) {
        return badRequest(p.error());
    }
    auto range = timeRangeParam(*p, nowMicros());
    if (!range) {
        return badRequest(range.error());
    }
    auto limit = limitParam(*p, kDefaultTop, kMaxTop);
    if (!limit) {
        return badRequest(limit.error());
    }
    // Lists read from infected hosts (asns, countries, families) match their AS too: the declared scope.
    const bool from_hosts =
        *kind == store::TopKind::Asns || *kind == store::TopKind::Countries || *kind == store::TopKind::Families;
    const auto addresses = from_hosts ? nullptr : addressesOf(request);
    auto top = reader_.top(*kind, *range, *limit, from_hosts ? scopeOf(request) : addresses.get());
    if (!top) {
        return storeFailed();
    }
    json list = json::array();
    for (const auto& item : top->items) {
        json entry = {{"key", item.key}, {"count", item.count}};
        switch (*kind) {
        case store::TopKind::Sources: {
            entry["packets"] = item.amount;
            // Where the source is announced and registered, for the map (null when unknown).
            const auto address = IpAddress::parse(item.key);
            const AddressOrigin origin = origins_ != nullptr && address ? origins_->origin(*address) : AddressOrigin{};
            entry["asn"] = origin.asn != 0 ? json(origin.asn) : json(nullptr);
            entry["as_name"] = origin.asn != 0 ? json(origin.as_name) : json(nullptr);
            entry["country"] = origin.country.empty() ? json(nullptr) : json(origin.country);
            break;
        }
        case store::TopKind::Tools:
            entry["packets"] = item.amount;
            break;
        case store::TopKind::Ports: {
            entry["packets"] = item.amount;
            const auto slash = item.key.find('/');
            entry["proto"] = item.key.substr(0, slash);
            int port = 0;
            if (slash != std::string::npos) {
                std::from_chars(item.key.data() + slash + 1, item.key.data() + item.key.size(), port);
            }
            entry["port"] = port;
            break;
        }
        case store::TopKind::Asns: {
            int64_t asn = 0;
            std::from_chars(item.key.data(), item.key.data() + item.key.size(), asn);
            entry["asn"] = asn;
            entry["as_name"] = item.label;
            break;
        }
        case store::TopKind::Credentials: {
            const auto pair = json::parse(item.key, nullptr, false);
            const bool ok = pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string();
            const std::string username = ok ? pair[0].get<std::string>() : std::string();
            const std::string password = ok ? pair[1].get<std::string>() : std::string();
            entry["key"] = username + ":" + password;
            entry["username"] = username;
            entry["password"] = password;
            entry["successes"] = item.amount;
            break;
        }
        default:
            break;
        }
        list.push_back(std::move(entry));
    }
    return json200({{"kind", name},
                    {"from", rfc3339(range->from)},
                    {"to", rfc3339(range->to)},
                    {"error_bound", top->error_bound},
                    {"items", list}});
}

Response DashboardApi::events(const Request& request) {
    auto p = params(request, {"type", "ip", "prefix", "port", "family", "sha256", "session", "sensor", "from", "to",
                              "limit", "cursor"});
    if (!p) {
        return badRequest(p.error());
    }
    store::EventSearch search;
    const Timestamp now = nowMicros();
    for (const auto* bound : {"from", "to"}) {
        if (auto it = p->find(bound); it != p->end()) {
            const auto t = parseSince(it->second, now);
            if (!t) {
                return badRequest(Error{fmt::format("{} '{}' is neither an RFC 3339 time nor a duration such as 24h",
                                                    bound, escapeNonPrintable(it->second, kShown))});
            }
            (std::string_view(bound) == "from" ? search.from : search.to) = *t;
        }
    }
    if (search.from && search.to && *search.from >= *search.to) {
        return badRequest(Error{"from must be before to"});
    }
    if (auto it = p->find("type"); it != p->end()) {
        auto type = nameValue("type", it->second, 64);
        if (!type) {
            return badRequest(type.error());
        }
        search.type = *type;
    }
    if (p->count("ip") && p->count("prefix")) {
        return badRequest(Error{"give ip or prefix, not both"});
    }
    if (auto it = p->find("ip"); it != p->end()) {
        auto ip = addressValue("ip", it->second);
        if (!ip) {
            return badRequest(ip.error());
        }
        search.addr_lo = search.addr_hi = std::string(reinterpret_cast<const char*>(ip->bytes().data()), 16);
    }
    if (auto it = p->find("prefix"); it != p->end()) {
        auto prefix = Prefix::parse(it->second);
        if (!prefix) {
            return badRequest(Error{fmt::format("prefix '{}' is not a CIDR prefix such as 198.51.100.0/24 ({})",
                                                escapeNonPrintable(it->second, kShown), prefix.error().message)});
        }
        search.addr_lo = std::string(reinterpret_cast<const char*>(prefix->network().bytes().data()), 16);
        search.addr_hi = std::string(reinterpret_cast<const char*>(prefix->last().bytes().data()), 16);
    }
    auto port = integerParam(*p, "port", 0, 65535);
    if (!port) {
        return badRequest(port.error());
    }
    search.port = *port;
    if (auto it = p->find("family"); it != p->end()) {
        auto family = nameValue("family", it->second, 64);
        if (!family) {
            return badRequest(family.error());
        }
        search.family = *family;
    }
    if (auto it = p->find("sha256"); it != p->end()) {
        auto sha = sha256Value(it->second);
        if (!sha) {
            return badRequest(sha.error());
        }
        search.sha256 = *sha;
    }
    if (auto it = p->find("session"); it != p->end()) {
        auto session = nameValue("session", it->second, 64);
        if (!session) {
            return badRequest(session.error());
        }
        search.session = *session;
    }
    if (auto it = p->find("sensor"); it != p->end()) {
        auto sensor = nameValue("sensor", it->second, 128);
        if (!sensor) {
            return badRequest(sensor.error());
        }
        search.sensor = *sensor;
    }
    if (auto it = p->find("cursor"); it != p->end()) {
        search.after = parseCursor(it->second);
        if (!search.after) {
            return badRequest(Error{"cursor is not one this API gave out"});
        }
    }
    auto limit = limitParam(*p, kDefaultPage, kMaxPage);
    if (!limit) {
        return badRequest(limit.error());
    }
    search.limit = *limit;
    auto page = reader_.search(search, addressesOf(request).get());
    if (!page) {
        return storeFailed();
    }
    Response response;
    std::string& body = response.body;
    body = "{\"events\":[";
    for (size_t i = 0; i < page->events.size(); ++i) {
        if (i > 0) {
            body += ',';
        }
        appendEvent(body, page->events[i]);
    }
    body += fmt::format("],\"count\":{},\"next\":", page->events.size());
    body += page->more ? "\"" + cursorOf(page->events.back()) + "\"" : std::string("null");
    body += "}\n";
    return withNoStore(std::move(response));
}

Response DashboardApi::detail(const Request& request, std::string_view type, std::string_view what) {
    if (auto p = params(request, {}); !p) {
        return badRequest(p.error());
    }
    const std::string& text = request.params.at("id");
    int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id < 1) {
        return badRequest(
            Error{fmt::format("{} id '{}' is not a positive whole number", what, escapeNonPrintable(text, kShown))});
    }
    auto event = reader_.event(id, type);
    if (!event) {
        return storeFailed();
    }
    json body = *event ? eventJson(**event) : json();
    if (!*event || !body.is_object() || !visible(addressesOf(request).get(), subjectOf(body))) {
        return withNoStore(errorResponse(404, fmt::format("no {} {}", what, id)));
    }
    if (type != "alert") {
        body["host"] = nullptr;
        if (const auto subject = subjectOf(body)) {
            if (const auto ip = IpAddress::parse(*subject)) {
                auto host = store_.infectedHost(*ip);
                if (!host) {
                    return storeFailed();
                }
                if (host->has_value()) {
                    std::string text_host;
                    appendHostJson(text_host, **host, nowMicros(), false);
                    body["host"] = json::parse(text_host, nullptr, false);
                }
            }
        }
    }
    return json200(body);
}

/// A transcript line of a honeypot event: what the attacker did, as text.
json transcriptLine(const json& event) {
    const std::string type = event.value("type", "");
    const std::string kind = type.starts_with("honeypot.") ? type.substr(9) : type;
    json line = {{"id", event.value("id", int64_t{0})}, {"ts", event.value("ts", "")}, {"kind", kind}};
    const auto str = [&event](const char* field) {
        const auto it = event.find(field);
        return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (kind == "login") {
        line["text"] = str("username") + " / " + str("password");
        line["success"] = event.value("success", false);
    } else if (kind == "command") {
        line["text"] = str("input");
    } else if (kind == "download") {
        line["text"] = str("url").empty() ? str("path") : str("url");
        if (event.contains("sha256")) {
            line["sha256"] = event["sha256"];
        }
    } else if (kind == "http_request") {
        line["text"] = str("method") + " " + str("path");
    } else if (kind == "connect") {
        line["text"] = "connected from " + str("src");
    } else if (kind == "session") {
        line["text"] = "closed: " + str("close_reason");
    } else if (kind == "ssh_client") {
        line["text"] = str("client_version");
    } else {
        line["text"] = "";
    }
    return line;
}

Response DashboardApi::session(const Request& request) {
    if (auto p = params(request, {}); !p) {
        return badRequest(p.error());
    }
    auto id = nameValue("session", request.params.at("session"), 64);
    if (!id) {
        return badRequest(id.error());
    }
    auto events = reader_.sessionEvents(*id, kSessionEvents);
    if (!events) {
        return storeFailed();
    }
    json all = json::array();
    json transcript = json::array();
    json body = {{"session", *id}};
    for (const auto& stored : *events) {
        json event = eventJson(stored);
        if (!event.is_object()) {
            continue;
        }
        all.push_back(event);
        transcript.push_back(transcriptLine(event));
    }
    if (all.empty() || !visible(addressesOf(request).get(), subjectOf(all.front()))) {
        return withNoStore(errorResponse(404, fmt::format("no honeypot session {}", *id)));
    }
    const json& first = all.front();
    body["src"] = first.value("src", "");
    body["src_port"] = first.value("src_port", 0);
    body["dst_port"] = first.value("dst_port", 0);
    body["protocol"] = first.value("protocol", "");
    body["start"] = first.value("ts", "");
    body["end"] = all.back().value("ts", "");
    body["closed"] = all.back().value("type", "") == "honeypot.session";
    body["transcript"] = std::move(transcript);
    body["events"] = std::move(all);
    return json200(body);
}

Response DashboardApi::sample(const Request& request) {
    if (auto p = params(request, {}); !p) {
        return badRequest(p.error());
    }
    auto sha = sha256Value(request.params.at("sha256"));
    if (!sha) {
        return badRequest(sha.error());
    }
    if (request.caller == Caller::Tenant) {
        // Samples are about no subscriber's address: the admin's.
        return withNoStore(errorResponse(404, fmt::format("no sample {}", *sha)));
    }
    auto events = reader_.sampleEvents(*sha, kSampleEvents);
    if (!events) {
        return storeFailed();
    }
    json sample;
    json sandbox;
    json downloads = json::array();
    for (const auto& stored : *events) {
        json event = eventJson(stored);
        if (stored.type == "sample") {
            sample = std::move(event);
        } else if (stored.type == "sandbox.report") {
            sandbox = std::move(event);
        } else if (stored.type == "honeypot.download") {
            downloads.push_back(std::move(event));
        }
    }
    if (sample.is_null() && sandbox.is_null() && downloads.empty()) {
        return withNoStore(errorResponse(404, fmt::format("no sample {}", *sha)));
    }
    json dropped_by = json::array();
    if (sample.is_object()) {
        if (const auto sources = sample.find("sources"); sources != sample.end() && sources->is_array()) {
            for (const auto& source : *sources) {
                if (source.is_object() && source.contains("parent") && source["parent"].is_string()) {
                    dropped_by.push_back(source["parent"]);
                }
            }
        }
    }
    auto drops = reader_.droppedBy(*sha, 100);
    if (!drops) {
        return storeFailed();
    }
    json lookalikes = json::array();
    if (sample.is_object()) {
        const std::string ssdeep = sample.value("ssdeep", "");
        const std::string tlsh = sample.value("tlsh", "");
        auto candidates = reader_.recentSamples(kLookalikeCandidates);
        if (!candidates) {
            return storeFailed();
        }
        std::vector<std::tuple<int, int, std::string>> found; // -ssdeep, tlsh, sha
        for (const auto& candidate : *candidates) {
            const json other = json::parse(candidate.body, nullptr, false);
            const std::string other_sha = other.is_object() ? other.value("sha256", "") : "";
            if (other_sha.empty() || other_sha == *sha) {
                continue;
            }
            const auto score =
                ssdeep.empty() ? std::nullopt : malware::triage::ssdeepScore(ssdeep, other.value("ssdeep", ""));
            const auto distance =
                tlsh.empty() ? std::nullopt : malware::triage::tlshDistance(tlsh, other.value("tlsh", ""));
            if ((score && *score >= kLookalikeSsdeep) || (distance && *distance <= kLookalikeTlsh)) {
                found.emplace_back(-score.value_or(0), distance.value_or(std::numeric_limits<int>::max()), other_sha);
            }
        }
        std::sort(found.begin(), found.end());
        for (size_t i = 0; i < found.size() && i < kLookalikes; ++i) {
            const auto& [neg_score, distance, other] = found[i];
            lookalikes.push_back(
                {{"sha256", other},
                 {"ssdeep", neg_score == 0 ? json(nullptr) : json(-neg_score)},
                 {"tlsh", distance == std::numeric_limits<int>::max() ? json(nullptr) : json(distance)}});
        }
    }
    return json200({{"sha256", *sha},
                    {"sample", sample},
                    {"triage", sampleReport(*sha, "triage")},
                    {"sandbox", sandbox},
                    {"sandbox_report", sampleReport(*sha, "sandbox")},
                    {"downloads", downloads},
                    {"drops", *drops},
                    {"dropped_by", dropped_by},
                    {"lookalikes", lookalikes}});
}

Response DashboardApi::hosts(const Request& request) {
    auto p = params(request, {"from", "family", "limit", "cursor"});
    if (!p) {
        return badRequest(p.error());
    }
    store::HostQuery query;
    query.evidence = false;
    if (const AddressScope* scope = scopeOf(request)) {
        query.scope = *scope;
    }
    const Timestamp now = nowMicros();
    if (auto it = p->find("from"); it != p->end()) {
        query.seen_since = parseSince(it->second, now);
        if (!query.seen_since) {
            return badRequest(Error{fmt::format("from '{}' is neither an RFC 3339 time nor a duration such as 24h",
                                                escapeNonPrintable(it->second, kShown))});
        }
    }
    if (auto it = p->find("family"); it != p->end()) {
        auto family = nameValue("family", it->second, 64);
        if (!family) {
            return badRequest(family.error());
        }
        query.family = *family;
    }
    if (auto it = p->find("cursor"); it != p->end()) {
        auto after = addressValue("cursor", it->second);
        if (!after) {
            return badRequest(Error{"cursor is not one this API gave out"});
        }
        query.after = *after;
    }
    auto limit = limitParam(*p, kDefaultPage, kMaxPage);
    if (!limit) {
        return badRequest(limit.error());
    }
    query.limit = *limit + 1;
    auto isps = store_.isps();
    if (!isps) {
        return storeFailed();
    }
    Response response;
    std::string& body = response.body;
    body = "{\"hosts\":[";
    int64_t count = 0;
    bool more = false;
    IpAddress last;
    auto walked = store_.forEachInfectedHost(query, [&](const store::InfectedHostRecord& host) {
        if (count == *limit) {
            more = true;
            return false;
        }
        if (count++ > 0) {
            body += ',';
        }
        const std::string isp = ispOf(*isps, host);
        appendHostJson(body, host, now, false, &isp);
        last = host.ip;
        return true;
    });
    if (!walked) {
        return storeFailed();
    }
    body += fmt::format("],\"count\":{},\"next\":", count);
    body += more ? "\"" + last.toString() + "\"" : std::string("null");
    body += "}\n";
    return withNoStore(std::move(response));
}

Response DashboardApi::host(const Request& request) {
    if (auto p = params(request, {}); !p) {
        return badRequest(p.error());
    }
    auto ip = addressValue("ip", request.params.at("ip"));
    if (!ip) {
        return badRequest(ip.error());
    }
    auto host = store_.infectedHost(*ip);
    if (!host) {
        return storeFailed();
    }
    const AddressScope* scope = scopeOf(request);
    if (!host->has_value() || (scope != nullptr && !scope->contains((*host)->ip, (*host)->asn))) {
        return withNoStore(errorResponse(404, fmt::format("no infected host {}", ip->toString())));
    }
    auto isps = store_.isps();
    if (!isps) {
        return storeFailed();
    }
    const std::string isp = ispOf(*isps, **host);
    Response response;
    appendHostJson(response.body, **host, nowMicros(), true, &isp);
    response.body += '\n';
    return withNoStore(std::move(response));
}

Response DashboardApi::stream(const Request& request) {
    auto p = params(request, {"types", "key"});
    if (!p) {
        return badRequest(p.error());
    }
    Request caller = request;
    if (auto it = p->find("key"); it != p->end()) {
        // EventSource cannot send headers: the key may come as a parameter on this route only.
        caller.authorization = "Bearer " + it->second;
        authenticator_.authenticate(caller);
        if (caller.caller == Caller::Anonymous) {
            auto response = errorResponse(401, "a valid key is required (key= or Authorization: Bearer KEY)");
            response.www_authenticate = "Bearer realm=\"kansoku\"";
            return response;
        }
    } else if (caller.caller == Caller::Anonymous) {
        auto response = errorResponse(401, "a valid key is required (key= or Authorization: Bearer KEY)");
        response.www_authenticate = "Bearer realm=\"kansoku\"";
        return response;
    }
    StreamFilter filter;
    if (auto it = p->find("types"); it != p->end()) {
        std::string_view rest = it->second;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            auto type = nameValue("types", rest.substr(0, comma), 64);
            if (!type) {
                return badRequest(type.error());
            }
            filter.types.push_back(*type);
            if (filter.types.size() > kMaxTypes) {
                return badRequest(Error{fmt::format("types may list at most {} types", kMaxTypes)});
            }
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
    }
    if (caller.caller == Caller::Tenant) {
        filter.scope = addressesOf(caller);
    }
    Response response;
    response.content_type = "text/event-stream; charset=utf-8";
    response.stream = hub_->subscribe(std::move(filter));
    return response;
}

} // namespace

void addDashboardRoutes(Router& router, store::DashboardReader& reader, store::Database& store,
                        const Authenticator& authenticator, EventHub* hub, const AddressOrigins* origins,
                        const malware::SampleReports* reports) {
    auto api = std::make_shared<DashboardApi>(reader, store, authenticator, hub, origins, reports);
    router.get("/api/v1/whoami", Caller::Tenant, [api](const Request& r) { return api->whoami(r); });
    router.get("/api/v1/overview", Caller::Tenant, [api](const Request& r) { return api->overview(r); });
    router.get("/api/v1/series/{metric}", Caller::Tenant, [api](const Request& r) { return api->series(r); });
    router.get("/api/v1/top/{kind}", Caller::Tenant, [api](const Request& r) { return api->top(r); });
    router.get("/api/v1/events", Caller::Tenant, [api](const Request& r) { return api->events(r); });
    router.get("/api/v1/scans/{id}", Caller::Tenant,
               [api](const Request& r) { return api->detail(r, "darknet.scan", "scan"); });
    router.get("/api/v1/attacks/{id}", Caller::Tenant,
               [api](const Request& r) { return api->detail(r, "ddos.attack", "attack"); });
    router.get("/api/v1/alerts/{id}", Caller::Tenant,
               [api](const Request& r) { return api->detail(r, "alert", "alert"); });
    router.get("/api/v1/sessions/{session}", Caller::Tenant, [api](const Request& r) { return api->session(r); });
    router.get("/api/v1/samples/{sha256}", Caller::Tenant, [api](const Request& r) { return api->sample(r); });
    router.get("/api/v1/hosts", Caller::Tenant, [api](const Request& r) { return api->hosts(r); });
    router.get("/api/v1/hosts/{ip}", Caller::Tenant, [api](const Request& r) { return api->host(r); });
    if (hub != nullptr) {
        // Anonymous at the router: the handler also takes the key as a parameter (EventSource).
        router.get("/api/v1/stream", Caller::Anonymous, [api](const Request& r) { return api->stream(r); });
    }
}

std::vector<std::string> dashboardPaths() {
    return {"/api/v1/whoami",   "/api/v1/overview", "/api/v1/series",  "/api/v1/top",
            "/api/v1/events",   "/api/v1/scans",    "/api/v1/attacks", "/api/v1/alerts",
            "/api/v1/sessions", "/api/v1/samples",  "/api/v1/hosts",   "/api/v1/stream"};
}

void addOpenApiRoute(Router& router) {
    router.get("/api/v1/openapi.json", Caller::Anonymous, [](const Request&) {
        Response response;
        response.content_type = "application/json";
        static const auto kBody = std::make_shared<const std::string>(openApiDocument());
        response.shared_body = kBody;
        return response;
    });
}

} // namespace kansoku::web
