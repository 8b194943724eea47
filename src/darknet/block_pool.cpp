#include "darknet/block_pool.h"

#include <array>
#include <bit>
#include <cstring>
#include <new>

#include <sys/mman.h>

#include "darknet/huge_array.h"

namespace kansoku::darknet {
namespace {

constexpr size_t kChunk = size_t{2} << 20; // one huge page
constexpr int kMinShift = 6;               // 64 B
constexpr int kClasses = 9;                // 64 B .. 16 KiB

/// The first block of every chunk holds this header, so release() finds a block's size class
/// from its address alone (chunks are aligned to their size).
struct ChunkHeader {
    int size_class; ///< kLarge: one block larger than kMaxBlock, mapped alone
    size_t length;  ///< kLarge: bytes mapped
};
constexpr int kLarge = -1;
constexpr size_t kLargeOffset = 64; // a large block starts after its header

struct FreeBlock {
    FreeBlock* next;
};

int classOf(size_t bytes) {
    const size_t rounded = std::bit_ceil(bytes < BlockPool::kMinBlock ? BlockPool::kMinBlock : bytes);
    return std::countr_zero(rounded) - kMinShift;
}

/// Maps `length` bytes (a multiple of kChunk) starting on a kChunk boundary.
void* mapAligned(size_t length) {
    // Over-map, then trim to a chunk-aligned range so a chunk can be one huge page.
    void* raw = mmap(nullptr, length + kChunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        throw std::bad_alloc(); // as operator new does; the trackers' budgets keep this away
    }
    const auto start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = (start + kChunk - 1) & ~(kChunk - 1);
    if (aligned > start) {
        munmap(raw, aligned - start);
    }
    const uintptr_t end = start + length + kChunk;
    if (end > aligned + length) {
        munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
    }
    return reinterpret_cast<void*>(aligned);
}

} // namespace

namespace detail {

void* mapHuge(size_t bytes) {
    const size_t length = (bytes + kChunk - 1) & ~(kChunk - 1);
    void* memory = mapAligned(length);
    madvise(memory, length, MADV_HUGEPAGE);
    return memory;
}

void unmapHuge(void* memory, size_t bytes) {
    munmap(memory, (bytes + kChunk - 1) & ~(kChunk - 1));
}

} // namespace detail

namespace {

void* mapChunk() {
    void* chunk = mapAligned(kChunk);
    madvise(chunk, kChunk, MADV_HUGEPAGE); // a hint: without THP the pool still works
    return chunk;
}

class ThreadPool {
public:
    void* allocate(size_t bytes) {
        if (bytes > BlockPool::kMaxBlock) {
            const size_t length = (bytes + kLargeOffset + kChunk - 1) & ~(kChunk - 1);
            char* mapping = static_cast<char*>(mapAligned(length));
            new (mapping) ChunkHeader{kLarge, length};
            return mapping + kLargeOffset;
        }
        const int c = classOf(bytes);
        const size_t size = size_t{1} << (c + kMinShift);
        if (FreeBlock* block = free_[static_cast<size_t>(c)]; block != nullptr) {
            free_[static_cast<size_t>(c)] = block->next;
            std::memset(block, 0, size);
            return block;
        }
        auto& bump = bump_[static_cast<size_t>(c)];
        if (bump.next == bump.end) {
            char* chunk = static_cast<char*>(mapChunk());
            mapped_ += kChunk;
            new (chunk) ChunkHeader{c};
            bump.next = chunk + size; // the first block is the header's
            bump.end = chunk + kChunk;
        }
        void* block = bump.next;
        bump.next += size;
        return block; // fresh anonymous memory is zero
    }

    void release(void* block) {
        const auto chunk = reinterpret_cast<uintptr_t>(block) & ~(kChunk - 1);
        const auto* header = reinterpret_cast<const ChunkHeader*>(chunk);
        const int c = header->size_class;
        if (c == kLarge) {
            munmap(reinterpret_cast<void*>(chunk), header->length);
            return;
        }
        auto* node = static_cast<FreeBlock*>(block);
        node->next = free_[static_cast<size_t>(c)];
        free_[static_cast<size_t>(c)] = node;
    }

    size_t mapped() const { return mapped_; }

private:
    struct Bump {
        char* next = nullptr;
        char* end = nullptr;
    };
    std::array<FreeBlock*, kClasses> free_{};
    std::array<Bump, kClasses> bump_{};
    size_t mapped_ = 0;
};

ThreadPool& local() {
    thread_local ThreadPool pool;
    return pool;
}

} // namespace

void* BlockPool::allocate(size_t bytes) {
    return local().allocate(bytes);
}

void BlockPool::release(void* block) {
    if (block != nullptr) {
        local().release(block);
    }
}

size_t BlockPool::mappedBytes() {
    return local().mapped();
}

} // namespace kansoku::darknet
