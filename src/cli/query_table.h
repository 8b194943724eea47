#pragma once

/// The readable output of `kansoku query`: one aligned table per kind of event.

#include <string>
#include <vector>

#include "common/event.h"
#include "honeypot/event/command_frequency.h"

namespace kansoku::cli {

/// What `kansoku query` lists; each kind but Events is one event type with its own columns.
enum class QueryKind {
    Scans,   ///< darknet.scan
    Attacks, ///< ddos.attack
    Ports,   ///< darknet.port_stats
    Events,  ///< any type: ts, type, subject
};

/// `events` as a table: a header row, then one row per event, columns separated by two spaces,
/// numbers right-aligned, times to the second, a missing field as "-". Ends with a newline.
std::string formatEventTable(QueryKind kind, const std::vector<Event>& events);

/// `kansoku query commands`: command, runs, lines, sessions, sources; numbers right-aligned.
std::string formatCommandTable(const std::vector<honeypot::CommandCount>& rows);

} // namespace kansoku::cli
