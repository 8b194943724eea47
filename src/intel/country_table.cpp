#include "intel/country_table.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <unordered_map>
#include <utility>

#include <maxminddb.h>

namespace kansoku::intel {
namespace {

struct MmdbCloser {
    void operator()(MMDB_s* mmdb) const {
        MMDB_close(mmdb);
        delete mmdb;
    }
};
using MmdbHandle = std::unique_ptr<MMDB_s, MmdbCloser>;

/// A two-letter country code from a decoded entry, or empty.
std::array<char, 2> twoLetters(const MMDB_entry_data_s& data) {
    if (!data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size != 2) {
        return {};
    }
    const char* text = data.utf8_string;
    if (text[0] < 'A' || text[0] > 'Z' || text[1] < 'A' || text[1] > 'Z') {
        return {};
    }
    return {text[0], text[1]};
}

} // namespace

/// Walks the search tree in address order (left, bit 0, before right), turning each data record
/// into a range of the family's index (MaxMind DB spec, "Search Tree Section").
class CountryTable::Walker {
public:
    Walker(const MMDB_s& mmdb, std::string path) : mmdb_(mmdb), path_(std::move(path)) {}

    Result<CountryTable> run() && {
        const unsigned version = mmdb_.metadata.ip_version;
        if (version != 4 && version != 6) {
            return fail("country mmdb {}: ip_version {} (must be 4 or 6)", path_, version);
        }
        if (mmdb_.metadata.node_count == 0) {
            return fail("country mmdb {}: empty search tree", path_);
        }
        bits_ = version == 4 ? 32 : 128;
        const uint64_t budget = uint64_t{mmdb_.metadata.node_count} * 4;
        uint64_t visits = 0;
        stack_.push_back({0, 0, 0});
        while (!stack_.empty()) {
            const Item item = stack_.back();
            stack_.pop_back();
            if (++visits > budget) {
                return fail("country mmdb {}: search tree visits more than 4 x {} nodes (shared or cyclic nodes)",
                            path_, mmdb_.metadata.node_count);
            }
            KANSOKU_TRY(visit(item));
        }
        table_.v4_ = v4_.build();
        table_.v6_ = v6_.build();
        table_.node_count_ = mmdb_.metadata.node_count;
        return std::move(table_);
    }

private:
    struct Item {
        uint32_t node;
        unsigned depth; ///< bits of `prefix` fixed so far
        Uint128 prefix; ///< left-aligned in `bits_` bits
    };

    Result<void> visit(const Item& item) {
        MMDB_search_node_s node;
        const int status = MMDB_read_node(&mmdb_, item.node, &node);
        if (status != MMDB_SUCCESS) {
            return fail("country mmdb {}: node {}: {}", path_, item.node, MMDB_strerror(status));
        }
        const unsigned depth = item.depth + 1;
        const Uint128 right_prefix = item.prefix | (Uint128{1} << (bits_ - depth));
        // Right first onto the stack, so the left subtree (lower addresses) comes out first.
        KANSOKU_TRY(record(node.right_record, node.right_record_type, node.right_record_entry, depth, right_prefix));
        return record(node.left_record, node.left_record_type, node.left_record_entry, depth, item.prefix);
    }

    Result<void> record(uint64_t value, uint8_t type, MMDB_entry_s entry, unsigned depth, Uint128 prefix) {
        switch (type) {
        case MMDB_RECORD_TYPE_EMPTY:
            return {};
        case MMDB_RECORD_TYPE_SEARCH_NODE:
            if (depth >= bits_) {
                return fail("country mmdb {}: search tree deeper than {} bits", path_, bits_);
            }
            stack_.push_back({static_cast<uint32_t>(value), depth, prefix});
            return {};
        case MMDB_RECORD_TYPE_DATA: {
            auto code = codeIndex(value, entry);
            if (!code) {
                return fail(std::move(code).error());
            }
            addRange(prefix, depth, *code);
            return {};
        }
        default:
            return fail("country mmdb {}: record {} points outside the file", path_, value);
        }
    }

    /// The index into codes_ of the data record `value` (decoded once per record).
    Result<uint32_t> codeIndex(uint64_t value, MMDB_entry_s entry) {
        if (const auto it = by_record_.find(value); it != by_record_.end()) {
            return it->second;
        }
        MMDB_entry_data_s data;
        int status = MMDB_get_value(&entry, &data, "country_code", nullptr);
        if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || (status == MMDB_SUCCESS && !data.has_data)) {
            status = MMDB_get_value(&entry, &data, "country", "iso_code", nullptr);
        }
        if (status != MMDB_SUCCESS && status != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR) {
            return fail("country mmdb {}: data record at offset {}: {}", path_, entry.offset, MMDB_strerror(status));
        }
        const std::array<char, 2> code = status == MMDB_SUCCESS ? twoLetters(data) : std::array<char, 2>{};
        if (code[0] == 0) {
            return fail("country mmdb {}: data record at offset {} has no two-letter country_code", path_,
                        entry.offset);
        }
        uint32_t index = 0;
        while (index < table_.codes_.size() && table_.codes_[index] != code) {
            ++index;
        }
        if (index == table_.codes_.size()) {
            table_.codes_.push_back(code);
        }
        by_record_.emplace(value, index);
        return index;
    }

    void addRange(Uint128 prefix, unsigned depth, uint32_t code) {
        const Uint128 host_mask = depth >= bits_ ? 0 : (~Uint128{0} >> (128 - (bits_ - depth)));
        const Uint128 last = prefix | host_mask;
        if (bits_ == 32) {
            v4_.add(static_cast<uint32_t>(prefix), static_cast<uint32_t>(last), code);
            return;
        }
        constexpr Uint128 kV4Top = 0xffffffffU; // ::/96 holds the IPv4 space
        if (prefix <= kV4Top) {
            v4_.add(static_cast<uint32_t>(prefix), static_cast<uint32_t>(last < kV4Top ? last : kV4Top), code);
        }
        if (last > kV4Top) { // networks inside ::/96 are IPv4 only (IPv4-compatible IPv6 is deprecated, RFC 4291)
            v6_.add(prefix, last, code);
        }
    }

    const MMDB_s& mmdb_;
    std::string path_;
    unsigned bits_ = 128;
    std::vector<Item> stack_;
    std::unordered_map<uint64_t, uint32_t> by_record_;
    Ipv4RangeIndex::Builder v4_;
    Ipv6RangeIndex::Builder v6_;
    CountryTable table_;
};

Result<CountryTable> CountryTable::load(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        return fail("country mmdb {}: {}", path, ec ? ec.message() : "not a regular file");
    }
    const auto size = fs::file_size(path, ec);
    if (ec || size == 0 || size > kMaxCountryMmdbBytes) {
        return fail("country mmdb {}: {}", path,
                    ec          ? ec.message()
                    : size == 0 ? std::string("empty file")
                                : fmt::format("{} bytes, over the {} byte limit", size, kMaxCountryMmdbBytes));
    }
    MmdbHandle mmdb(new MMDB_s{});
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, mmdb.get());
    if (status != MMDB_SUCCESS) {
        // MMDB_open cleans up after itself on failure; only the struct is ours to free.
        const std::string reason = status == MMDB_IO_ERROR
                                       ? fmt::format("{}: {}", MMDB_strerror(status), std::strerror(errno))
                                       : MMDB_strerror(status);
        delete mmdb.release();
        return fail("country mmdb {}: {}", path, reason);
    }
    return Walker(*mmdb, path).run();
}

} // namespace kansoku::intel
