#pragma once

/// Traffic Light Protocol 2.0 (FIRST, 2022) as kansoku enforces it: the levels, their STIX 2.1
/// marking definitions, and who may receive what.

#include <optional>
#include <string_view>

namespace kansoku::share {

/// Ordered from least to most restricted.
enum class Tlp { Clear, Green, Amber, AmberStrict, Red };

/// "clear", "green", "amber", "amber+strict", "red".
std::string_view tlpName(Tlp tlp);
/// The names above (any case, with or without "TLP:"); nullopt otherwise.
std::optional<Tlp> parseTlp(std::string_view name);
/// The id of the level's STIX 2.1 marking definition, as the OASIS TLP 2.0 extension
/// (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d) fixes them.
std::string_view tlpMarkingId(Tlp tlp);
/// The level a marking definition id stands for: the TLP 2.0 ids, and STIX 2.1's built-in TLP 1.0
/// ids (section 7.2.1.4; WHITE read as CLEAR); nullopt for any other id.
std::optional<Tlp> tlpOfMarkingId(std::string_view id);
/// Whether a recipient whose ceiling is `ceiling` may receive an object marked `object`. RED is
/// never shared by a machine.
bool tlpAllows(Tlp ceiling, Tlp object);

} // namespace kansoku::share
