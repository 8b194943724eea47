#include "web/misp_routes.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <variant>

#include <fmt/format.h>

#include "share/misp/misp_feed.h"
#include "share/misp/misp_feed_directory.h"
#include "share/misp/misp_feed_producer.h"
#include "share/sharing/partner_registry.h"
#include "web/authenticator.h"
#include "web/basic_credentials.h"
#include "web/http_date.h"

namespace kansoku::web {
namespace {

using share::stix::Tlp;

constexpr std::string_view kRealm = "Basic realm=\"kansoku MISP feed\", charset=\"UTF-8\"";

/// Who is asking: the admin (every community, every TLP) or one partner.
struct Viewer {
    std::string name;
    std::optional<std::string> community; ///< nullopt: the admin
    Tlp ceiling = Tlp::Clear;

    bool admits(Tlp tlp) const { return !community || share::stix::tlpAllows(ceiling, tlp); }
};

Response plain(unsigned status, std::string_view message) {
    auto response = errorResponse(status, message);
    if (status == 401) {
        response.www_authenticate = std::string(kRealm);
    }
    return response;
}

std::string etagOf(std::string_view body) {
    // FNV-1a, 64 bits: enough to tell two versions of one file apart.
    uint64_t h = 14695981039346656037ull;
    for (const char c : body) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    return fmt::format("\"{:016x}-{:x}\"", h, body.size());
}

class MispFeedApi {
public:
    MispFeedApi(store::Database& store, const share::SharingConfig& sharing, Duration max_age)
        : store_(store), sharing_(sharing), partners_(store, sharing), producer_(store, sharing.stix),
          max_age_(max_age) {}

    Response manifest(const Request& request);
    Response hashes(const Request& request);
    /// A file that lists the events the caller may see (manifest.json, hashes.csv), rendered by `render`.
    template <typename Render>
    Response listing(const Request& request, std::string content_type, const Render& render);
    Response event(const Request& request);

private:
    struct Cached {
        std::pair<int64_t, int64_t> stamp;
        Timestamp built = 0;
        std::shared_ptr<const share::misp::MispFeed> feed;
    };
    /// The caller and the community's feed, or the refusal.
    std::variant<std::pair<Viewer, std::shared_ptr<const share::misp::MispFeed>>, Response>
    open(const Request& request);
    std::variant<Viewer, Response> viewer(const Request& request);
    Result<std::shared_ptr<const share::misp::MispFeed>> feedOf(const std::string& community);
    void log(const Viewer& viewer, const std::string& community, int64_t events, const Request& request);

