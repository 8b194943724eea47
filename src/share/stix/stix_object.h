#pragma once

/// One STIX 2.1 object as kansoku serves it (`kansoku export stix`, the TAXII server): its id, type,
/// version stamp and TLP beside the serialized JSON, so that filtering by TLP, type or time needs no
/// parsing.

#include <string>

#include "share/stix/tlp.h"

namespace kansoku::share::stix {

struct StixObject {
    std::string id;       ///< "type--uuid"
    std::string type;     ///< "indicator", "ipv4-addr", ...
    std::string modified; ///< RFC 3339 UTC with milliseconds; for SCOs and markings a fixed or first-seen stamp
    Tlp tlp = Tlp::Clear; ///< the one TLP marking in object_marking_refs (marking definitions: clear)
    std::string json;     ///< the serialized object, one line
};

} // namespace kansoku::share::stix
