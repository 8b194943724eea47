#pragma once

/// [sharing]: the communities kansoku shares with over TAXII 2.1 (docs/sharing.md). Each community
/// is one TAXII API root at /taxii2/<name>/; its partners are managed with `kansoku partner`.

#include <string>
#include <string_view>
#include <vector>

#include "common/config_visitor.h"

namespace kansoku::share {

struct SharingConfig {
    std::vector<std::string> communities = {"partners"}; ///< one TAXII API root each
    std::vector<std::string> writable;                   ///< communities whose partners may add objects (POST)
    std::string title = "kansoku";                       ///< the TAXII server's title (discovery)
    std::string contact;                                 ///< who partners write to (discovery)
    int64_t max_page = 1000;                             ///< the most objects one TAXII answer holds
    int64_t max_post_objects = 1000;                     ///< the most objects one POST may carry

    bool hasCommunity(std::string_view name) const;
    bool isWritable(std::string_view name) const;
};

void visitConfig(ConfigVisitor& v, SharingConfig& c);

/// A community name: 1-64 of [a-z0-9_-], starting with a letter or digit (it is a URL segment).
bool validCommunityName(std::string_view name);

} // namespace kansoku::share
