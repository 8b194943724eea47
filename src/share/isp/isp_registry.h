#pragma once

/// The ISP tenants as an operator manages them (`kansoku isp ...`, issue 11 item 4): every check an
/// ISP passes before it is stored, and its API key handed out once. The store (TenantStore) stays
/// the one truth; this class only adds the rules.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/tenant_store.h"

namespace kansoku::share::isp {

/// An ISP as given on the command line, not yet checked.
struct IspSpec {
    std::string name;
    std::vector<std::string> prefixes; ///< CIDR, e.g. 198.51.100.0/25 or 2001:db8::/32
    std::vector<uint32_t> asns;
    std::string abuse; ///< where its reports are mailed
    std::string lang = "en";
};

/// Letters, digits, '.', '_' and '-', 1 to 64 characters, starting with a letter or digit (it
/// appears in file names, URLs and mail subjects).
bool validIspName(std::string_view name);
/// local@domain with a dotted domain, printable ASCII without spaces, at most 254 characters
/// (RFC 5321 section 4.5.3.1.3). Not a full RFC 5322 parser: enough to catch a typo.
bool validAbuseAddress(std::string_view address);

class IspRegistry {
public:
    explicit IspRegistry(store::TenantStore& store) : store_(store) {}

    /// Checks `spec` (name, abuse address, lang ja|en, at least one prefix or ASN, each prefix
    /// parses, no prefix overlaps and no ASN is shared with another ISP), stores it with a new key
    /// and returns the key: the only time it exists outside the ISP.
    Result<std::string> add(const IspSpec& spec, Timestamp now);
    /// Gives the ISP a new key (returned once); the old one stops working.
    Result<std::string> rotateKey(std::string_view name, Timestamp now);
    /// Removes the ISP (its key stops working); fails when there is none.
    Result<void> remove(std::string_view name);

private:
    Result<store::IspRecord> check(const IspSpec& spec);
    store::TenantStore& store_;
};

} // namespace kansoku::share::isp
