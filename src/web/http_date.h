#pragma once

/// The HTTP date format (IMF-fixdate, RFC 9110 section 5.6.7, formerly RFC 7231 section 7.1.1.1):
/// "Sun, 06 Nov 1994 08:49:37 GMT".

#include <chrono>
#include <string>

namespace kansoku::web {

std::string httpDate(std::chrono::system_clock::time_point time);

} // namespace kansoku::web
