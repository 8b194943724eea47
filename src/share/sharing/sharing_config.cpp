#include "share/sharing/sharing_config.h"

#include <algorithm>

namespace kansoku::share {

bool SharingConfig::hasCommunity(std::string_view name) const {
    return std::find(communities.begin(), communities.end(), name) != communities.end();
}

bool SharingConfig::isWritable(std::string_view name) const {
    return hasCommunity(name) && std::find(writable.begin(), writable.end(), name) != writable.end();
}

CommunityPolicy SharingConfig::policyOf(std::string_view community) const {
    for (const auto& policy : community_policies) {
        if (policy.name == community) {
            return policy;
        }
    }
    return CommunityPolicy{std::string(community), stix.subscribers, stix.pseudonym_key};
}

const FeedConfig* SharingConfig::feed(std::string_view name) const {
    for (const auto& f : feeds) {
        if (f.name == name) {
            return &f;
        }
    }
    return nullptr;
}

std::string SharingConfig::sightingCommunity(const FeedConfig& f) const {
    if (!f.community.empty() || communities.empty()) {
        return f.community;
    }
    return communities.front();
}

bool validCommunityName(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '-' || name.front() == '_') {
        return false;
    }
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; });
}

void visitConfig(ConfigVisitor& v, SharingConfig& c) {
    v.texts("communities", c.communities,
            "sharing communities, each a TAXII 2.1 API root at /taxii2/<name>/ (names: a-z, 0-9, - and _)");
    v.texts("writable", c.writable, "communities whose partners may add objects to its contributions collection");
    v.text("title", c.title, "the TAXII server's title, shown to partners by the discovery endpoint");
    v.text("contact", c.contact, "whom partners contact about this server (discovery); e.g. an e-mail address");
    v.integer("max_page", c.max_page, 1, 100000, "the most objects one TAXII answer holds (a smaller limit= wins)");
    v.integer("max_post_objects", c.max_post_objects, 1, 100000, "the most objects one TAXII POST may carry");
    v.duration("publish_interval", c.publish_interval, Duration::fromSeconds(10), Duration::fromDays(1),
               "how often `kansoku run` publishes kansoku's data into each community's kansoku collection");
    v.section("stix", "what kansoku's data looks like in STIX 2.1 (docs/stix.md)",
              [&c](ConfigVisitor& s) { stix::visitConfig(s, c.stix); });
    v.tables("community", "per-community subscriber policy (default: sharing.stix.subscribers)", 256,
             c.community_policies);
    v.tables("feeds", "partners' collections kansoku pulls (TAXII 2.1 or MISP feeds)", 256, c.feeds);
    v.check(std::all_of(c.community_policies.begin(), c.community_policies.end(),
                        [&](const CommunityPolicy& p) { return c.hasCommunity(p.name); }),
            "sharing.community: name must be one of sharing.communities");
    v.check(std::all_of(c.feeds.begin(), c.feeds.end(),
                        [&](const FeedConfig& f) { return f.community.empty() || c.hasCommunity(f.community); }),
            "sharing.feeds: community must be one of sharing.communities");
    v.check(std::all_of(c.feeds.begin(), c.feeds.end(),
                        [&](const FeedConfig& f) {
                            return std::count_if(c.feeds.begin(), c.feeds.end(),
                                                 [&](const FeedConfig& g) { return g.name == f.name; }) == 1;
                        }),
            "sharing.feeds: feed names must be unique");
    v.check(std::all_of(c.communities.begin(), c.communities.end(),
                        [](const std::string& name) { return validCommunityName(name); }),
            "sharing.communities: names must be 1-64 characters of a-z, 0-9, - and _");
    v.check(std::all_of(c.writable.begin(), c.writable.end(),
                        [&](const std::string& name) { return c.hasCommunity(name); }),
            "sharing.writable must name communities listed in sharing.communities");
}

} // namespace kansoku::share
