#include "web/isp_routes.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <memory>
#include <variant>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "common/printable.h"
#include "share/isp/remediation.h"
#include "web/host_json.h"
#include "web/query_params.h"
#include "web/response_cache.h"

namespace kansoku::web {
namespace {

constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxLimit = 1000;
constexpr size_t kMaxFamily = 64;
constexpr size_t kMaxNote = 2000;
constexpr size_t kShown = 64; // of a bad value, in an error message
// Host pages kept rendered (ResponseCache): enough for every page of a few busy tenants.
constexpr size_t kCachedPages = 512;
constexpr size_t kCachedBytes = size_t{128} << 20;
constexpr Duration kCacheMaxAge = Duration::fromMinutes(1);
/// How long a page asked with a relative since= (24h) stays: its window moves with the clock.
constexpr Timestamp kRelativeSinceStale = kMicrosPerSecond;

/// The `next` cursor: the last address of a page as 32 hex digits (its 16-byte form).
std::string cursorOf(const IpAddress& ip) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const uint8_t byte : ip.bytes()) {
        out += kHex[byte >> 4];
        out += kHex[byte & 0x0f];
    }
    return out;
}

std::optional<IpAddress> parseCursor(std::string_view text) {
    std::array<uint8_t, 16> bytes{};
    if (text.size() != bytes.size() * 2) {
        return std::nullopt;
    }
    for (size_t i = 0; i < bytes.size(); ++i) {
        const int hi = hexDigitValue(text[2 * i]);
        const int lo = hexDigitValue(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return std::nullopt;
        }
        bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return IpAddress::fromV6(bytes.data());
}

/// What is asked, by whom, with which parameters: the key of its answer in the cache.
std::string cacheKey(std::string_view what, const Request& request, const QueryParams& params) {
    std::string key(what);
    key += request.caller == Caller::Tenant ? "\nt:" + request.tenant : std::string("\na:");
    for (const auto& [name, value] : params) {
        key += fmt::format("\n{}={}", name, value);
    }
    return key;
}

Response storeFailed() {
    return errorResponse(500, "the store failed; see the server's log");
}

Response noSuchHost(const Request& request, std::string_view ip) {
    // The same words whether the host does not exist or belongs to someone else.
    return errorResponse(404, request.caller == Caller::Tenant
                                  ? fmt::format("no infected host {} in your address space", ip)
                                  : fmt::format("no infected host {}", ip));
}

class IspApi {
public:
    explicit IspApi(store::Database& store) : store_(store), pages_(kCachedPages, kCachedBytes, kCacheMaxAge) {}

    Response hosts(const Request& request);
    Response host(const Request& request);
    Response feedback(const Request& request);
    Response remediation(const Request& request);

private:
    /// The space the caller asks about: a tenant's own (isp= other than itself is 403), for the
    /// admin everything or the ISP named by isp= (404 if none). Sets `error` when refused.
    std::optional<AddressScope> space(const Request& request, const QueryParams& params,
                                      std::optional<Response>& error);
    /// The host `ip` if it exists and the caller may see it; else the response to send.
    std::variant<store::InfectedHostRecord, Response> visibleHost(const Request& request);

    /// The page of hosts for `query`, rendered; `stale` becomes the first time after `now` at which
    /// it would read differently without a change to the store (a notice link expiring).
    Result<std::string> renderHosts(store::HostQuery query, int64_t limit, Timestamp now, Timestamp& stale);

    store::Database& store_;
    ResponseCache pages_; ///< rendered host pages and remediation figures, by caller and parameters
};

std::optional<AddressScope> IspApi::space(const Request& request, const QueryParams& params,
                                          std::optional<Response>& error) {
    const auto isp = params.find("isp");
    if (request.caller == Caller::Tenant) {
        if (isp != params.end() && isp->second != request.tenant) {
            error = errorResponse(403, "isp= is for the admin key; a tenant sees its own space");
        }
        return request.scope ? *request.scope : AddressScope{};
    }
    if (isp == params.end()) {
        return std::nullopt;
    }
    auto record = store_.isp(isp->second);
    if (!record) {
        error = storeFailed();
    } else if (!record->has_value()) {
        error = errorResponse(404, fmt::format("no ISP named '{}'", escapeNonPrintable(isp->second, kShown)));
    } else {
        return (*record)->scope;
    }
    return std::nullopt;
}

Response IspApi::hosts(const Request& request) {
    auto params = parseQueryParams(request.query, {"limit", "next", "since", "family", "isp"});
    if (!params) {
        return errorResponse(400, params.error().message);
    }
    std::optional<Response> refused;
    store::HostQuery query;
    query.scope = space(request, *params, refused);
    if (refused) {
        return *refused;
    }
    int64_t limit = kDefaultLimit;
    if (auto it = params->find("limit"); it != params->end()) {
        const auto& text = it->second;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
        if (ec != std::errc() || end != text.data() + text.size() || limit < 1 || limit > kMaxLimit) {
            return errorResponse(400, fmt::format("limit must be a whole number from 1 to {}", kMaxLimit));
        }
    }
    const Timestamp now = nowMicros();
    if (auto it = params->find("next"); it != params->end()) {
        query.after = parseCursor(it->second);
        if (!query.after) {
            return errorResponse(400, "next is not a cursor this API gave out");
        }
    }
    if (auto it = params->find("since"); it != params->end()) {
        query.seen_since = parseSince(it->second, now);
        if (!query.seen_since) {
            return errorResponse(400, fmt::format("since '{}' is neither an RFC 3339 time nor a duration such as 24h",
                                                  escapeNonPrintable(it->second, kShown)));
        }
    }
    if (auto it = params->find("family"); it != params->end()) {
        if (it->second.empty() || it->second.size() > kMaxFamily) {
            return errorResponse(400, fmt::format("family must be 1 to {} characters", kMaxFamily));
        }
        query.family = it->second;
    }
    // The same question from the same caller gets the same page until the store changes.
    const std::string cache_key = cacheKey("hosts", request, *params);
    const auto stamp = store_.changeStamp();
    if (!stamp) {
        return storeFailed();
    }
    Response response;
    response.shared_body = pages_.find(cache_key, *stamp, now);
    if (response.shared_body) {
        return response;
    }
    Timestamp stale = std::numeric_limits<Timestamp>::max();
    if (const auto since = params->find("since"); since != params->end() && !parseRfc3339(since->second)) {
        stale = now + kRelativeSinceStale;
    }
    auto body = renderHosts(std::move(query), limit, now, stale);
    if (!body) {
        return storeFailed();
    }
    response.shared_body = std::make_shared<const std::string>(std::move(*body));
    pages_.put(cache_key, *stamp, now, stale, response.shared_body);
    return response;
}

Result<std::string> IspApi::renderHosts(store::HostQuery query, int64_t limit, Timestamp now, Timestamp& stale) {
    query.limit = limit + 1; // one more tells whether there is a next page
    query.evidence = false;  // a list does not show it
    std::string body;
    body.reserve(static_cast<size_t>(limit) * 600 + 64); // a host is 400-550 bytes: one allocation
    body += "{\"hosts\":[";
    int64_t count = 0;
    bool more = false;
    IpAddress last;
    auto walked = store_.forEachInfectedHost(query, [&](const store::InfectedHostRecord& host) {
        if (count == limit) {
            more = true;
            return false;
        }
        if (count++ > 0) {
            body += ',';
        }
        appendHostJson(body, host, now, false);
        if (host.notice_expires && *host.notice_expires > now) {
            stale = std::min(stale, *host.notice_expires);
        }
        last = host.ip;
        return true;
    });
    KANSOKU_TRY(walked);
    body += fmt::format("],\"count\":{},\"next\":", count);
    body += more ? "\"" + cursorOf(last) + "\"" : std::string("null");
    body += "}\n";
    return body;
}

std::variant<store::InfectedHostRecord, Response> IspApi::visibleHost(const Request& request) {
    const std::string& text = request.params.at("ip");
    const auto ip = IpAddress::parse(text);
    if (!ip) {
        return errorResponse(400, fmt::format("'{}' is not an IPv4 or IPv6 address", escapeNonPrintable(text, kShown)));
    }
    auto host = store_.infectedHost(*ip);
    if (!host) {
        return storeFailed();
    }
    if (!host->has_value() ||
        (request.caller == Caller::Tenant && (!request.scope || !request.scope->contains((*host)->ip, (*host)->asn)))) {
        return noSuchHost(request, ip->toString());
    }
    return std::move(**host);
}

Response IspApi::host(const Request& request) {
    auto found = visibleHost(request);
    if (auto* refused = std::get_if<Response>(&found)) {
        return *refused;
    }
    Response response;
    appendHostJson(response.body, std::get<store::InfectedHostRecord>(found), nowMicros(), true);
    response.body += '\n';
    return response;
}

Response IspApi::feedback(const Request& request) {
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return errorResponse(400, "the body must be a JSON object: {\"state\": \"...\", \"note\": \"...\"}");
    }
    const auto state_field = body.find("state");
    const auto state = state_field != body.end() && state_field->is_string()
                           ? store::parseHostState(state_field->get<std::string>())
                           : std::nullopt;
    if (!state || *state == store::HostState::New || *state == store::HostState::Reinfected) {
        return errorResponse(400, "state must be one of notified, remediated, disputed, false_positive");
    }
    std::string note;
    if (const auto it = body.find("note"); it != body.end()) {
        if (!it->is_string() || it->get_ref<const std::string&>().size() > kMaxNote) {
            return errorResponse(400, fmt::format("note must be a string of at most {} bytes", kMaxNote));
        }
        note = it->get<std::string>();
    }
    auto found = visibleHost(request);
    if (auto* refused = std::get_if<Response>(&found)) {
        return *refused;
    }
    const auto& host = std::get<store::InfectedHostRecord>(found);
    const std::string isp = request.caller == Caller::Tenant ? request.tenant : std::string("admin");
    if (!store_.recordFeedback({isp, host.ip, *state, nowMicros(), std::move(note)})) {
        return storeFailed();
    }
    auto updated = store_.infectedHost(host.ip);
    if (!updated || !updated->has_value()) {
        return storeFailed();
    }
    Response response;
    appendHostJson(response.body, **updated, nowMicros(), true);
    response.body += '\n';
    return response;
}

