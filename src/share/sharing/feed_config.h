#pragma once

/// [[sharing.feeds]] (issue 12 item 4): a partner's collection kansoku pulls, over TAXII 2.1 or as a
/// MISP feed, and how often. Secrets are given as `env:NAME` (an environment variable) or `file:PATH`
/// (the first line of a file) so `kansoku config show` never prints them; a literal is accepted too.

#include <string>
#include <string_view>

#include "common/config_visitor.h"
#include "common/duration.h"
#include "common/result.h"

namespace kansoku::share {

struct FeedConfig {
    std::string name;           ///< names the feed in records and `kansoku sharing pull --feed`
    std::string kind = "taxii"; ///< "taxii" or "misp"
    std::string url;            ///< TAXII: the API root URL; MISP: the feed's base URL or a directory
    std::string collection;     ///< TAXII: the collection's id, title or alias
    std::string username;       ///< HTTP Basic user ("" for none)
    std::string password;       ///< HTTP Basic password: env:NAME, file:PATH or the literal
    std::string api_key;        ///< sent as `api_key_header: api_key` (env:, file: or the literal)
    std::string api_key_header = "Authorization";
    std::string tlp = "amber"; ///< the TLP of objects that carry no TLP marking
    std::string community;     ///< where kansoku's sightings of its indicators are shared ("": the first)
    Duration poll_interval = Duration::fromHours(1);
    Duration timeout = Duration::fromSeconds(30); ///< per HTTP request
    int64_t max_objects = 1'000'000;              ///< objects per pull, all pages together
    int64_t max_pages = 10'000;                   ///< pages per pull (a server answering `more` forever)
    std::string ca_file;                          ///< PEM bundle to verify the server with ("": the system's)
};

void visitConfig(ConfigVisitor& v, FeedConfig& c);

/// The secret `spec` names: env:NAME, file:PATH (its first line) or the text itself. Fails naming
/// the variable or file (never the secret).
Result<std::string> resolveSecret(std::string_view spec);

} // namespace kansoku::share
