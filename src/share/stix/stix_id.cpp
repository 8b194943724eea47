#include "share/stix/stix_id.h"

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>

namespace kansoku::share::stix {
namespace {

int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// Decodes one UTF-8 sequence at `i` (advancing it); invalid bytes count as themselves.
uint32_t nextCodePoint(std::string_view s, size_t& i) {
    const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t b0 = byte(i);
    size_t length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 1;
    if (i + length > s.size()) {
        length = 1;
    }
    uint32_t cp = length == 1 ? b0 : length == 2 ? (b0 & 0x1F) : length == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (size_t k = 1; k < length; ++k) {
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    i += length;
    return cp;
}

/// The UTF-16 code units of a UTF-8 string (RFC 8785 section 3.2.3 sorts by them).
std::vector<uint16_t> utf16(std::string_view s) {
    std::vector<uint16_t> units;
    units.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const uint32_t cp = nextCodePoint(s, i);
        if (cp >= 0x10000) {
            units.push_back(static_cast<uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
            units.push_back(static_cast<uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        } else {
            units.push_back(static_cast<uint16_t>(cp));
        }
    }
    return units;
}

void writeString(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void writeCanonical(std::string& out, const nlohmann::ordered_json& value) {
    switch (value.type()) {
    case nlohmann::ordered_json::value_t::object: {
        std::vector<std::pair<std::vector<uint16_t>, const nlohmann::ordered_json::object_t::value_type*>> members;
        members.reserve(value.size());
        for (const auto& member : value.get_ref<const nlohmann::ordered_json::object_t&>()) {
            members.emplace_back(utf16(member.first), &member);
        }
        std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        out += '{';
        for (size_t i = 0; i < members.size(); ++i) {
            if (i > 0) {
                out += ',';
            }
            writeString(out, members[i].second->first);
            out += ':';
            writeCanonical(out, members[i].second->second);
        }
        out += '}';
        return;
    }
    case nlohmann::ordered_json::value_t::array: {
        out += '[';
        bool first = true;
        for (const auto& item : value) {
            if (!first) {
                out += ',';
            }
            first = false;
            writeCanonical(out, item);
        }
        out += ']';
        return;
    }
    case nlohmann::ordered_json::value_t::string:
        writeString(out, value.get_ref<const std::string&>());
        return;
    default:
        out += value.dump(); // null, booleans, numbers
        return;
    }
}

/// STIX 2.1 section 2.9: of the hashes, the first of these that is present contributes alone.
nlohmann::ordered_json oneHash(const nlohmann::ordered_json& hashes) {
    for (const char* algorithm : {"MD5", "SHA-1", "SHA-256", "SHA-512"}) {
        if (hashes.contains(algorithm)) {
            return {{algorithm, hashes.at(algorithm)}};
        }
    }
    if (!hashes.empty()) {
        return {{hashes.begin().key(), hashes.begin().value()}};
    }
    return hashes;
}

} // namespace

Uuid parseUuid(std::string_view text) {
    Uuid uuid{};
    size_t n = 0;
    for (size_t i = 0; i < text.size() && n < 32; ++i) {
        const int d = hexDigit(text[i]);
        if (d < 0) {
            continue; // the dashes
        }
        uuid[n / 2] = static_cast<uint8_t>(uuid[n / 2] | (d << (n % 2 == 0 ? 4 : 0)));
        ++n;
    }
    return n == 32 ? uuid : Uuid{};
}

std::string formatUuid(const Uuid& u) {
    return fmt::format(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}", u[0],
        u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

Uuid uuid5(const Uuid& name_space, std::string_view name) {
    // One context per thread, reused: an export computes millions of ids.
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                                       &EVP_MD_CTX_free);
    std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_DigestInit_ex(context.get(), EVP_sha1(), nullptr);
    EVP_DigestUpdate(context.get(), name_space.data(), name_space.size());
    EVP_DigestUpdate(context.get(), name.data(), name.size());
    EVP_DigestFinal_ex(context.get(), digest.data(), &size);
    Uuid uuid{};
    std::copy_n(digest.begin(), uuid.size(), uuid.begin());
    uuid[6] = static_cast<uint8_t>((uuid[6] & 0x0F) | 0x50);
    uuid[8] = static_cast<uint8_t>((uuid[8] & 0x3F) | 0x80);
    return uuid;
}

Uuid uuid4() {
    Uuid uuid{};
    if (RAND_bytes(uuid.data(), static_cast<int>(uuid.size())) != 1) {
        std::random_device device; // OpenSSL's generator failed: the OS source directly
        for (auto& b : uuid) {
            b = static_cast<uint8_t>(device());
        }
    }
    uuid[6] = static_cast<uint8_t>((uuid[6] & 0x0F) | 0x40);
    uuid[8] = static_cast<uint8_t>((uuid[8] & 0x3F) | 0x80);
    return uuid;
}

std::string canonicalJson(const nlohmann::ordered_json& value) {
    std::string out;
    writeCanonical(out, value);
    return out;
}

std::string scoId(std::string_view type, const nlohmann::ordered_json& contributing) {
    static const Uuid kNamespace = parseUuid(kScoNamespace);
    std::string name;
    if (contributing.is_object() && contributing.contains("hashes")) {
        nlohmann::ordered_json reduced = contributing;
        reduced["hashes"] = oneHash(contributing.at("hashes"));
        name = canonicalJson(reduced);
    } else {
        name = canonicalJson(contributing);
    }
    return fmt::format("{}--{}", type, formatUuid(uuid5(kNamespace, name)));
}

ObjectIds::ObjectIds(std::string_view producer)
    : namespace_(uuid5(parseUuid(kKansokuNamespace), fmt::format("producer|{}", producer))) {}

std::string ObjectIds::id(std::string_view type, std::string_view name) const {
    // STIX 2.1 section 2.9: identifiers of objects other than SCOs SHOULD be UUIDv4 (the validator checks it,
    // {103}). The UUIDv5 computation's 122 bits are pseudo-random, which is what version 4 promises (RFC 9562
    // section 5.4), so the id keeps them and says version 4.
    Uuid uuid = uuid5(namespace_, name);
    uuid[6] = static_cast<uint8_t>((uuid[6] & 0x0F) | 0x40);
    return fmt::format("{}--{}", type, formatUuid(uuid));
}

} // namespace kansoku::share::stix
