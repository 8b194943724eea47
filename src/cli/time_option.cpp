#include "cli/time_option.h"

#include <fmt/format.h>

#include "cli/command.h"

namespace kansoku::cli {

Timestamp parseTimeOption(std::string_view option, const std::string& text, Timestamp now) {
    const auto ts = parseSince(text, now);
    if (!ts) {
        throw CommandError(
            fmt::format("{} '{}': expected an RFC 3339 time or a duration such as 90s, 15m, 24h, 7d", option, text));
    }
    return *ts;
}

} // namespace kansoku::cli
