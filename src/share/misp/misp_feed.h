#pragma once

/// A MISP feed as files (MISP's feed format, the one PyMISP's feed generator writes): one
/// `<event uuid>.json` per event, `manifest.json` (event uuid -> Orgc, Tag, info, date, analysis,
/// threat_level_id, timestamp) and `hashes.csv`. Rendered once; the manifest and hashes can be cut
/// to the events a recipient may see (its TLP ceiling), the event files are shared as they are.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "share/misp/misp_event.h"

namespace kansoku::share::misp {

class MispFeed {
public:
    struct Entry {
        std::string uuid;
        stix::Tlp tlp = stix::Tlp::Green;
        int64_t timestamp = 0;                   ///< seconds
        std::shared_ptr<const std::string> json; ///< the event file
        std::string manifest;                    ///< `"<uuid>":{...}` (a manifest member)
        std::string hashes;                      ///< its hashes.csv lines
    };
    using Admit = std::function<bool(stix::Tlp)>;

    /// Renders `events` (ordered by uuid, as MispFeedProducer gives them).
    static MispFeed render(const std::vector<MispEvent>& events, const MispOrg& org);

    const std::vector<Entry>& entries() const { return entries_; }
    /// The entry of an event uuid, or null.
    const Entry* find(std::string_view uuid) const;
    /// manifest.json holding the events `admit` lets through.
    std::string manifestJson(const Admit& admit) const;
    /// hashes.csv of those events.
    std::string hashesCsv(const Admit& admit) const;
    /// The newest timestamp among them (seconds), 0 when none.
    int64_t newest(const Admit& admit) const;

private:
    std::vector<Entry> entries_; ///< by uuid
};

} // namespace kansoku::share::misp
