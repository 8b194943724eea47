#include "web/api_params.h"

#include <charconv>

#include "common/printable.h"

namespace kansoku::web {
namespace {

constexpr size_t kShown = 40; // of a bad value, in an error message
constexpr Timestamp kMinute = 60 * kMicrosPerSecond;

std::string shown(std::string_view text) {
    return escapeNonPrintable(text, kShown);
}

std::optional<int64_t> wholeNumber(std::string_view text) {
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

} // namespace

Result<void> checkParamValues(const QueryParams& params) {
    for (const auto& [name, value] : params) {
        if (value.size() > kMaxParamValue) {
            return fail("parameter '{}' is too long ({} bytes; at most {})", name, value.size(), kMaxParamValue);
        }
        for (const char c : value) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                return fail("parameter '{}' holds a control character: '{}'", name, shown(value));
            }
        }
    }
    return {};
}

Result<store::TimeRange> timeRangeParam(const QueryParams& params, Timestamp now) {
    store::TimeRange range{now - 24 * 3600 * kMicrosPerSecond, now};
    if (auto it = params.find("to"); it != params.end()) {
        const auto to = parseSince(it->second, now);
        if (!to) {
            return fail("to '{}' is neither an RFC 3339 time nor a duration such as 24h", shown(it->second));
        }
        range.to = *to;
        range.from = *to - 24 * 3600 * kMicrosPerSecond;
    }
    if (auto it = params.find("from"); it != params.end()) {
        const auto from = parseSince(it->second, now);
        if (!from) {
            return fail("from '{}' is neither an RFC 3339 time nor a duration such as 24h", shown(it->second));
        }
        range.from = *from;
    }
    if (range.from >= range.to) {
        return fail("from must be before to");
    }
    if (range.to - range.from > kMaxRange) {
        return fail("the range from..to may cover at most 400 days");
    }
    return range;
}

Result<int64_t> limitParam(const QueryParams& params, int64_t fallback, int64_t max) {
    auto limit = integerParam(params, "limit", 1, max);
    KANSOKU_TRY(limit);
    return limit->value_or(fallback);
}

Result<std::optional<int64_t>> integerParam(const QueryParams& params, std::string_view name, int64_t lo, int64_t hi) {
    const auto it = params.find(name);
    if (it == params.end()) {
        return std::optional<int64_t>();
    }
    const auto value = wholeNumber(it->second);
    if (!value || *value < lo || *value > hi) {
        return fail("{} must be a whole number from {} to {}, not '{}'", name, lo, hi, shown(it->second));
    }
    return value;
}

Result<Timestamp> stepParam(const QueryParams& params, const store::TimeRange& range, size_t max_points) {
    Timestamp step = 0;
    const auto it = params.find("step");
    if (it == params.end()) {
        // About 300 points, in whole minutes.
        step = std::max<Timestamp>(kMinute, (range.to - range.from) / 300 / kMinute * kMinute);
    } else {
        const std::string_view text = it->second;
        int64_t unit = kMicrosPerSecond;
        std::string_view digits = text;
        if (!text.empty() && (text.back() == 's' || text.back() == 'm' || text.back() == 'h' || text.back() == 'd')) {
            unit = text.back() == 's'   ? kMicrosPerSecond
                   : text.back() == 'm' ? kMinute
                   : text.back() == 'h' ? 60 * kMinute
                                        : 24 * 60 * kMinute;
            digits.remove_suffix(1);
        }
        const auto n = wholeNumber(digits);
        if (!n || *n <= 0 || *n > 366 * 24 * 3600 || *n * unit % kMinute != 0) {
            return fail("step '{}' must be a whole number of minutes such as 1m, 5m, 1h, 1d or 300", shown(text));
        }
        step = *n * unit;
    }
    const Timestamp start = range.from - ((range.from % step) + step) % step;
    if (static_cast<uint64_t>((range.to - start + step - 1) / step) > max_points) {
        return fail("from..to at this step gives more than {} points; use a larger step", max_points);
    }
    return step;
}

Result<IpAddress> addressValue(std::string_view name, std::string_view text) {
    const auto ip = IpAddress::parse(text);
    if (!ip) {
        return fail("{} '{}' is not an IPv4 or IPv6 address", name, shown(text));
    }
    return *ip;
}

Result<std::string> sha256Value(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) {
            break;
        }
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (text.size() != 64 || out.size() != 64) {
        return fail("sha256 '{}' is not 64 hex digits", shown(text));
    }
    return out;
}

Result<std::string> nameValue(std::string_view name, std::string_view text, size_t max) {
    if (text.empty() || text.size() > max) {
        return fail("{} must be 1 to {} characters", name, max);
    }
    for (const char c : text) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != ':' && c != '/' &&
            c != '*') {
            return fail("{} '{}' may hold only letters, digits and . - _ : / *", name, shown(text));
        }
    }
    return std::string(text);
}

} // namespace kansoku::web
