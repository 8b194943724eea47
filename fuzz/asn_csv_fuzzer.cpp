// Fuzzes the enrichment CSV loader (intel/asn_csv_reader.h, intel/asn_table.h): RFC 4180 fields,
// address and AS number parsing, name checks, sorted-order checks and the range flattening with
// overlaps (RangeIndex::Builder). When the text loads, every row's first and last address is
// looked up and compared with a plain reference: the last row that covers the address wins.
//
// Input: byte 0 bit 0 picks the family (clear: IPv4 file, set: IPv6 file); the rest is the file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "intel/asn_table.h"

namespace {

using namespace kansoku::intel;

/// The rows as the reader returns them (the reference's input).
struct Row {
    Uint128 first;
    Uint128 last;
    uint32_t asn;
    std::string name;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const bool v6 = (data[0] & 1) != 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto table = v6 ? AsnTable::parse("", text, "v4", "v6") : AsnTable::parse(text, "", "v4", "v6");
    if (!table) {
        const std::string& message = table.error().message;
        FUZZ_CHECK(!message.empty() && message.find('\n') == std::string::npos);
        FUZZ_CHECK(message.rfind(v6 ? "asn csv v6: " : "asn csv v4: ", 0) == 0);
        return 0;
    }

    std::vector<Row> rows;
    AsnCsvReader reader(text, v6 ? AddressFamily::Ipv6 : AddressFamily::Ipv4, "ref");
    AsnCsvRow row;
    while (true) {
        auto more = reader.next(row);
        FUZZ_CHECK(more.has_value()); // the table accepted this text
        if (!*more) {
            break;
        }
        rows.push_back({addressKey(row.first), addressKey(row.last), row.asn, row.name});
    }
    FUZZ_CHECK(rows.size() == table->rowCount());
    FUZZ_CHECK(table->asCount() <= rows.size());

    const auto reference = [&rows](Uint128 address) -> const Row* {
        const Row* found = nullptr;
        for (const Row& r : rows) {
            if (r.first <= address && address <= r.last) {
                found = &r;
            }
        }
        return found;
    };
    constexpr std::size_t kMaxChecked = 256; // the reference is quadratic
    for (std::size_t i = 0; i < rows.size() && i < kMaxChecked; ++i) {
        for (const Uint128 probe : {rows[i].first, rows[i].last, rows[i].first - 1, rows[i].last + 1}) {
            if (!v6 && (probe >> 32) != 0xffff) {
                continue; // wrapped out of the IPv4-mapped space
            }
            const AsInfo got = v6 ? table->lookupV6(probe) : table->lookupV4(static_cast<uint32_t>(probe));
            const Row* want = reference(probe);
            FUZZ_CHECK(want == nullptr ? got.asn == 0 && got.name.empty()
                                       : got.asn == want->asn && got.name == want->name);
        }
    }
    return 0;
}
