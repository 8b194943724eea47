#include "share/sharing/taxii_client.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "share/sharing/http_fetch.h"
#include "share/sharing/partner_object.h"
#include "share/stix/tlp.h"
#include "store/partner_intel_store.h"

namespace kansoku::share {
namespace {

constexpr int64_t kPageLimit = 1000;
constexpr size_t kMaxRefusals = 10;

std::string percentEncoded(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':') {
            out += c;
        } else {
            out += fmt::format("%{:02X}", u);
        }
    }
    return out;
}

std::string withSlash(std::string url) {
    if (url.empty() || url.back() != '/') {
        url += '/';
    }
    return url;
}

bool isUuid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (text[i] == '-') || (!dash && !std::isxdigit(static_cast<unsigned char>(text[i])))) {
            return false;
        }
    }
    return true;
}

/// A TAXII answer's JSON object, or why not (the status, the media type, the body).
Result<nlohmann::json> taxiiEnvelope(const FeedAnswer& answer, std::string_view what) {
    if (answer.status != 200) {
        std::string detail;
        const auto error = nlohmann::json::parse(answer.body, nullptr, false);
        if (error.is_object() && error.contains("title") && error["title"].is_string()) {
            detail = ": " + error["title"].get<std::string>().substr(0, 200);
        }
        return fail("{}: HTTP {}{}", what, answer.status, detail);
    }
    if (!answer.content_type.starts_with("application/taxii+json") &&
        !answer.content_type.starts_with("application/json")) {
        return fail("{}: the answer is {}, not application/taxii+json", what,
                    answer.content_type.empty() ? "untyped" : answer.content_type.substr(0, 100));
    }
    auto body = nlohmann::json::parse(answer.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return fail("{}: the answer is not a JSON object", what);
    }
    return body;
}

} // namespace

TaxiiClient::TaxiiClient(const FeedConfig& feed, FeedGet get, store::PartnerIntelStore& store)
    : feed_(feed), get_(std::move(get)), store_(store) {}

