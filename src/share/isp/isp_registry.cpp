#include "share/isp/isp_registry.h"

#include <algorithm>
#include <cctype>

#include "share/isp/api_key.h"

namespace kansoku::share::isp {
namespace {

constexpr size_t kMaxName = 64;
constexpr size_t kMaxAddress = 254;

bool nameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

bool overlaps(const Prefix& a, const Prefix& b) {
    return a.contains(b.network()) || b.contains(a.network());
}

/// The first clash of `mine` with another ISP's space, as a sentence; "" when there is none.
std::string clash(const AddressScope& mine, const store::IspRecord& other) {
    for (const auto& prefix : mine.prefixes) {
        for (const auto& theirs : other.scope.prefixes) {
            if (overlaps(prefix, theirs)) {
                return fmt::format("prefix {} overlaps {} of ISP {}", prefix.toString(), theirs.toString(), other.name);
            }
        }
    }
    for (const uint32_t asn : mine.asns) {
        if (std::find(other.scope.asns.begin(), other.scope.asns.end(), asn) != other.scope.asns.end()) {
            return fmt::format("AS{} belongs to ISP {} already", asn, other.name);
        }
    }
    return {};
}

} // namespace

bool validIspName(std::string_view name) {
    return !name.empty() && name.size() <= kMaxName && std::isalnum(static_cast<unsigned char>(name.front())) != 0 &&
           std::all_of(name.begin(), name.end(), nameChar);
}

bool validAbuseAddress(std::string_view address) {
    if (address.size() > kMaxAddress) {
        return false;
    }
    for (const char c : address) {
        if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == ';') {
            return false;
        }
    }
    const auto at = address.find('@');
    if (at == std::string_view::npos || at == 0 || address.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    const auto domain = address.substr(at + 1);
    const auto dot = domain.find('.');
    return dot != std::string_view::npos && dot > 0 && domain.back() != '.' && domain.find("..") == std::string::npos;
}

Result<store::IspRecord> IspRegistry::check(const IspSpec& spec) {
    if (!validIspName(spec.name)) {
        return fail("ISP name '{}' is not valid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter "
                    "or digit",
                    spec.name.substr(0, kMaxName + 16));
    }
    if (!validAbuseAddress(spec.abuse)) {
        return fail("abuse address '{}' is not a mail address (name@example.net)", spec.abuse.substr(0, kMaxAddress));
    }
    if (spec.lang != "ja" && spec.lang != "en") {
        return fail("language '{}' is not supported: use ja or en", spec.lang.substr(0, 16));
    }
    if (spec.prefixes.empty() && spec.asns.empty()) {
        return fail("ISP {} needs at least one --prefix or --asn", spec.name);
    }
    store::IspRecord isp;
    isp.name = spec.name;
    isp.abuse = spec.abuse;
    isp.lang = spec.lang;
    for (const auto& text : spec.prefixes) {
        auto prefix = Prefix::parse(text);
        if (!prefix) {
            return fail(prefix.error());
        }
        for (const auto& earlier : isp.scope.prefixes) {
            if (overlaps(*prefix, earlier)) {
                return fail("prefix {} overlaps {} given before", prefix->toString(), earlier.toString());
            }
        }
        isp.scope.prefixes.push_back(*prefix);
    }
    for (const uint32_t asn : spec.asns) {
        if (asn == 0) {
            return fail("AS0 is reserved (RFC 7607) and cannot belong to an ISP");
        }
        if (std::find(isp.scope.asns.begin(), isp.scope.asns.end(), asn) == isp.scope.asns.end()) {
            isp.scope.asns.push_back(asn);
        }
    }
    auto others = store_.isps();
    KANSOKU_TRY(others);
    for (const auto& other : *others) {
        if (other.name == spec.name) {
            return fail("ISP {} exists already (remove it first, or rotate its key)", spec.name);
        }
        if (auto why = clash(isp.scope, other); !why.empty()) {
            return fail("ISP {} refused: {}", spec.name, why);
        }
    }
    return isp;
}

Result<std::string> IspRegistry::add(const IspSpec& spec, Timestamp now) {
    auto isp = check(spec);
    KANSOKU_TRY(isp);
    auto key = generateApiKey();
    KANSOKU_TRY(key);
    isp->key_hash = apiKeyHash(*key);
    isp->created = now;
    isp->key_rotated = now;
    KANSOKU_TRY(store_.addIsp(*isp));
    return key;
}

Result<std::string> IspRegistry::rotateKey(std::string_view name, Timestamp now) {
    auto key = generateApiKey();
    KANSOKU_TRY(key);
    auto rotated = store_.setIspKeyHash(name, apiKeyHash(*key), now);
    KANSOKU_TRY(rotated);
    if (!*rotated) {
        return fail("no ISP named '{}'", name.substr(0, kMaxName + 16));
    }
    return key;
}

Result<void> IspRegistry::remove(std::string_view name) {
    auto removed = store_.removeIsp(name);
    KANSOKU_TRY(removed);
    if (!*removed) {
        return fail("no ISP named '{}'", name.substr(0, kMaxName + 16));
    }
    return {};
}

} // namespace kansoku::share::isp
