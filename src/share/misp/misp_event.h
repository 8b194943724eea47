#pragma once

/// A MISP event as kansoku writes it into a MISP feed (MISP core format, the `Event` object of a
/// feed's `<uuid>.json`; the fields the MISP 2.4 JSON schema allows, numbers written as strings as
/// MISP itself exports them) and its two derived lines of feed metadata: the event's member of
/// `manifest.json` and its lines of `hashes.csv` (MD5 of each attribute value, a composite value
/// `a|b` hashed per part, then the event uuid: what PyMISP's feed generator writes).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "share/stix/tlp.h"

namespace kansoku::share::misp {

/// The organisation that made the events (MISP `Orgc`): the producer identity.
struct MispOrg {
    std::string name;
    std::string uuid;
};

struct MispAttribute {
    std::string uuid;
    std::string type;     ///< MISP attribute type: "sha256", "ip-dst|port", "domain", ...
    std::string category; ///< "Payload delivery", "Network activity", "Other"
    std::string value;
    bool to_ids = false; ///< an IDS may alert on it
    std::string comment;
    Timestamp timestamp = 0; ///< when what it says last changed (µs; written in seconds)
};

/// MISP threat_level_id.
enum class ThreatLevel { High = 1, Medium = 2, Low = 3, Undefined = 4 };
/// MISP analysis.
enum class Analysis { Initial = 0, Ongoing = 1, Completed = 2 };

struct MispEvent {
    std::string uuid;
    std::string info;
    Timestamp date = 0; ///< the day it is about (written YYYY-MM-DD, UTC)
    ThreatLevel threat_level = ThreatLevel::Undefined;
    Analysis analysis = Analysis::Ongoing;
    stix::Tlp tlp = stix::Tlp::Green;
    std::vector<std::string> tags; ///< besides the TLP tag (e.g. the family's galaxy tag)
    std::vector<MispAttribute> attributes;
    Timestamp stamp = 0; ///< when the event itself last changed, besides its attributes (µs)

    /// `timestamp` and `publish_timestamp` in seconds: the latest of `stamp` and the attributes'
    /// timestamps, unless `timestamp_override` is set (a feed directory keeping time monotonic).
    int64_t timestampSeconds() const;
    int64_t timestamp_override = 0;
};

/// The feed file's text: {"Event": {...}} on one line and a newline.
std::string mispEventJson(const MispEvent& event, const MispOrg& org);
/// The event's member value of manifest.json: Orgc, Tag, info, date, analysis, threat_level_id, timestamp.
nlohmann::ordered_json mispManifestEntry(const MispEvent& event, const MispOrg& org);
/// Appends the event's lines of hashes.csv ("<md5 of value>,<event uuid>\n").
void appendMispHashLines(std::string& out, const MispEvent& event);
/// "YYYY-MM-DD" of a time (UTC).
std::string mispDate(Timestamp ts);

} // namespace kansoku::share::misp
