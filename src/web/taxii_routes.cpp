#include "web/taxii_routes.h"

#include <map>
#include <optional>
#include <variant>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "common/uuid.h"
#include "share/sharing/partner_registry.h"
#include "share/stix/tlp.h"
#include "web/authenticator.h"
#include "web/basic_credentials.h"
#include "web/taxii_contribution.h"
#include "web/taxii_filter.h"
#include "web/taxii_media.h"

namespace kansoku::web {
namespace {

constexpr std::string_view kPublished = share::kPublishedCollection;
constexpr std::string_view kContributions = share::kContributionsCollection;
constexpr std::string_view kRealm = "Basic realm=\"kansoku TAXII\", charset=\"UTF-8\"";

Response taxiiJson(unsigned status, const nlohmann::json& body) {
    Response response;
    response.status = status;
    response.content_type = std::string(kTaxiiMediaType);
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    return response;
}

/// Who is asking: the admin (every community, every TLP) or one partner.
struct Viewer {
    std::string name;                     ///< the partner, or "admin"
    std::optional<std::string> community; ///< nullopt: the admin, who sees every community
    std::vector<std::string> tlps;        ///< the TLP names it may receive
    bool admin = false;

    bool sees(std::string_view root) const { return !community || *community == root; }
};

class TaxiiApi {
public:
    TaxiiApi(store::Database& store, const share::SharingConfig& config, int64_t max_body)
        : store_(store), config_(config), partners_(store, config), max_body_(max_body) {}

    Response discovery(const Request& request);
    Response apiRoot(const Request& request);
    Response collections(const Request& request);
    Response collection(const Request& request);
    Response objects(const Request& request);
    Response addObjects(const Request& request);
    Response object(const Request& request);
    Response versions(const Request& request);
    Response manifest(const Request& request);
    Response status(const Request& request);

private:
    struct Collection {
        std::string name;
        std::string id;
        bool can_write = false;
    };
    /// The caller, or the answer refusing it (401, 406).
    std::variant<Viewer, Response> viewer(const Request& request);
    /// The caller and the root of the request's {root}, or a refusal / 404.
    std::variant<Viewer, Response> rootViewer(const Request& request);
    /// The root's collections as `viewer` sees them.
    Result<std::vector<Collection>> collectionsOf(std::string_view root, const Viewer& viewer);
    /// The caller and the collection of the request's {root} and {id}, or a refusal / 404.
    std::variant<std::pair<Viewer, Collection>, Response> collectionViewer(const Request& request);
    nlohmann::json collectionJson(const Collection& collection) const;
    /// A page of objects for the list endpoints; `shape` renders one record.
    Response page(const Request& request, std::string_view list_name, std::initializer_list<std::string_view> matches,
                  const std::function<void(store::SharedObjectQuery&)>& narrow,
                  const std::function<void(std::string&, const store::SharedObjectRecord&)>& shape);
    void log(const Viewer& viewer, std::string_view community, int64_t objects, const Request& request);
    std::string baseUrl(const Request& request) const;

