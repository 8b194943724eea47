#include "share/sharing/community_policy.h"

namespace kansoku::share {

void visitConfig(ConfigVisitor& v, CommunityPolicy& c) {
    v.text("name", c.name, "the community (one of sharing.communities)");
    v.choice("subscribers", c.subscribers, {"withhold", "pseudonymise", "aggregate24"},
             "infected-host addresses for this community: never, Crypto-PAn pseudonyms, or their /24");
    v.text("pseudonym_key", c.pseudonym_key, "this community's Crypto-PAn key (64 hex digits or a long secret)");
    v.check(!c.name.empty(), "sharing.community: every entry needs a name");
    v.check(c.subscribers != "pseudonymise" || !c.pseudonym_key.empty(),
            "sharing.community: subscribers = \"pseudonymise\" needs a pseudonym_key (one per community)");
}

} // namespace kansoku::share
