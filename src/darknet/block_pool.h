#pragma once

/// Where the trackers' per-record heap blocks (destination sets, bitmaps and sketches, port sets)
/// come from: zeroed blocks of 64 B to 16 KiB, carved from 2 MiB chunks that ask the kernel for
/// transparent huge pages (madvise(MADV_HUGEPAGE)), and recycled through a free list per size.
///
/// Why: a telescope source touches a new destination with nearly every packet, so these blocks
/// are hit at random over hundreds of MiB. From malloc, each 4 KiB page costs a page fault when
/// first touched and a TLB miss (a nested page walk under virtualisation) on most accesses; from
/// 2 MiB pages, neither (bench/README.md "Darknet throughput" has the figures).
///
/// Each thread has its own pool (a darknet worker allocates and frees on its own thread); a block
/// freed on another thread joins that thread's free list. Chunks are never unmapped: freed blocks
/// are reused by later records, so the pool holds at most the peak of what the records held.

#include <cstddef>
#include <cstdint>
#include <memory>

namespace kansoku::darknet {

class BlockPool {
public:
    static constexpr size_t kMinBlock = 64;
    static constexpr size_t kMaxBlock = 16384;

    /// A zeroed block of at least `bytes`, 64-byte aligned, from this thread's pool; a block larger
    /// than kMaxBlock (a set with a raised exact limit) is mapped on its own and unmapped on release.
    static void* allocate(size_t bytes);
    /// Returns a block from allocate() (any thread's) to this thread's pool.
    static void release(void* block);
    /// Bytes of chunks mapped by this thread's pool (in use or free).
    static size_t mappedBytes();
};

struct BlockPoolFree {
    void operator()(void* block) const { BlockPool::release(block); }
};

/// An owned array of T from the pool (T trivially constructible: the block is zeroed).
template <typename T>
using PooledArray = std::unique_ptr<T[], BlockPoolFree>;

template <typename T>
PooledArray<T> allocatePooled(size_t count) {
    return PooledArray<T>(static_cast<T*>(BlockPool::allocate(count * sizeof(T))));
}

} // namespace kansoku::darknet
