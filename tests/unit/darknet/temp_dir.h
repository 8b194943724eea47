#pragma once

// The shared test directory helper (tests/support/temp_dir.h), named where these tests look for it.

#include "support/temp_dir.h"

namespace kansoku::darknet::testing {
using kansoku::testing::TempDir;
} // namespace kansoku::darknet::testing
