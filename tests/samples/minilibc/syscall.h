/*
 * syscall.h - the Linux system call instruction for 32-bit ARM EABI (big- or little-endian), for minilibc.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md). EABI: number in r7, arguments in r0..r5, `svc 0`, result
 * in r0; -4095..-1 is -errno.
 */
#ifndef KANSOKU_MINILIBC_SYSCALL_H
#define KANSOKU_MINILIBC_SYSCALL_H

#include <asm/unistd.h>
#include <errno.h>

static inline long minilibc_syscall6(long number, long a, long b, long c, long d, long e, long f) {
    register long r7 __asm__("r7") = number;
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    register long r2 __asm__("r2") = c;
    register long r3 __asm__("r3") = d;
    register long r4 __asm__("r4") = e;
    register long r5 __asm__("r5") = f;
    __asm__ volatile("svc 0" : "+r"(r0) : "r"(r7), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5) : "memory");
    return r0;
}

/* A raw result as libc returns it: -1 with errno set for -4095..-1, else the value. */
static inline long minilibc_result(long raw) {
    if (raw < 0 && raw > -4096) {
        errno = (int)-raw;
        return -1;
    }
    return raw;
}

#define MINILIBC_SYSCALL(number, a, b, c, d, e, f)                                                                     \
    minilibc_result(minilibc_syscall6((number), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f)))
#define SYS0(n) MINILIBC_SYSCALL(n, 0, 0, 0, 0, 0, 0)
#define SYS1(n, a) MINILIBC_SYSCALL(n, a, 0, 0, 0, 0, 0)
#define SYS2(n, a, b) MINILIBC_SYSCALL(n, a, b, 0, 0, 0, 0)
#define SYS3(n, a, b, c) MINILIBC_SYSCALL(n, a, b, c, 0, 0, 0)
#define SYS4(n, a, b, c, d) MINILIBC_SYSCALL(n, a, b, c, d, 0, 0)
#define SYS5(n, a, b, c, d, e) MINILIBC_SYSCALL(n, a, b, c, d, e, 0)
#define SYS6(n, a, b, c, d, e, f) MINILIBC_SYSCALL(n, a, b, c, d, e, f)

#endif
