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

} // namespace kansoku::honeypot::http
