#pragma once

/// Decoding attacker payloads once, for matching and URL extraction: percent-decoding (optionally
/// '+' as space, for queries and form bodies) and HTML entities. Invalid escapes stay as they are.

#include <string>
#include <string_view>

namespace kansoku::honeypot::http {

std::string percentDecode(std::string_view text, bool plus_as_space);
/// &amp; &lt; &gt; &quot; &apos; &#39; &#x27; (decimal and hex numeric entities up to U+10FFFF).
std::string htmlEntityDecode(std::string_view text);
/// percentDecode then htmlEntityDecode.
std::string decodeOnce(std::string_view text, bool plus_as_space);
/// ASCII lower case copy.
std::string toLowerAscii(std::string_view text);

bool isValidUtf8(std::string_view text);
/// Invalid UTF-8 sequences replaced by U+FFFD (event fields must be valid UTF-8).
std::string toValidUtf8(std::string_view text);
std::string base64Encode(std::string_view bytes);

} // namespace kansoku::honeypot::http
