#pragma once

/// MITRE ATT&CK techniques as the sandbox's signatures name them (src/sandbox/analysis/signatures.cpp):
/// the technique's name for the attack-pattern objects kansoku shares.

#include <optional>
#include <string>
#include <string_view>

namespace kansoku::share::stix {

/// Whether `id` has the form of an ATT&CK technique id: "T" + 4 digits, optionally "." + 3 digits.
bool isAttackTechniqueId(std::string_view id);

/// The ATT&CK name of a technique the sandbox reports ("T1046" -> "Network Service Discovery";
/// sub-techniques as "Parent: Sub"); nullopt for ids the table does not know.
std::optional<std::string_view> attackTechniqueName(std::string_view id);

} // namespace kansoku::share::stix
