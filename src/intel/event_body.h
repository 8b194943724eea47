#pragma once

/// Reading only some fields of a stored event's JSON body. A darknet.scan body is ~600 bytes of
/// which correlation needs eight fields; parsing all of it into a JSON tree costs most of the time
/// of correlating millions of stored events. parseBodyFields() walks the top-level object once,
/// skipping the values of other keys without building them, and parses only the wanted values.

#include <span>
#include <string_view>

#include "intel/correlation_input.h"

namespace kansoku::intel {

/// The object with the members of `body` whose keys are in `keys` (in body order). A body that is
/// not a JSON object (or breaks off) gives a discarded value; a wanted value that is not valid JSON
/// is left out (the decoder then counts the event as malformed). Never throws.
EventFields parseBodyFields(std::string_view body, std::span<const std::string_view> keys);

} // namespace kansoku::intel
