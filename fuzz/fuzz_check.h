#pragma once

/// FUZZ_CHECK(condition): an invariant of our own code failed; stop here so libFuzzer (or the
/// corpus replay under CTest) records the input. Shared by every fuzz target.
#define FUZZ_CHECK(condition)                                                                                          \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            __builtin_trap();                                                                                          \
        }                                                                                                              \
    } while (0)
