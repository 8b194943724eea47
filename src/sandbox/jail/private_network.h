#pragma once

/// The sandbox's outer safety net: moves the calling process into a network namespace of its own
/// with only loopback up, so nothing it starts (a jail, a broken jail, a sample that escaped one)
/// can reach any real network. Call while the process is single-threaded (unshare(CLONE_NEWNET)
/// moves only the calling thread).

#include "common/result.h"

namespace kansoku::sandbox {

/// Error: "unshare(CLONE_NEWNET): why" or "cannot bring lo up in the private network namespace".
Result<void> enterPrivateNetwork();

} // namespace kansoku::sandbox
