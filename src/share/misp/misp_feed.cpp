#include "share/misp/misp_feed.h"

#include <algorithm>

namespace kansoku::share::misp {

MispFeed MispFeed::render(const std::vector<MispEvent>& events, const MispOrg& org) {
    MispFeed feed;
    feed.entries_.reserve(events.size());
    for (const MispEvent& event : events) {
        Entry entry;
        entry.uuid = event.uuid;
        entry.tlp = event.tlp;
        entry.timestamp = event.timestampSeconds();
        entry.json = std::make_shared<const std::string>(mispEventJson(event, org));
        entry.manifest = nlohmann::json(event.uuid).dump() + ":" +
                         mispManifestEntry(event, org).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        appendMispHashLines(entry.hashes, event);
        feed.entries_.push_back(std::move(entry));
    }
    std::sort(feed.entries_.begin(), feed.entries_.end(),
              [](const Entry& a, const Entry& b) { return a.uuid < b.uuid; });
    return feed;
}

const MispFeed::Entry* MispFeed::find(std::string_view uuid) const {
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), uuid,
                                     [](const Entry& e, std::string_view u) { return e.uuid < u; });
    return it != entries_.end() && it->uuid == uuid ? &*it : nullptr;
}

std::string MispFeed::manifestJson(const Admit& admit) const {
    std::string out = "{";
    bool first = true;
    for (const Entry& entry : entries_) {
        if (!admit(entry.tlp)) {
            continue;
        }
        out += first ? "" : ",";
        out += entry.manifest;
        first = false;
    }
    out += "}\n";
    return out;
}

std::string MispFeed::hashesCsv(const Admit& admit) const {
    std::string out;
    for (const Entry& entry : entries_) {
        if (admit(entry.tlp)) {
            out += entry.hashes;
        }
    }
    return out;
}

int64_t MispFeed::newest(const Admit& admit) const {
    int64_t newest = 0;
    for (const Entry& entry : entries_) {
        if (admit(entry.tlp)) {
            newest = std::max(newest, entry.timestamp);
        }
    }
    return newest;
}

} // namespace kansoku::share::misp
