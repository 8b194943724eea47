#pragma once

/// The `v` every event carries (docs/events.md "Versions"): the version of the schemas in
/// schemas/events/ that its fields follow. Bumped when a field changes meaning or type or becomes
/// required; a centre accepts events of its own version and of the versions next to it.

namespace kansoku {

inline constexpr int kEventSchemaVersion = 1;

} // namespace kansoku