Response IspApi::remediation(const Request& request) {
    auto params = parseQueryParams(request.query, {"isp"});
    if (!params) {
        return errorResponse(400, params.error().message);
    }
    std::vector<store::IspRecord> isps;
    if (request.caller == Caller::Tenant) {
        if (auto it = params->find("isp"); it != params->end() && it->second != request.tenant) {
            return errorResponse(403, "isp= is for the admin key; a tenant sees its own figures");
        }
        store::IspRecord own;
        own.name = request.tenant;
        own.scope = request.scope ? *request.scope : AddressScope{};
        isps.push_back(std::move(own));
    } else if (auto it = params->find("isp"); it != params->end()) {
        auto isp = store_.isp(it->second);
        if (!isp) {
            return storeFailed();
        }
        if (!isp->has_value()) {
            return errorResponse(404, fmt::format("no ISP named '{}'", escapeNonPrintable(it->second, kShown)));
        }
        isps.push_back(std::move(**isp));
    } else {
        auto all = store_.isps();
        if (!all) {
            return storeFailed();
        }
        isps = std::move(*all);
    }
    // Reading every host of an ISP takes long on the server's thread: the answer is kept until the store changes.
    const auto stamp = store_.changeStamp();
    if (!stamp) {
        return storeFailed();
    }
    const std::string cache_key = cacheKey("remediation", request, *params);
    const Timestamp now = nowMicros();
    Response response;
    response.shared_body = pages_.find(cache_key, *stamp, now);
    if (response.shared_body) {
        return response;
    }
    auto report = share::isp::computeRemediation(store_, isps);
    if (!report) {
        return storeFailed();
    }
    response.shared_body = std::make_shared<const std::string>(share::isp::remediationJson(*report).dump() + "\n");
    pages_.put(cache_key, *stamp, now, std::numeric_limits<Timestamp>::max(), response.shared_body);
    return response;
}

} // namespace

void addIspRoutes(Router& router, store::Database& store) {
    auto api = std::make_shared<IspApi>(store);
    router.get("/api/v1/isp/hosts", Caller::Tenant, [api](const Request& r) { return api->hosts(r); });
    router.get("/api/v1/isp/hosts/{ip}", Caller::Tenant, [api](const Request& r) { return api->host(r); });
    router.add({"POST", "/api/v1/isp/hosts/{ip}/feedback", Caller::Tenant,
                [api](const Request& r) { return api->feedback(r); }});
    router.get("/api/v1/isp/remediation", Caller::Tenant, [api](const Request& r) { return api->remediation(r); });
}

} // namespace kansoku::web
