#pragma once

/// The media types of TAXII 2.1 (OASIS TAXII 2.1, section 1.6.8): what a request must accept and
/// send, and what answers are.

#include <string_view>

namespace kansoku::web {

/// The media type of every TAXII 2.1 answer and request body.
inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";
/// The media type of the STIX objects a collection holds.
inline constexpr std::string_view kStixMediaType = "application/stix+json;version=2.1";

/// Whether an Accept header (RFC 9110 section 12.5.1) admits TAXII 2.1: one of its media ranges is
/// application/taxii+json with version=2.1 or without a version (q=0 excluded). Wildcards do not
/// count: a client that does not ask for TAXII gets 406.
bool acceptsTaxii(std::string_view accept);

/// Whether a Content-Type is application/taxii+json with version=2.1 or without a version.
bool isTaxiiContentType(std::string_view content_type);

} // namespace kansoku::web