Result<std::string> TaxiiClient::collectionUrl() {
    const std::string root = withSlash(feed_.url);
    if (isUuid(feed_.collection)) {
        return root + "collections/" + feed_.collection + "/";
    }
    auto answer = get_(root + "collections/");
    KANSOKU_TRY(answer);
    auto listing = taxiiEnvelope(*answer, "collections of " + root);
    KANSOKU_TRY(listing);
    const auto collections = listing->find("collections");
    if (collections != listing->end() && collections->is_array()) {
        for (const auto& c : *collections) {
            if (!c.is_object() || !c.contains("id") || !c["id"].is_string()) {
                continue;
            }
            const std::string id = c["id"].get<std::string>();
            const auto text = [&c](const char* name) {
                const auto it = c.find(name);
                return it != c.end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            const std::string& wanted = feed_.collection;
            if ((id == wanted || text("title") == wanted || text("alias") == wanted) && isUuid(id)) {
                if (!c.value("can_read", false)) {
                    return fail("feed {}: collection {} is not readable with these credentials", feed_.name,
                                feed_.collection);
                }
                return root + "collections/" + id + "/";
            }
        }
    }
    return fail("feed {}: {} has no collection with the id or title '{}'", feed_.name, root, feed_.collection);
}

Result<PullCounts> TaxiiClient::pull(Timestamp now) {
    auto previous = store_.feedState(feed_.name);
    KANSOKU_TRY(previous);
    store::FeedStateRecord state = previous->value_or(store::FeedStateRecord{feed_.name, {}, 0, 0, 0, 0, {}});
    state.last_attempt = now;
    PullCounts counts;
    counts.added_after = state.added_after;
    auto collection = collectionUrl();
    Result<void> walked = collection ? walk(*collection, counts, now) : Result<void>(fail(collection.error()));
    state.objects += counts.kept;
    state.refused += counts.refused;
    if (walked) {
        state.added_after = counts.added_after;
        state.last_success = now;
        state.last_error.clear();
    } else {
        state.last_error = walked.error().message.substr(0, 500);
    }
    KANSOKU_TRY(store_.putFeedState(state));
    if (!walked) {
        return fail(walked.error());
    }
    return counts;
}

Result<void> TaxiiClient::walk(std::string_view collection_url, PullCounts& counts, Timestamp now) {
    const stix::Tlp default_tlp = stix::parseTlp(feed_.tlp).value_or(stix::Tlp::Amber);
    std::string filters = fmt::format("limit={}", std::min<int64_t>(kPageLimit, feed_.max_objects));
    if (!counts.added_after.empty()) {
        filters += "&added_after=" + percentEncoded(counts.added_after);
    }
    std::string next;
    std::set<std::string> tokens_seen;
    std::string watermark = counts.added_after;
    while (true) {
        if (counts.pages >= feed_.max_pages) {
            return fail("feed {}: stopped after {} pages (max_pages); the server still says there is more", feed_.name,
                        counts.pages);
        }
        const std::string url = fmt::format("{}objects/?{}{}", collection_url, filters,
                                            next.empty() ? std::string() : "&next=" + percentEncoded(next));
        auto answer = get_(url);
        KANSOKU_TRY(answer);
        auto envelope = taxiiEnvelope(*answer, fmt::format("feed {} page {}", feed_.name, counts.pages + 1));
        KANSOKU_TRY(envelope);
        ++counts.pages;
        std::vector<store::PartnerObjectRecord> objects;
        std::vector<store::PartnerIndicatorRecord> values;
        if (const auto list = envelope->find("objects"); list != envelope->end()) {
            if (!list->is_array()) {
                return fail("feed {} page {}: objects is not a list", feed_.name, counts.pages);
            }
            for (const auto& o : *list) {
                ++counts.received;
                auto read = readPartnerObject(feed_.name, o, default_tlp, now);
                if (auto* why = std::get_if<std::string>(&read)) {
                    ++counts.refused;
                    if (counts.refusals.size() < kMaxRefusals) {
                        const std::string id = o.is_object() && o.contains("id") && o["id"].is_string()
                                                   ? o["id"].get<std::string>().substr(0, 100)
                                                   : std::string("?");
                        counts.refusals.push_back(id + ": " + *why);
                    }
                    continue;
                }
                auto& object = std::get<PartnerObject>(read);
                counts.unmatched += object.unmatched_pattern ? 1 : 0;
                counts.values += static_cast<int64_t>(object.values.size());
                objects.push_back(std::move(object.object));
                for (auto& v : object.values) {
                    values.push_back(std::move(v));
                }
            }
        }
        auto kept = store_.putPartnerObjects(feed_.name, objects, values);
        KANSOKU_TRY(kept);
        counts.kept += *kept;
        const auto last = parseRfc3339(answer->date_added_last);
        if (last && (watermark.empty() || *last > parseRfc3339(watermark).value_or(0))) {
            watermark = answer->date_added_last;
        }
        const auto more = envelope->find("more");
        const bool has_more = more != envelope->end() && more->is_boolean() && more->get<bool>();
        if (!has_more) {
            break;
        }
        if (counts.received >= feed_.max_objects) {
            return fail("feed {}: stopped at {} objects (max_objects); the server still says there is more", feed_.name,
                        counts.received);
        }
        const auto token = envelope->find("next");
        if (token != envelope->end() && token->is_string() && !token->get_ref<const std::string&>().empty()) {
            next = token->get<std::string>().substr(0, 1024);
            if (!tokens_seen.insert(next).second) {
                return fail("feed {}: the server gave the same next token twice (a loop)", feed_.name);
            }
            continue;
        }
        // No `next`: TAXII 2.1 lets a client page by added_after = the last page's X-TAXII-Date-Added-Last.
        if (watermark.empty() || watermark == counts.added_after || answer->date_added_last.empty()) {
            return fail("feed {}: the server says more but gives neither next nor a later X-TAXII-Date-Added-Last",
                        feed_.name);
        }
        counts.added_after = watermark;
        filters = fmt::format("limit={}&added_after={}", std::min<int64_t>(kPageLimit, feed_.max_objects),
                              percentEncoded(watermark));
    }
    counts.added_after = watermark;
    return {};
}

Result<FeedGet> feedGet(const FeedConfig& feed, std::function<bool()> cancelled, std::string_view accept) {
    HttpFetchOptions options;
    options.headers.push_back("Accept: " + std::string(accept));
    if (!feed.username.empty()) {
        auto password = resolveSecret(feed.password);
        if (!password) {
            return fail("feed {}: password: {}", feed.name, password.error().message);
        }
        options.username = feed.username;
        options.password = std::move(*password);
    }
    if (!feed.api_key.empty()) {
        auto key = resolveSecret(feed.api_key);
        if (!key) {
            return fail("feed {}: api_key: {}", feed.name, key.error().message);
        }
        options.headers.push_back(feed.api_key_header + ": " + *key);
    }
    options.timeout = feed.timeout;
    options.ca_file = feed.ca_file;
    options.cancelled = std::move(cancelled);
    return FeedGet([options = std::move(options)](const std::string& url) -> Result<FeedAnswer> {
        auto answer = httpGet(url, options);
        KANSOKU_TRY(answer);
        return FeedAnswer{answer->status, std::move(answer->content_type), std::move(answer->date_added_last),
                          std::move(answer->body)};
    });
}

} // namespace kansoku::share
