#pragma once

/// Reading a whole data file of bounded size (warning lists, enrichment CSVs).

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace kansoku::intel {

/// The contents of `path`, a regular file of at most `max_bytes`. Errors are one line that starts
/// with `kind` and the path ("asn csv /x/asn-ipv4.csv: not a regular file"); a file that grows
/// past its size while being read is refused too.
Result<std::string> readBoundedFile(const std::string& path, std::size_t max_bytes, std::string_view kind);

} // namespace kansoku::intel
