#include "common/duration.h"

#include <charconv>
#include <limits>

namespace kansoku {
namespace {

struct Unit {
    std::string_view name;
    int64_t micros;
};
// Largest first, for toString().
constexpr Unit kUnits[] = {{"d", 86'400'000'000}, {"h", 3'600'000'000}, {"m", 60'000'000},
                           {"s", 1'000'000},      {"ms", 1'000},        {"us", 1}};

} // namespace

Result<Duration> Duration::parse(std::string_view text) {
    int64_t number = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, number);
    if (ec != std::errc() || ptr == text.data()) {
        return fail("\"{}\" is not a duration (a whole number and a unit: 500ms, 30s, 10m, 1h, 7d)", text);
    }
    const std::string_view unit(ptr, static_cast<size_t>(end - ptr));
    if (unit.empty()) {
        return fail("\"{}\" has no unit (write e.g. \"{}s\")", text, number);
    }
    if (number < 0) {
        return fail("\"{}\" is negative", text);
    }
    for (const auto& u : kUnits) {
        if (u.name == unit) {
            if (number > std::numeric_limits<int64_t>::max() / u.micros) {
                return fail("\"{}\" is too long", text);
            }
            return Duration(number * u.micros);
        }
    }
    return fail("\"{}\" has an unknown unit \"{}\" (us, ms, s, m, h, d)", text, unit);
}

std::string Duration::toString() const {
    if (us_ == 0) {
        return "0s";
    }
    for (const auto& u : kUnits) {
        if (us_ % u.micros == 0) {
            return std::to_string(us_ / u.micros) + std::string(u.name);
        }
    }
    return std::to_string(us_) + "us";
}

} // namespace kansoku
