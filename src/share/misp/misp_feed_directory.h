#pragma once

/// A MISP feed written into a directory that a MISP instance (or a web server in front of it) reads
/// while it is being replaced: every file is written under a temporary name and renamed into place
/// (rename(2) is atomic within a file system), event files first, then hashes.csv, then
/// manifest.json, and only then are event files the new manifest no longer names removed; so a
/// reader never sees half a file nor a manifest naming a missing event.
///
/// Timestamps stay monotonic across exports: an event whose file would be byte-identical apart from
/// its timestamp keeps the timestamp it was written with (and its file is not rewritten); an event
/// whose content changed gets a timestamp newer than the previous one, so a subscribed MISP fetches it
/// again even when the data behind it did not bring a newer `last seen`.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "common/result.h"
#include "share/misp/misp_event.h"

namespace kansoku::share::misp {

struct DirectoryWrite {
    uint64_t written = 0;   ///< event files (re)written
    uint64_t unchanged = 0; ///< event files left as they were
    uint64_t removed = 0;   ///< event files of events no longer in the feed
};

/// Writes `events` (from MispFeedProducer) into `dir`, creating it if needed.
Result<DirectoryWrite> writeMispFeedDirectory(const std::filesystem::path& dir, std::vector<MispEvent> events,
                                              const MispOrg& org);

/// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower-case hex: what an event file may be named after.
bool isEventUuid(std::string_view text);

} // namespace kansoku::share::misp
