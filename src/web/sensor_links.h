#pragma once

/// The sensors' links to a center (`kansoku center`, docs/transport.md "Loss accounting"): the body
/// of GET /api/v1/sensors and the kansoku_sensor_* and kansoku_transport_* families of /metrics.

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "web/prometheus_text.h"
#include "web/status_provider.h"

namespace kansoku::web {

/// {"transport": {...} or null, "sensors": [...]} as of `now`.
nlohmann::json sensorLinksJson(const ProcessStatus& status, Timestamp now);

/// Adds the families (nothing without a transport).
void addSensorLinkMetrics(Exposition& e, const ProcessStatus& status, Timestamp now);

} // namespace kansoku::web
