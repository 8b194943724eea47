#include "share/sharing/feed_config.h"

#include <cstdlib>
#include <fstream>

#include "share/sharing/sharing_config.h"

namespace kansoku::share {

void visitConfig(ConfigVisitor& v, FeedConfig& c) {
    v.text("name", c.name, "the feed's name (a-z, 0-9, - and _), as records and `kansoku sharing pull --feed` name it");
    v.choice("kind", c.kind, {"taxii", "misp"}, "a TAXII 2.1 collection or a MISP feed");
    v.text("url", c.url, "TAXII: the API root URL (https://host/api1/); MISP: the feed's base URL or a directory");
    v.text("collection", c.collection, "TAXII: the collection's id, title or alias");
    v.text("username", c.username, "HTTP Basic user (empty: no Basic auth)");
    v.text("password", c.password, "HTTP Basic password: env:NAME or file:PATH (or the literal, shown by config show)");
    v.text("api_key", c.api_key, "an API key sent in api_key_header: env:NAME, file:PATH or the literal");
    v.text("api_key_header", c.api_key_header, "the header the API key goes in");
    v.choice("tlp", c.tlp, {"clear", "green", "amber", "amber+strict", "red"},
             "the TLP of objects that carry no TLP marking");
    v.text("community", c.community,
           "the community kansoku's sightings of this feed's indicators go to (empty: the first)");
    v.duration("poll_interval", c.poll_interval, Duration::fromMinutes(1), Duration::fromDays(30),
               "how often `kansoku run` pulls the feed");
    v.duration("timeout", c.timeout, Duration::fromSeconds(1), Duration::fromMinutes(30), "per HTTP request");
    v.integer("max_objects", c.max_objects, 1, 100'000'000, "the most objects one pull takes (all pages)");
    v.integer("max_pages", c.max_pages, 1, 10'000'000, "the most pages one pull asks for");
    v.text("ca_file", c.ca_file, "PEM certificates to verify the server with (empty: the system's)");
    v.check(validCommunityName(c.name), "sharing.feeds: every feed needs a name of a-z, 0-9, - and _");
    v.check(!c.url.empty(), "sharing.feeds: every feed needs a url");
    v.check(c.kind != "taxii" || !c.collection.empty(), "sharing.feeds: a TAXII feed needs a collection");
}

Result<std::string> resolveSecret(std::string_view spec) {
    if (spec.starts_with("env:")) {
        const std::string name(spec.substr(4));
        const char* value = std::getenv(name.c_str());
        if (value == nullptr || *value == '\0') {
            return fail("the environment variable {} is not set", name);
        }
        return std::string(value);
    }
    if (spec.starts_with("file:")) {
        const std::string path(spec.substr(5));
        std::ifstream in(path);
        std::string line;
        if (!in || !std::getline(in, line) || line.empty()) {
            return fail("cannot read a secret from {}", path);
        }
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        return line;
    }
    return std::string(spec);
}

} // namespace kansoku::share
