#pragma once

/// Where international sharing keeps its state (issue 12). SqliteStore implements it
/// (sqlite_store_sharing.cpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/sharing_record.h"

namespace kansoku::store {

class SharingStore {
public:
    virtual ~SharingStore() = default;

    /// Adds a partner; fails (one line) when the name is taken.
    virtual Result<void> addPartner(const PartnerRecord& partner) = 0;
    /// Every partner, by name.
    virtual Result<std::vector<PartnerRecord>> partners() = 0;
    virtual Result<std::optional<PartnerRecord>> partner(std::string_view name) = 0;
    /// The partner whose secret hashes to `secret_hash`.
    virtual Result<std::optional<PartnerRecord>> partnerBySecretHash(std::string_view secret_hash) = 0;
    /// False when there was no such partner.
    virtual Result<bool> removePartner(std::string_view name) = 0;
    virtual Result<bool> setPartnerSecretHash(std::string_view name, std::string_view secret_hash, Timestamp when) = 0;

    /// The id of the community's collection `name`, made (a random UUID) the first time it is asked for.
    virtual Result<std::string> collectionId(std::string_view community, std::string_view name) = 0;

    /// Adds the objects in one transaction, each with the same date_added (now, or just after the
    /// last object's date_added if that is not earlier: batches never share a date_added). A version already in the
    /// collection (same id and version_us) is skipped. Returns how many were added.
    virtual Result<int64_t> addSharedObjects(std::vector<SharedObjectRecord>& objects, Timestamp now) = 0;
    /// Objects `query` selects, by seq.
    virtual Result<std::vector<SharedObjectRecord>> sharedObjects(const SharedObjectQuery& query) = 0;

    virtual Result<void> putSharingStatus(const SharingStatusRecord& status) = 0;
    virtual Result<std::optional<SharingStatusRecord>> sharingStatus(std::string_view id) = 0;

    virtual Result<void> logSharing(const SharingLogRecord& record) = 0;
    /// Log rows at or after `since`, oldest first, at most `limit` (0: all).
    virtual Result<std::vector<SharingLogRecord>> sharingLog(Timestamp since, int64_t limit) = 0;
};

} // namespace kansoku::store
