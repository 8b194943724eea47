/*
 * sample_common.h - small helpers shared by the kansoku test "malware" programs.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM. Not malware, contains no real bot code. See README.md.
 *
 * Conventions for every program:
 *   - one line on stdout per action, prefixed with the program name, flushed at once;
 *   - duration: argv[1] if it is a plain number of seconds, else $KANSOKU_SAMPLE_SECONDS, else a few seconds
 *     (a non-numeric argv[1], e.g. the arguments an attacker used, is ignored);
 *   - random choices come from a xorshift generator seeded from $KANSOKU_SAMPLE_SEED or time and pid;
 *   - only TEST-NET addresses (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24).
 */
#ifndef KANSOKU_SAMPLE_COMMON_H
#define KANSOKU_SAMPLE_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char* sample_name = "sample";

static inline void sample_log(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("%s[%ld]: ", sample_name, (long)getpid());
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
}

/* Parses a non-negative decimal number; returns -1 when text is not one. */
static inline long sample_parse_number(const char* text) {
    if (text == NULL || *text == '\0')
        return -1;
    long value = 0;
    for (const char* p = text; *p != '\0'; ++p) {
        if (*p < '0' || *p > '9')
            return -1;
        if (value > 100000000L)
            return -1;
        value = value * 10 + (*p - '0');
    }
    return value;
}

static inline long sample_env_number(const char* name, long fallback) {
    long value = sample_parse_number(getenv(name));
    return value < 0 ? fallback : value;
}

static inline long sample_seconds(int argc, char** argv, long fallback) {
    if (argc > 1) {
        long value = sample_parse_number(argv[1]);
        if (value >= 0)
            return value;
    }
    return sample_env_number("KANSOKU_SAMPLE_SECONDS", fallback);
}

static inline void sample_init(const char* name) {
    sample_name = name;
    setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline uint64_t sample_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline void sample_sleep_ms(uint64_t ms) {
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)((ms % 1000u) * 1000000u);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static uint32_t sample_rng_state = 0;

static inline void sample_rng_seed(void) {
    long seed = sample_env_number("KANSOKU_SAMPLE_SEED", -1);
    sample_rng_state = seed >= 0 ? (uint32_t)seed : (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
    if (sample_rng_state == 0)
        sample_rng_state = 0x2545f491u;
}

/* xorshift32 (Marsaglia, 2003). */
static inline uint32_t sample_rand(void) {
    uint32_t x = sample_rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    sample_rng_state = x;
    return x;
}

/* Formats a host-order IPv4 address. */
static inline const char* sample_ip_text(uint32_t ip, char* buffer, size_t size) {
    snprintf(buffer, size, "%u.%u.%u.%u", (unsigned)(ip >> 24) & 255u, (unsigned)(ip >> 16) & 255u,
             (unsigned)(ip >> 8) & 255u, (unsigned)ip & 255u);
    return buffer;
}

#endif
