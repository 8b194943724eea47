#pragma once

/// Reads the IP-to-ASN CSV of ip-location-db (`@ip-location-db/asn`: asn-ipv4.csv, asn-ipv6.csv),
/// one row at a time. Each line is `first,last,asn,name`: an inclusive address range written as
/// two addresses of the file's family, the AS number in decimal, and the AS (organisation) name.
/// Fields follow RFC 4180: a field may be quoted, `""` inside quotes is one `"`; line ends are LF
/// or CRLF. Nothing else is accepted: a wrong field count, an address of the other family, a range
/// whose end is below its start, an AS number that is not a plain decimal below 2^32, a name with
/// control characters, invalid UTF-8 or over kMaxAsNameBytes, or a last line without its line end
/// (the published files end with one, so that is a truncated file) is an error naming the origin
/// and the line. A file cut exactly at a line end cannot be told from a shorter file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/ip_address.h"
#include "common/result.h"

namespace kansoku::intel {

/// Longest AS name accepted (the longest in the published data is 167 bytes).
inline constexpr std::size_t kMaxAsNameBytes = 1024;

/// The address family a CSV file holds.
enum class AddressFamily { Ipv4, Ipv6 };

/// One row of the CSV.
struct AsnCsvRow {
    IpAddress first;
    IpAddress last; ///< inclusive
    uint32_t asn = 0;
    std::string name;
    std::size_t line = 0; ///< 1-based, for the caller's messages
};

class AsnCsvReader {
public:
    /// Reads `text` (a whole file), which must hold ranges of `family`; `origin` names it in
    /// errors (a path). `text` must outlive the reader.
    AsnCsvReader(std::string_view text, AddressFamily family, std::string origin);

    /// Reads the next row into `row`: true when one was read, false at the end of the text, an
    /// error for a malformed line (then the reader stays at that line).
    Result<bool> next(AsnCsvRow& row);

    const std::string& origin() const { return origin_; }

private:
    Result<void> parseLine(std::string_view line, AsnCsvRow& row) const;

    std::string_view text_;
    std::size_t offset_ = 0;
    std::size_t line_ = 0;
    AddressFamily family_;
    std::string origin_;
};

} // namespace kansoku::intel
