#pragma once

/// --since / --until values shared by the commands that read stored events.

#include <string>
#include <string_view>

#include "common/time.h"

namespace kansoku::cli {

/// RFC 3339 or a duration back from `now` ("24h", "7d"); anything else is a CommandError naming `option`.
Timestamp parseTimeOption(std::string_view option, const std::string& text, Timestamp now);

} // namespace kansoku::cli