    store::Database& store_;
    const share::SharingConfig& config_;
    share::PartnerRegistry partners_;
    int64_t max_body_;
    std::map<std::pair<std::string, std::string>, std::string> collection_ids_; ///< (root, name) -> id
};

Response storeFailed() {
    return taxiiError(500, "the store failed", "see the server's log");
}

std::variant<Viewer, Response> TaxiiApi::viewer(const Request& request) {
    if (!acceptsTaxii(request.accept)) {
        return taxiiError(406, "not acceptable",
                          fmt::format("this server answers only {} (send it in Accept)", kTaxiiMediaType));
    }
    if (request.caller == Caller::Admin) {
        Viewer admin{"admin", std::nullopt, {}, true};
        for (const auto tlp : {share::stix::Tlp::Clear, share::stix::Tlp::Green, share::stix::Tlp::Amber,
                               share::stix::Tlp::AmberStrict, share::stix::Tlp::Red}) {
            admin.tlps.emplace_back(share::stix::tlpName(tlp));
        }
        return admin;
    }
    std::string user;
    std::string secret;
    if (auto basic = basicCredentials(request.authorization)) {
        user = std::move(basic->user);
        secret = std::move(basic->password);
    } else {
        secret = std::string(bearerToken(request.authorization));
    }
    std::optional<share::Partner> partner;
    if (!secret.empty()) {
        auto found = partners_.authenticate(user, secret);
        if (!found) {
            return storeFailed();
        }
        partner = std::move(*found);
    }
    if (!partner) {
        auto response = taxiiError(401, "authentication required",
                                   "HTTP Basic with the partner's name and secret, or Authorization: Bearer <secret>");
        response.www_authenticate = std::string(kRealm);
        return response;
    }
    Viewer viewer{partner->name, partner->community, {}, false};
    for (const auto tlp : {share::stix::Tlp::Clear, share::stix::Tlp::Green, share::stix::Tlp::Amber,
                           share::stix::Tlp::AmberStrict, share::stix::Tlp::Red}) {
        if (share::stix::tlpAllows(partner->ceiling, tlp)) {
            viewer.tlps.emplace_back(share::stix::tlpName(tlp));
        }
    }
    return viewer;
}

std::variant<Viewer, Response> TaxiiApi::rootViewer(const Request& request) {
    auto v = viewer(request);
    if (auto* viewer = std::get_if<Viewer>(&v)) {
        const auto& root = request.params.at("root");
        if (!config_.hasCommunity(root) || !viewer->sees(root)) {
            return taxiiError(404, "no such API root");
        }
    }
    return v;
}

Result<std::vector<TaxiiApi::Collection>> TaxiiApi::collectionsOf(std::string_view root, const Viewer& viewer) {
    std::vector<Collection> out;
    std::vector<std::pair<std::string_view, bool>> names = {{kPublished, viewer.admin}};
    if (config_.isWritable(root)) {
        names.emplace_back(kContributions, true);
    }
    for (const auto& [name, can_write] : names) {
        const auto key = std::make_pair(std::string(root), std::string(name));
        auto it = collection_ids_.find(key);
        if (it == collection_ids_.end()) {
            auto id = store_.collectionId(root, name);
            KANSOKU_TRY(id);
            it = collection_ids_.emplace(key, std::move(*id)).first;
        }
        out.push_back({std::string(name), it->second, can_write});
    }
    return out;
}

std::variant<std::pair<Viewer, TaxiiApi::Collection>, Response> TaxiiApi::collectionViewer(const Request& request) {
    auto v = rootViewer(request);
    if (auto* refused = std::get_if<Response>(&v)) {
        return std::move(*refused);
    }
    auto& viewer = std::get<Viewer>(v);
    auto collections = collectionsOf(request.params.at("root"), viewer);
    if (!collections) {
        return storeFailed();
    }
    for (auto& c : *collections) {
        if (c.id == request.params.at("id")) {
            return std::make_pair(std::move(viewer), std::move(c));
        }
    }
    return taxiiError(404, "no such collection");
}

nlohmann::json TaxiiApi::collectionJson(const Collection& collection) const {
    const bool published = collection.name == kPublished;
    return {{"id", collection.id},
            {"title", published ? "kansoku observations" : "partner contributions"},
            {"description", published ? "what this center observed and analysed, for this community"
                                      : "what the community's partners contributed"},
            {"alias", collection.name},
            {"can_read", true},
            {"can_write", collection.can_write},
            {"media_types", {kStixMediaType}}};
}

std::string TaxiiApi::baseUrl(const Request& request) const {
    return fmt::format("{}://{}", request.tls ? "https" : "http", request.host.empty() ? "127.0.0.1" : request.host);
}

void TaxiiApi::log(const Viewer& viewer, std::string_view community, int64_t objects, const Request& request) {
    if (objects == 0) {
        return;
    }
    // A failed log write does not withhold the answer; the store error is in the server log.
    (void)store_.logSharing({nowMicros(), viewer.name, std::string(community), "taxii", objects, request.target});
}

Response TaxiiApi::discovery(const Request& request) {
    auto v = viewer(request);
    if (auto* refused = std::get_if<Response>(&v)) {
        return std::move(*refused);
    }
    const auto& viewer = std::get<Viewer>(v);
    auto roots = nlohmann::json::array();
    for (const auto& community : config_.communities) {
        if (viewer.sees(community)) {
            roots.push_back(fmt::format("{}/taxii2/{}/", baseUrl(request), community));
        }
    }
    nlohmann::json body = {{"title", config_.title},
                           {"description", "kansoku: darknet, honeypot and sandbox observations shared under TLP 2.0"},
                           {"api_roots", roots}};
    if (!config_.contact.empty()) {
        body["contact"] = config_.contact;
    }
    if (roots.size() == 1) {
        body["default"] = roots[0];
    }
    return taxiiJson(200, body);
}

Response TaxiiApi::apiRoot(const Request& request) {
    auto v = rootViewer(request);
    if (auto* refused = std::get_if<Response>(&v)) {
        return std::move(*refused);
    }
    const auto& root = request.params.at("root");
    return taxiiJson(200, {{"title", fmt::format("{} community", root)},
                           {"description", fmt::format("what {} shares with the {} community", config_.title, root)},
                           {"versions", {kTaxiiMediaType}},
                           {"max_content_length", max_body_}});
}

Response TaxiiApi::collections(const Request& request) {
    auto v = rootViewer(request);
    if (auto* refused = std::get_if<Response>(&v)) {
        return std::move(*refused);
    }
    auto collections = collectionsOf(request.params.at("root"), std::get<Viewer>(v));
    if (!collections) {
        return storeFailed();
    }
    auto list = nlohmann::json::array();
    for (const auto& c : *collections) {
        list.push_back(collectionJson(c));
    }
    return taxiiJson(200, {{"collections", list}});
}

Response TaxiiApi::collection(const Request& request) {
    auto found = collectionViewer(request);
    if (auto* refused = std::get_if<Response>(&found)) {
        return std::move(*refused);
    }
    return taxiiJson(200, collectionJson(std::get<0>(found).second));
}

Response TaxiiApi::page(const Request& request, std::string_view list_name,
                        std::initializer_list<std::string_view> matches,
                        const std::function<void(store::SharedObjectQuery&)>& narrow,
                        const std::function<void(std::string&, const store::SharedObjectRecord&)>& shape) {
    auto found = collectionViewer(request);
    if (auto* refused = std::get_if<Response>(&found)) {
        return std::move(*refused);
    }
    auto& [viewer, collection] = std::get<0>(found);
    auto filter = parseTaxiiFilter(request.path, request.query, matches, config_.max_page);
    if (!filter) {
        return taxiiError(400, "bad filter", filter.error().message);
    }
    auto& query = filter->query;
    query.collection = collection.id;
    query.tlps = viewer.tlps;
    narrow(query);
    auto records = store_.sharedObjects(query);
    if (!records) {
        return storeFailed();
    }
    const bool more = static_cast<int64_t>(records->size()) > filter->limit;
    if (more) {
        records->pop_back();
    }
    std::string body = "{\"more\":";
    body += more ? "true" : "false";
    if (more) {
        body += ",\"next\":\"" + taxiiNextToken(*filter, records->back().seq) + "\"";
    }
    Response response;
    response.content_type = std::string(kTaxiiMediaType);
    if (!records->empty()) {
        body += fmt::format(",\"{}\":[", list_name);
        for (size_t i = 0; i < records->size(); ++i) {
            body += i > 0 ? "," : "";
            shape(body, (*records)[i]);
        }
        body += ']';
        response.headers.emplace_back("X-TAXII-Date-Added-First", formatRfc3339(records->front().date_added));
        response.headers.emplace_back("X-TAXII-Date-Added-Last", formatRfc3339(records->back().date_added));
    }
    body += "}\n";
    response.body = std::move(body);
    if (list_name == "objects") {
        log(viewer, request.params.at("root"), static_cast<int64_t>(records->size()), request);
    }
    return response;
}

void rawObject(std::string& out, const store::SharedObjectRecord& record) {
    out += record.json;
}

Response TaxiiApi::objects(const Request& request) {
    return page(
        request, "objects", {"id", "type", "version", "spec_version"}, [](store::SharedObjectQuery&) {}, rawObject);
}

Response TaxiiApi::object(const Request& request) {
    const std::string& id = request.params.at("object");
    auto response = page(
        request, "objects", {"version", "spec_version"}, [&](store::SharedObjectQuery& q) { q.ids = {id}; }, rawObject);
    // An object the caller may not see is as absent as one that does not exist.
    if (response.status == 200 && response.headers.empty()) {
        return taxiiError(404, "no such object", id);
    }
    return response;
}

Response TaxiiApi::versions(const Request& request) {
    const std::string& id = request.params.at("object");
    auto response = page(
        request, "versions", {"spec_version"},
        [&](store::SharedObjectQuery& q) {
            q.ids = {id};
            q.all_versions = true;
        },
        [](std::string& out, const store::SharedObjectRecord& record) {
            out += nlohmann::json(record.version).dump();
        });
    if (response.status == 200 && response.headers.empty()) {
        return taxiiError(404, "no such object", id);
    }
    return response;
}

Response TaxiiApi::manifest(const Request& request) {
    return page(
        request, "objects", {"id", "type", "version", "spec_version"}, [](store::SharedObjectQuery&) {},
        [](std::string& out, const store::SharedObjectRecord& record) {
            out += nlohmann::json({{"id", record.id},
                                   {"date_added", formatRfc3339(record.date_added)},
                                   {"version", record.version},
                                   {"media_type", kStixMediaType}})
                       .dump();
        });
}

Response TaxiiApi::addObjects(const Request& request) {
    if (!isTaxiiContentType(request.content_type)) {
        return taxiiError(415, "unsupported media type", fmt::format("send the envelope as {}", kTaxiiMediaType));
    }
    auto found = collectionViewer(request);
    if (auto* refused = std::get_if<Response>(&found)) {
        return std::move(*refused);
    }
    auto& [viewer, collection] = std::get<0>(found);
    if (!collection.can_write) {
        return taxiiError(403, "this collection is read-only for you");
    }
    const Timestamp now = nowMicros();
    auto contribution =
        readContribution(request.body, collection.id, viewer.name, static_cast<size_t>(config_.max_post_objects));
    if (!contribution) {
        return taxiiError(400, "bad envelope", contribution.error().message);
    }
    for (auto& record : contribution->accepted) {
        if (record.version.empty()) { // neither modified nor created (an SCO): its version is when it came
            record.version = formatRfc3339(now);
            record.version_us = now;
        }
    }
    if (!store_.addSharedObjects(contribution->accepted, now)) {
        return storeFailed();
    }
    const std::string status_id = randomUuid();
    std::string status = contributionStatus(*contribution, status_id, now);
    if (!store_.putSharingStatus({status_id, request.params.at("root"), viewer.name, now, status})) {
        return storeFailed();
    }
    Response response;
    response.status = 202;
    response.content_type = std::string(kTaxiiMediaType);
    response.body = std::move(status) + "\n";
    return response;
}

Response TaxiiApi::status(const Request& request) {
    auto v = rootViewer(request);
    if (auto* refused = std::get_if<Response>(&v)) {
        return std::move(*refused);
    }
    const auto& viewer = std::get<Viewer>(v);
    auto found = store_.sharingStatus(request.params.at("status"));
    if (!found) {
        return storeFailed();
    }
    if (!*found || (*found)->community != request.params.at("root") ||
        (!viewer.admin && (*found)->partner != viewer.name)) {
        return taxiiError(404, "no such status");
    }
    Response response;
    response.content_type = std::string(kTaxiiMediaType);
    response.body = (*found)->json + "\n";
    return response;
}

} // namespace

Response taxiiError(unsigned status, std::string_view title, std::string_view description) {
    nlohmann::json body = {{"title", title}, {"http_status", std::to_string(status)}};
    if (!description.empty()) {
        body["description"] = description;
    }
    return taxiiJson(status, body);
}

void addTaxiiRoutes(Router& router, store::Database& store, const share::SharingConfig& config, int64_t max_body) {
    auto api = std::make_shared<TaxiiApi>(store, config, max_body);
    const auto route = [&](std::string method, std::string pattern, Response (TaxiiApi::*handler)(const Request&)) {
        router.add({std::move(method), std::move(pattern), Caller::Anonymous,
                    [api, handler](const Request& r) { return ((*api).*handler)(r); }});
    };
    route("GET", "/taxii2/", &TaxiiApi::discovery);
    route("GET", "/taxii2/{root}/", &TaxiiApi::apiRoot);
    route("GET", "/taxii2/{root}/collections/", &TaxiiApi::collections);
    route("GET", "/taxii2/{root}/collections/{id}/", &TaxiiApi::collection);
    route("GET", "/taxii2/{root}/collections/{id}/objects/", &TaxiiApi::objects);
    route("POST", "/taxii2/{root}/collections/{id}/objects/", &TaxiiApi::addObjects);
    route("GET", "/taxii2/{root}/collections/{id}/objects/{object}/", &TaxiiApi::object);
    route("GET", "/taxii2/{root}/collections/{id}/objects/{object}/versions/", &TaxiiApi::versions);
    route("GET", "/taxii2/{root}/collections/{id}/manifest/", &TaxiiApi::manifest);
    route("GET", "/taxii2/{root}/status/{status}/", &TaxiiApi::status);
    router.errorsUnder("/taxii2/", [](unsigned status, std::string_view message) {
        auto response = taxiiError(status, message);
        if (status == 401) {
            response.www_authenticate = std::string(kRealm);
        }
        return response;
    });
}

} // namespace kansoku::web
