#pragma once

/// JSON text of STIX objects, written faster than nlohmann's dump (an export writes millions of
/// objects) and in the RFC 8785 canonical form the SCO ids are computed over.

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace kansoku::share::stix {

enum class JsonForm {
    /// Members in the object's own order, no white space; strings with non-ASCII bytes go through
    /// nlohmann (invalid UTF-8 replaced by U+FFFD), the others are escaped here alike.
    Compact,
    /// RFC 8785: members sorted by the UTF-16 code units of their names, strings as they are.
    Canonical,
};

/// Appends `value` as JSON text to `out`.
void appendJson(std::string& out, const nlohmann::ordered_json& value, JsonForm form);

} // namespace kansoku::share::stix
