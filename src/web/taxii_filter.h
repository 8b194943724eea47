#pragma once

/// The paging and filtering parameters of TAXII 2.1 object lists (OASIS TAXII 2.1 sections 3.4
/// and 3.5): added_after, limit, next and match[id|type|version|spec_version], checked and turned
/// into a store query. `next` is opaque to the client: the position after the page's last object
/// and a fingerprint of the filters it was made for, so it is refused with other filters.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/result.h"
#include "store/sharing_record.h"

namespace kansoku::web {

struct TaxiiFilter {
    store::SharedObjectQuery query; ///< everything but collection and tlps filled
    int64_t limit = 0;              ///< the page size asked (query.limit is one more, to see if there are more)
    std::string fingerprint;        ///< of the filters, for next tokens
};

/// Parses the query of a request to `endpoint` (its path: part of the fingerprint). `matches`
/// names the match[...] fields this endpoint takes ("id", "type", "version", "spec_version");
/// anything else, a bad value, or a `next` made for other filters fails with one line for a 400.
/// limit is clamped to `max_page`.
Result<TaxiiFilter> parseTaxiiFilter(std::string_view endpoint, std::string_view query,
                                     std::initializer_list<std::string_view> matches, int64_t max_page);

/// The `next` token that continues after the object with `seq`.
std::string taxiiNextToken(const TaxiiFilter& filter, int64_t seq);

} // namespace kansoku::web
