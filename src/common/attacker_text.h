#pragma once

/// Attacker bytes in events, one lossless rule (docs/events.md "Attacker bytes"): every string that
/// came from the network or a sample is valid UTF-8 in the event; when its bytes were not, each
/// maximal ill-formed subsequence is replaced by U+FFFD (Unicode 15, section 3.9, "U+FFFD
/// substitution of maximal subparts") and the event also carries `<key>_b64` with the exact
/// original bytes in standard base64 (RFC 4648 section 4, with padding).
///
/// The same rule inside the event's JSON:
/// - a string in an object (an element of `processes`, `urls`, ...): `<key>_b64` beside it in
///   that object (setAttackerText);
/// - an array of strings (`argv`, `commands`): `<key>_b64` is an array of the same length beside
///   it, holding the base64 of each element that was not valid UTF-8 and null for the others;
///   present only when at least one element was not (setAttackerTextArray);
/// - a map whose names and values are attacker bytes (HTTP `headers`): `<key>_b64` is an object
///   with, for each entry whose name or value was not valid UTF-8, the entry's key as it appears
///   in the map and as value `{"name": base64, "value": base64}` (setAttackerTextMap).
/// `printable.h` (\xNN escapes) stays for terminal output only.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/event.h"

namespace kansoku {

/// Whether `bytes` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
bool isValidUtf8(std::string_view bytes);

/// `bytes` with each maximal ill-formed subsequence replaced by U+FFFD; valid input is returned as is.
std::string toValidUtf8(std::string_view bytes);

/// Standard base64 with padding (RFC 4648 section 4).
std::string base64Encode(std::string_view bytes);

/// The first `max_bytes` bytes of `bytes`, moved back (at most 3 bytes) so that a cut does not split a
/// well-formed UTF-8 character: a truncated field is not reported as ill-formed because of the cut.
std::string_view utf8Prefix(std::string_view bytes, size_t max_bytes);

/// Appends `key` (valid UTF-8) and, when `bytes` was not valid UTF-8, `key`_b64 to the event.
void addAttackerText(Event& event, std::string key, std::string_view bytes);
/// Appends `key` (array of valid UTF-8) and, when an element was not valid UTF-8, `key`_b64.
void addAttackerTextArray(Event& event, std::string key, const std::vector<std::string>& items);

/// The same rules on a JSON object (an element of an array in an event, a report section).
void setAttackerText(nlohmann::ordered_json& object, const std::string& key, std::string_view bytes);
void setAttackerTextArray(nlohmann::ordered_json& object, const std::string& key,
                          const std::vector<std::string>& items);
/// A map of (name, value) byte pairs, in order; entries with equal names must have been merged by the caller.
void setAttackerTextMap(nlohmann::ordered_json& object, const std::string& key,
                        const std::vector<std::pair<std::string, std::string>>& entries);

} // namespace kansoku
