#pragma once

/// [sharing]: the communities kansoku shares with over TAXII 2.1 (docs/sharing.md). Each community
/// is one TAXII API root at /taxii2/<name>/; its partners are managed with `kansoku partner`.

#include <string>
#include <string_view>
#include <vector>

#include "common/config_visitor.h"
#include "common/duration.h"
#include "share/sharing/community_policy.h"
#include "share/sharing/feed_config.h"
#include "share/stix/stix_config.h"

namespace kansoku::share {

/// The collection of each community's API root that kansoku publishes its own data to.
inline constexpr std::string_view kPublishedCollection = "kansoku";
/// The collection of a writable community's API root that its partners add objects to.
inline constexpr std::string_view kContributionsCollection = "contributions";

struct SharingConfig {
    std::vector<std::string> communities = {"partners"}; ///< one TAXII API root each
    std::vector<std::string> writable;                   ///< communities whose partners may add objects (POST)
    std::string title = "kansoku";                       ///< the TAXII server's title (discovery)
    std::string contact;                                 ///< who partners write to (discovery)
    int64_t max_page = 1000;                             ///< the most objects one TAXII answer holds
    int64_t max_post_objects = 1000;                     ///< the most objects one POST may carry
    /// How often `kansoku run` publishes kansoku's data into each community's `kansoku` collection.
    Duration publish_interval = Duration::fromMinutes(5);
    std::vector<CommunityPolicy> community_policies; ///< [[sharing.community]]: per-community subscriber policy
    std::vector<FeedConfig> feeds;                   ///< [[sharing.feeds]]: partners' collections kansoku pulls
    stix::StixConfig stix;                           ///< [sharing.stix]

    bool hasCommunity(std::string_view name) const;
    bool isWritable(std::string_view name) const;
    /// The subscriber policy of `community`: its [[sharing.community]] entry, else [sharing.stix]'s.
    CommunityPolicy policyOf(std::string_view community) const;
    /// The feed called `name`, or nullptr.
    const FeedConfig* feed(std::string_view name) const;
    /// The community kansoku's sightings of `feed`'s indicators go to.
    std::string sightingCommunity(const FeedConfig& feed) const;
};

void visitConfig(ConfigVisitor& v, SharingConfig& c);

/// A community name: 1-64 of [a-z0-9_-], starting with a letter or digit (it is a URL segment).
bool validCommunityName(std::string_view name);

} // namespace kansoku::share
