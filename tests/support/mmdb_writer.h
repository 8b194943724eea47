#pragma once

// A small MaxMind DB writer for tests (https://maxmind.github.io/MaxMind-DB/, format 2.0): a
// search tree of 24-bit records, the 16-byte separator, a data section of maps of strings, and the
// metadata map after "\xAB\xCD\xEFMaxMind.com". Enough to build tiny country databases with known
// contents, and variants with one thing wrong, without committing binary fixtures.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/ip_address.h"

namespace kansoku::test {

class MmdbWriter {
public:
    /// ip_version 6: IPv4 networks go under ::/96; ip_version 4: IPv4 only.
    explicit MmdbWriter(int ip_version = 6) : ip_version_(ip_version) {}

    /// `address/length` -> a data map {key: value} (string values). Networks must not nest.
    void add(const IpAddress& address, int length, std::vector<std::pair<std::string, std::string>> fields) {
        std::vector<bool> path; // the network's bits from the root, IPv4 under ::/96 in an IPv6 tree
        int first_bit = 0;
        if (address.isV4()) {
            first_bit = 96;
            path.assign(ip_version_ == 6 ? 96 : 0, false);
        }
        for (int i = first_bit; i < first_bit + length; ++i) {
            path.push_back(((address.bytes()[i / 8] >> (7 - i % 8)) & 1) != 0);
        }
        Node* node = &root_;
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
            auto& child = node->child[path[i] ? 1 : 0];
            if (!child) {
                child = std::make_unique<Node>();
            }
            node = child.get();
        }
        node->data[path.back() ? 1 : 0] = static_cast<int>(records_.size());
        records_.push_back(std::move(fields));
    }

    /// Metadata fields to override or drop (value "" drops), e.g. {"ip_version", "9"}.
    void setMetadata(const std::string& key, std::string value) { metadata_override_[key] = std::move(value); }

    std::string build() const {
        // Number the nodes breadth-first (root = 0).
        std::vector<const Node*> nodes{&root_};
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            for (const auto& child : nodes[i]->child) {
                if (child) {
                    nodes.push_back(child.get());
                }
            }
        }
        std::string data;
        std::vector<uint32_t> record_offsets;
        for (const auto& fields : records_) {
            record_offsets.push_back(static_cast<uint32_t>(data.size()));
            data += control(7, fields.size());
            for (const auto& [key, value] : fields) {
                data += utf8(key) + utf8(value);
            }
        }
        const auto node_count = static_cast<uint32_t>(nodes.size());
        std::string out;
        std::size_t next_child = 1;
        for (const Node* node : nodes) {
            for (int side = 0; side < 2; ++side) {
                uint32_t record = node_count; // empty
                if (node->child[side]) {
                    record = static_cast<uint32_t>(next_child++);
                } else if (node->data[side] >= 0) {
                    record = node_count + 16 + record_offsets[static_cast<std::size_t>(node->data[side])];
                }
                out.push_back(static_cast<char>(record >> 16));
                out.push_back(static_cast<char>(record >> 8));
                out.push_back(static_cast<char>(record));
            }
        }
        out += std::string(16, '\0');
        out += data;
        out += "\xAB\xCD\xEFMaxMind.com";
        std::map<std::string, std::string> meta = {
            {"binary_format_major_version", unsignedValue(5, 2)},
            {"binary_format_minor_version", unsignedValue(5, 0)},
            {"build_epoch", extended(2, bigEndian(1700000000))},
            {"database_type", utf8("test-country")},
            {"description", control(7, 0)},
            {"ip_version", unsignedValue(5, static_cast<uint64_t>(ip_version_))},
            {"languages", extended(4, "", 0)},
            {"node_count", unsignedValue(6, node_count)},
            {"record_size", unsignedValue(5, 24)},
        };
        for (const auto& [key, value] : metadata_override_) {
            if (value.empty()) {
                meta.erase(key);
            } else {
                meta[key] = unsignedValue(5, std::stoull(value));
            }
        }
        out += control(7, meta.size());
        for (const auto& [key, value] : meta) {
            out += utf8(key) + value;
        }
        return out;
    }

private:
    struct Node {
        std::unique_ptr<Node> child[2];
        int data[2] = {-1, -1}; ///< index into records_
    };

    static std::string control(int type, std::size_t size) {
        return std::string(1, static_cast<char>((type << 5) | static_cast<int>(size)));
    }
    static std::string bigEndian(uint64_t value) {
        std::string bytes;
        for (; value != 0; value >>= 8) {
            bytes.insert(bytes.begin(), static_cast<char>(value & 0xff));
        }
        return bytes;
    }
    static std::string utf8(const std::string& text) { return control(2, text.size()) + text; }
    static std::string unsignedValue(int type, uint64_t value) {
        const std::string bytes = bigEndian(value);
        return control(type, bytes.size()) + bytes;
    }
    /// Extended types (type number - 7 in the second byte): 2 = uint64, 4 = array.
    static std::string extended(int type_minus_7, const std::string& payload, std::size_t size = SIZE_MAX) {
        const std::size_t n = size == SIZE_MAX ? payload.size() : size;
        return std::string(1, static_cast<char>(n)) + std::string(1, static_cast<char>(type_minus_7)) + payload;
    }

    int ip_version_;
    Node root_;
    std::vector<std::vector<std::pair<std::string, std::string>>> records_;
    std::map<std::string, std::string> metadata_override_;
};

} // namespace kansoku::test
