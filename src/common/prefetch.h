#pragma once

/// Prefetches one cache line for reading. GCC removes `__builtin_prefetch` when the address comes
/// out of a loop without other side effects (the tag walk in FlatTable::prefetchSlot compiled to
/// nothing), so on x86-64 this is a volatile asm statement the optimiser must keep.

namespace kansoku {

inline void prefetchLine(const void* address) {
#if defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
    __builtin_prefetch(address);
#endif
}

} // namespace kansoku
