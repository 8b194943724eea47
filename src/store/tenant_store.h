#pragma once

/// Where ISP tenants are kept. SqliteStore implements it (sqlite_store_isps.cpp).

#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/isp_record.h"

namespace kansoku::store {

class TenantStore {
public:
    virtual ~TenantStore() = default;

    /// Adds an ISP with its networks; fails (one line) when the name is taken.
    virtual Result<void> addIsp(const IspRecord& isp) = 0;
    /// Every ISP, by name.
    virtual Result<std::vector<IspRecord>> isps() = 0;
    virtual Result<std::optional<IspRecord>> isp(std::string_view name) = 0;
    /// The ISP whose key hashes to `key_hash`.
    virtual Result<std::optional<IspRecord>> ispByKeyHash(std::string_view key_hash) = 0;
    /// Removes the ISP and its networks; false when there was none.
    virtual Result<bool> removeIsp(std::string_view name) = 0;
    /// Replaces the ISP's key hash; false when there is no such ISP.
    virtual Result<bool> setIspKeyHash(std::string_view name, std::string_view key_hash, Timestamp when) = 0;
};

} // namespace kansoku::store
