#pragma once

/// The events correlation publishes (docs/events.md `intel.infected_host`, `intel.c2`,
/// `intel.partner_sighting`), each
/// built in this one place from the store's record.

#include <string>

#include "common/event.h"
#include "store/infected_host_record.h"

namespace kansoku::intel {

/// `intel.infected_host`; ts = the host's last_seen.
Event infectedHostEvent(const store::InfectedHostRecord& host, const std::string& sensor);
/// `intel.c2`; ts = the endpoint's last_seen.
Event c2Event(const store::C2Record& c2, const std::string& sensor);
/// `intel.partner_sighting`: kansoku saw what a partner's indicator names (counts since the last one);
/// ts = its last_seen.
Event partnerSightingEvent(const store::PartnerSightingRecord& sighting, const std::string& sensor);

} // namespace kansoku::intel
