#pragma once

/// The query part of a request target (`a=1&b=x%20y`), decoded as
/// application/x-www-form-urlencoded (percent escapes, '+' as space).

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace kansoku::web {

using QueryParams = std::map<std::string, std::string, std::less<>>;

/// The parameters of `query`; fails (one line, for a 400) on a bad escape, a parameter given
/// twice, or one not in `allowed` (a typo should not silently widen an answer).
Result<QueryParams> parseQueryParams(std::string_view query, std::initializer_list<std::string_view> allowed);

} // namespace kansoku::web
