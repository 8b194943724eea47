#include "common/byte_size.h"

#include <charconv>
#include <limits>

namespace kansoku {
namespace {

struct Unit {
    std::string_view name;
    uint64_t bytes;
};
constexpr Unit kUnits[] = {
    {"TiB", 1ULL << 40}, {"GiB", 1ULL << 30}, {"MiB", 1ULL << 20}, {"KiB", 1ULL << 10}, {"B", 1}};

} // namespace

Result<ByteSize> ByteSize::parse(std::string_view text) {
    uint64_t number = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, number);
    if (ec != std::errc() || ptr == text.data()) {
        return fail("\"{}\" is not a size (a whole number and a unit: 512B, 256KiB, 64MiB, 2GiB)", text);
    }
    const std::string_view unit(ptr, static_cast<size_t>(end - ptr));
    if (unit.empty()) {
        return fail("\"{}\" has no unit (write e.g. \"{}MiB\")", text, number);
    }
    for (const auto& u : kUnits) {
        if (u.name == unit) {
            if (number > std::numeric_limits<uint64_t>::max() / u.bytes) {
                return fail("\"{}\" is too large", text);
            }
            return ByteSize(number * u.bytes);
        }
    }
    return fail("\"{}\" has an unknown unit \"{}\" (B, KiB, MiB, GiB, TiB)", text, unit);
}

std::string ByteSize::toString() const {
    for (const auto& u : kUnits) {
        if (bytes_ != 0 && bytes_ % u.bytes == 0) {
            return std::to_string(bytes_ / u.bytes) + std::string(u.name);
        }
    }
    return "0B";
}

} // namespace kansoku