    store::Database& store_;
    const share::SharingConfig& sharing_;
    share::PartnerRegistry partners_;
    share::misp::MispFeedProducer producer_;
    Duration max_age_;
    std::map<std::string, Cached, std::less<>> feeds_;
};

std::variant<Viewer, Response> MispFeedApi::viewer(const Request& request) {
    if (request.caller == Caller::Admin) {
        return Viewer{"admin", std::nullopt, Tlp::AmberStrict};
    }
    std::string user;
    std::string secret;
    if (auto basic = basicCredentials(request.authorization)) {
        user = std::move(basic->user);
        secret = std::move(basic->password);
    } else {
        secret = std::string(bearerToken(request.authorization));
    }
    if (!secret.empty()) {
        auto found = partners_.authenticate(user, secret);
        if (!found) {
            return plain(500, "the store failed");
        }
        if (*found) {
            return Viewer{(*found)->name, (*found)->community, (*found)->ceiling};
        }
    }
    return plain(401, "HTTP Basic with the partner's name and secret, or Authorization: Bearer <secret>");
}

Result<std::shared_ptr<const share::misp::MispFeed>> MispFeedApi::feedOf(const std::string& community) {
    auto stamp = store_.changeStamp();
    KANSOKU_TRY(stamp);
    const Timestamp now = nowMicros();
    const auto it = feeds_.find(community);
    if (it != feeds_.end() && it->second.stamp == *stamp && now - it->second.built < max_age_.micros()) {
        return it->second.feed;
    }
    share::misp::MispScope scope;
    scope.community = community;
    scope.ceiling = Tlp::AmberStrict; // cut per caller
    // The community's [[sharing.community]] policy, else [sharing.stix]'s; one that cannot be read withholds.
    const share::CommunityPolicy policy = sharing_.policyOf(community);
    scope.subscribers =
        share::stix::parseSubscriberPolicy(policy.subscribers).value_or(share::stix::SubscriberPolicy::Withhold);
    scope.pseudonym_key = policy.pseudonym_key;
    auto events = producer_.produce(scope);
    KANSOKU_TRY(events);
    auto feed = std::make_shared<const share::misp::MispFeed>(share::misp::MispFeed::render(*events, producer_.org()));
    feeds_[community] = {*stamp, now, feed};
    return feed;
}

std::variant<std::pair<Viewer, std::shared_ptr<const share::misp::MispFeed>>, Response>
MispFeedApi::open(const Request& request) {
    auto v = viewer(request);
    if (auto* refused = std::get_if<Response>(&v)) {
        return std::move(*refused);
    }
    auto& who = std::get<Viewer>(v);
    const std::string& community = request.params.at("community");
    if (!sharing_.hasCommunity(community) || (who.community && *who.community != community)) {
        return plain(404, "no such feed");
    }
    auto feed = feedOf(community);
    if (!feed) {
        return plain(500, "the feed could not be built; see the server's log");
    }
    return std::make_pair(std::move(who), std::move(*feed));
}

void MispFeedApi::log(const Viewer& viewer, const std::string& community, int64_t events, const Request& request) {
    if (events == 0) {
        return;
    }
    // A failed log write does not withhold the answer; the store error is in the server log.
    (void)store_.logSharing({nowMicros(), viewer.name, community, "misp-feed", events, request.target});
    // That write is not a change of the feed's data: keep the cached feed.
    if (auto stamp = store_.changeStamp()) {
        const auto it = feeds_.find(community);
        if (it != feeds_.end()) {
            it->second.stamp = *stamp;
        }
    }
}

Response answer(std::string content_type, std::string body, int64_t newest_seconds) {
    Response response;
    response.content_type = std::move(content_type);
    response.headers.emplace_back("ETag", etagOf(body));
    if (newest_seconds > 0) {
        response.headers.emplace_back(
            "Last-Modified", httpDate(std::chrono::system_clock::time_point(std::chrono::seconds(newest_seconds))));
    }
    response.body = std::move(body);
    return response;
}

Response MispFeedApi::manifest(const Request& request) {
    return listing(request, "application/json",
                   [](const share::misp::MispFeed& feed, const auto& admit) { return feed.manifestJson(admit); });
}

Response MispFeedApi::hashes(const Request& request) {
    return listing(request, "text/csv; charset=utf-8",
                   [](const share::misp::MispFeed& feed, const auto& admit) { return feed.hashesCsv(admit); });
}

template <typename Render>
Response MispFeedApi::listing(const Request& request, std::string content_type, const Render& render) {
    auto opened = open(request);
    if (auto* refused = std::get_if<Response>(&opened)) {
        return std::move(*refused);
    }
    auto& [who, feed] = std::get<0>(opened);
    const std::function<bool(Tlp)> admit = [&who](Tlp tlp) { return who.admits(tlp); };
    int64_t events = 0;
    for (const auto& entry : feed->entries()) {
        events += admit(entry.tlp) ? 1 : 0;
    }
    auto response = answer(std::move(content_type), render(*feed, admit), feed->newest(admit));
    log(who, request.params.at("community"), events, request);
    return response;
}

Response MispFeedApi::event(const Request& request) {
    const std::string& file = request.params.at("file");
    if (file.size() != 41 || !file.ends_with(".json") || !share::misp::isEventUuid(file.substr(0, 36))) {
        return plain(404, "no such file");
    }
    auto opened = open(request);
    if (auto* refused = std::get_if<Response>(&opened)) {
        return std::move(*refused);
    }
    auto& [who, feed] = std::get<0>(opened);
    const auto* entry = feed->find(file.substr(0, 36));
    // An event above the caller's ceiling is as absent as one that does not exist.
    if (entry == nullptr || !who.admits(entry->tlp)) {
        return plain(404, "no such event");
    }
    Response response;
    response.content_type = "application/json";
    response.headers.emplace_back("ETag", etagOf(*entry->json));
    response.headers.emplace_back(
        "Last-Modified", httpDate(std::chrono::system_clock::time_point(std::chrono::seconds(entry->timestamp))));
    response.shared_body = entry->json;
    log(who, request.params.at("community"), 1, request);
    return response;
}

} // namespace

void addMispRoutes(Router& router, store::Database& store, const share::SharingConfig& sharing, Duration max_age) {
    auto api = std::make_shared<MispFeedApi>(store, sharing, max_age);
    const auto route = [&](std::string pattern, Response (MispFeedApi::*handler)(const Request&)) {
        router.add({"GET", std::move(pattern), Caller::Anonymous,
                    [api, handler](const Request& r) { return ((*api).*handler)(r); }});
    };
    route("/misp/{community}/manifest.json", &MispFeedApi::manifest);
    route("/misp/{community}/hashes.csv", &MispFeedApi::hashes);
    route("/misp/{community}/{file}", &MispFeedApi::event);
    router.errorsUnder("/misp/", [](unsigned status, std::string_view message) { return plain(status, message); });
}

} // namespace kansoku::web
