#pragma once

// An address from text for the intel tests; a typo in a test's literal fails the test.

#include <string_view>

#include <gtest/gtest.h>

#include "common/ip_address.h"

namespace kansoku::intel {

inline IpAddress ip(std::string_view text) {
    const auto address = IpAddress::parse(text);
    EXPECT_TRUE(address) << text;
    return address.value_or(IpAddress{});
}

} // namespace kansoku::intel
