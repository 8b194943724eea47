#pragma once

/// Deterministic STIX 2.1 identifiers, so that exporting the same knowledge twice yields the same
/// ids and a consumer updates objects instead of duplicating them.
///
/// - Cyber-observable objects (SCOs): STIX 2.1 section 2.9 ("Identifier"): a UUIDv5 (RFC 9562
///   section 5.5) in the namespace 00abedb4-aa42-466c-9c01-fed23315a9b7 over the JSON Canonicalization
///   Scheme serialization (RFC 8785) of the object's ID contributing properties; of `hashes`, only
///   one hash contributes, the first of MD5, SHA-1, SHA-256, SHA-512 present.
/// - Everything kansoku creates (SDOs, SROs, its identity): the UUIDv5 computation in a namespace per
///   producer, uuid5(kKansokuNamespace, "producer|" + identity name), over a kansoku name
///   "<type>|<kind>|<key>", e.g. "indicator|ipv4|198.51.100.7" (docs/stix.md lists every name), with
///   the version nibble set to 4: STIX says these ids SHOULD be UUIDv4, and the hash's bits are as
///   pseudo-random as version 4 requires.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace kansoku::share::stix {

/// A UUID as its 16 bytes in network order.
using Uuid = std::array<uint8_t, 16>;

/// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex, any case); a constant, so a bad text is a programming error
/// (all zero bytes).
Uuid parseUuid(std::string_view text);
/// Lowercase "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
std::string formatUuid(const Uuid& uuid);
/// RFC 9562 section 5.5: SHA-1 over namespace bytes then `name`, version 5, variant 10.
Uuid uuid5(const Uuid& name_space, std::string_view name);
/// A random version 4 UUID (bundle ids), from the operating system's random source.
Uuid uuid4();

/// The STIX 2.1 section 2.9 namespace for SCO ids.
inline constexpr std::string_view kScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";
/// kansoku's namespace for producer namespaces: uuid5(NAMESPACE_URL, "urn:kansoku:stix-2.1:object-ids").
inline constexpr std::string_view kKansokuNamespace = "16534da5-55a9-5c58-8911-d8ce9dd3303a";

/// RFC 8785 JSON Canonicalization Scheme: members sorted by the UTF-16 code units of their names,
/// no white space, strings with only the escapes JSON requires (\" \\ \b \f \n \r \t, other control
/// characters as \u00xx), integers as digits. Non-integer numbers use nlohmann's shortest round-trip
/// form, which equals ECMAScript's for the values kansoku writes (none today).
std::string canonicalJson(const nlohmann::ordered_json& value);

/// "<type>--<uuid5(SCO namespace, canonicalJson(contributing))>". `contributing` holds only the
/// type's ID contributing properties that are present; a `hashes` member is reduced to one hash.
std::string scoId(std::string_view type, const nlohmann::ordered_json& contributing);

/// Ids of what one producer creates.
class ObjectIds {
public:
    /// `producer` is the identity's name; it picks the namespace.
    explicit ObjectIds(std::string_view producer);
    /// "<type>--<uuid5(producer namespace, name) with version 4>". `name` should start with `type` (see the file
    /// comment).
    std::string id(std::string_view type, std::string_view name) const;
    const Uuid& producerNamespace() const { return namespace_; }

private:
    Uuid namespace_;
};

} // namespace kansoku::share::stix
