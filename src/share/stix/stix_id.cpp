#include "share/stix/stix_id.h"

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "share/stix/json_text.h"

namespace kansoku::share::stix {
namespace {

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
        const int d = hexDigitValue(text[i]);
        if (d < 0) {
            continue; // the dashes
        }
        uuid[n / 2] = static_cast<uint8_t>(uuid[n / 2] | (d << (n % 2 == 0 ? 4 : 0)));
        ++n;
    }
    return n == 32 ? uuid : Uuid{};
}

std::string formatUuid(const Uuid& u) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    text.reserve(36);
    for (size_t i = 0; i < u.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            text += '-';
        }
        text += kHex[u[i] >> 4];
        text += kHex[u[i] & 0x0F];
    }
    return text;
}

Uuid uuid5(const Uuid& name_space, std::string_view name) {
    // One context per thread, and SHA-1 fetched once (EVP_sha1() is looked up again on every init): an export
    // computes millions of ids.
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                                       &EVP_MD_CTX_free);
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> sha1(EVP_MD_fetch(nullptr, "SHA1", nullptr),
                                                                      &EVP_MD_free);
    std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_DigestInit_ex(context.get(), sha1 ? sha1.get() : EVP_sha1(), nullptr);
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
    appendJson(out, value, JsonForm::Canonical);
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
