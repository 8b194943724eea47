/*
 * aeabi.c - the ARM run-time ABI helpers the compiler calls where ARMv7 has no instruction: 64-bit division and
 * 64-bit integer to double conversion (libgcc / compiler-rt provide them elsewhere; Debian ships neither for
 * big-endian ARM).
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
#include <stdint.h>

uint64_t minilibc_udivmod64(uint64_t n, uint64_t d, uint64_t* remainder);
double __aeabi_ul2d(uint64_t value);
double __aeabi_l2d(int64_t value);

/* Shift-and-subtract long division; d == 0 gives quotient ~0 and remainder n (no trap, like many libgcc ports). */
uint64_t minilibc_udivmod64(uint64_t n, uint64_t d, uint64_t* remainder) {
    if (d == 0) {
        *remainder = n;
        return ~(uint64_t)0;
    }
    uint64_t quotient = 0, rest = 0;
    for (int bit = 63; bit >= 0; --bit) {
        rest = rest << 1 | (n >> bit & 1u);
        if (rest >= d) {
            rest -= d;
            quotient |= (uint64_t)1 << bit;
        }
    }
    *remainder = rest;
    return quotient;
}

double __aeabi_ul2d(uint64_t value) {
    return (double)(uint32_t)(value >> 32) * 4294967296.0 + (double)(uint32_t)value;
}

double __aeabi_l2d(int64_t value) {
    return value < 0 ? -__aeabi_ul2d((uint64_t)0 - (uint64_t)value) : __aeabi_ul2d((uint64_t)value);
}
