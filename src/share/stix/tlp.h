#pragma once

/// Traffic Light Protocol 2.0 (FIRST, https://www.first.org/tlp/) as STIX 2.1 marks it: the five
/// marking-definition objects OASIS published with the TLP 2.0 extension definition
/// (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d, repository
/// oasis-open/cti-stix-common-objects, folder extension-definition-specifications/tlp-2.0). Their ids
/// are fixed there and must be used as published, so every consumer recognises them.

#include <optional>
#include <string>
#include <string_view>

namespace kansoku::share::stix {

/// Ordered from least to most restricted: a larger value may reach fewer recipients.
enum class Tlp { Clear, Green, Amber, AmberStrict, Red };

/// "clear", "green", "amber", "amber+strict", "red" (the extension's `tlp_2_0` values).
std::string_view tlpName(Tlp tlp);
/// The inverse of tlpName (ASCII case-insensitive; "TLP:" prefix accepted); nullopt otherwise.
std::optional<Tlp> parseTlp(std::string_view text);
/// The published marking-definition id, e.g. "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb" for green.
std::string_view tlpMarkingId(Tlp tlp);
/// The TLP a marking-definition id stands for; nullopt for any other id.
std::optional<Tlp> tlpOfMarkingId(std::string_view id);
/// A partner whose ceiling is `ceiling` may receive an object marked `object`. Red is never shared.
/// Amber+strict is allowed by this rule to a partner whose ceiling is at least amber+strict; that it
/// never leaves its community is the caller's rule (it knows the communities).
bool tlpAllows(Tlp ceiling, Tlp object);
/// The more restricted of two (a relationship between a green and an amber object is amber).
Tlp stricter(Tlp a, Tlp b);
/// The marking-definition object exactly as published (one JSON line): type, spec_version, id,
/// created, name ("TLP:GREEN") and the extension with `tlp_2_0`.
std::string tlpMarkingJson(Tlp tlp);
/// The `created` of the published marking definitions.
inline constexpr std::string_view kTlpMarkingCreated = "2022-10-01T00:00:00.000Z";
/// The TLP 2.0 extension definition the markings use.
inline constexpr std::string_view kTlpExtensionId = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

} // namespace kansoku::share::stix
