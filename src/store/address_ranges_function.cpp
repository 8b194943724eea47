#include "store/address_ranges_function.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include <sqlite3.h>

namespace kansoku::store {
namespace {

constexpr size_t kAddressBytes = 16;
constexpr size_t kRangeBytes = 2 * kAddressBytes;

void kansokuInRanges(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB || sqlite3_value_bytes(argv[0]) != kAddressBytes) {
        sqlite3_result_int(context, 0);
        return;
    }
    const auto* address = static_cast<const unsigned char*>(sqlite3_value_blob(argv[0]));
    const auto* ranges = static_cast<const unsigned char*>(sqlite3_value_blob(argv[1]));
    const size_t count = static_cast<size_t>(sqlite3_value_bytes(argv[1])) / kRangeBytes;
    // The last range whose first address is <= address, then whether its last is >= address.
    size_t lo = 0;
    size_t hi = count;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (std::memcmp(ranges + mid * kRangeBytes, address, kAddressBytes) <= 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    const bool inside =
        lo > 0 && std::memcmp(ranges + (lo - 1) * kRangeBytes + kAddressBytes, address, kAddressBytes) >= 0;
    sqlite3_result_int(context, inside ? 1 : 0);
}

using Bytes = std::array<uint8_t, kAddressBytes>;

/// `bytes` + 1 as a 128-bit big-endian number; false when it wrapped (the last address).
bool increment(Bytes& bytes) {
    for (size_t i = bytes.size(); i-- > 0;) {
        if (++bytes[i] != 0) {
            return true;
        }
    }
    return false;
}

} // namespace

bool registerAddressRangesFunction(sqlite3* db) {
    return sqlite3_create_function_v2(db, "kansoku_in_ranges", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      nullptr, kansokuInRanges, nullptr, nullptr, nullptr) == SQLITE_OK;
}

std::string addressRangesBlob(const std::vector<Prefix>& prefixes) {
    std::vector<std::pair<Bytes, Bytes>> ranges;
    ranges.reserve(prefixes.size());
    for (const auto& prefix : prefixes) {
        ranges.emplace_back(prefix.network().bytes(), prefix.last().bytes());
    }
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<Bytes, Bytes>> joined;
    for (const auto& range : ranges) {
        if (!joined.empty()) {
            Bytes after = joined.back().second;
            const bool touches = !increment(after) || range.first <= after;
            if (touches) {
                joined.back().second = std::max(joined.back().second, range.second);
                continue;
            }
        }
        joined.push_back(range);
    }
    std::string blob;
    blob.reserve(joined.size() * kRangeBytes);
    for (const auto& [first, last] : joined) {
        blob.append(reinterpret_cast<const char*>(first.data()), first.size());
        blob.append(reinterpret_cast<const char*>(last.data()), last.size());
    }
    return blob;
}

} // namespace kansoku::store
