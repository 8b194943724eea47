#pragma once

/// How `infected_hosts` rows are selected and how their JSON columns are written and read, shared
/// by the store's engines: the column list every host reader decodes in this order, the SELECT a
/// HostQuery means, and the JSON arrays of reasons, samples and evidence.

#include <string>
#include <string_view>
#include <vector>

#include "store/infected_host_record.h"
#include "store/sql_filter.h"

namespace kansoku::store {

/// The columns, in the order readers decode them.
inline constexpr std::string_view kHostColumns =
    "SELECT ip, asn, as_name, country, family, confidence, reasons, evidence, first_seen, last_seen, updated, "
    "state, state_changed, notified_at, remediated_at, reinfections, notice_token, notice_expires, partner_intel "
    "FROM infected_hosts";

/// The SELECT `query` means (kHostColumns, or NULL for the evidence when it is not wanted), by address.
SqlFilter hostSelect(const HostQuery& query);

std::string reasonsJson(const std::vector<std::string>& reasons);
std::string evidenceJson(const std::vector<EvidenceRef>& evidence);
std::vector<EvidenceRef> parseEvidence(std::string_view json);

/// Reads the strings of a JSON array column (reasons, samples) into `out`, reusing its strings'
/// storage; anything else in the array is skipped.
void readStringArray(std::string_view json, std::vector<std::string>& out);
std::vector<std::string> stringArray(std::string_view json);

} // namespace kansoku::store
