#pragma once

/// Every stored event of one type, in time order, as its parsed JSON body: what the STIX and MISP producers
/// read events through. Bodies that are not JSON objects are skipped.

#include <functional>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "common/time.h"

namespace kansoku::store {

class Database;

/// Calls `visit(body, ts)` for every event of `type` with ts >= `since` (0: all).
Result<void> forEachEventBody(Database& store, std::string_view type, Timestamp since,
                              const std::function<void(const nlohmann::json& body, Timestamp ts)>& visit);

} // namespace kansoku::store
