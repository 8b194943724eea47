#pragma once

// The event mix of a month of a busy darknet and honeypots, shared by the benchmarks of the store,
// the dashboard and the live stream: half `darknet.scan` (500,000 sources, skewed), 30%
// `darknet.port_stats` (2,000 ports), 8% `honeypot.login`, 6% `honeypot.command`, 5%
// `honeypot.session`, and a few attacks, samples and alerts. Deterministic for a given generator.

#include <random>

#include "common/event.h"

namespace kansoku::bench {

Event dashboardMixEvent(std::mt19937_64& rng, Timestamp ts);

} // namespace kansoku::bench
