/*
 * string.c - <string.h> for minilibc, and the ARM run-time ABI's memory helpers (__aeabi_memcpy, ...), which the
 * compiler calls for struct copies and zeroing. Built with -ffreestanding so loops stay loops.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
#include <stddef.h>
#include <string.h>

void* memset(void* dest, int c, size_t n) {
    unsigned char* d = dest;
    while (n-- > 0)
        *d++ = (unsigned char)c;
    return dest;
}

void* memcpy(void* restrict dest, const void* restrict src, size_t n) {
    unsigned char* d = dest;
    const unsigned char* s = src;
    while (n-- > 0)
        *d++ = *s++;
    return dest;
}

void* memmove(void* dest, const void* src, size_t n) {
    unsigned char* d = dest;
    const unsigned char* s = src;
    if (d < s) {
        while (n-- > 0)
            *d++ = *s++;
    } else {
        while (n-- > 0)
            d[n] = s[n];
    }
    return dest;
}

int memcmp(const void* a, const void* b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n > 0; --n, ++x, ++y)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n] != '\0')
        ++n;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a != '\0' && *a == *b)
        ++a, ++b;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char* a, const char* b, size_t n) {
    for (; n > 0; --n, ++a, ++b)
        if (*a != *b || *a == '\0')
            return (unsigned char)*a - (unsigned char)*b;
    return 0;
}

char* strchr(const char* s, int c) {
    for (;; ++s) {
        if (*s == (char)c)
            return (char*)s;
        if (*s == '\0')
            return NULL;
    }
}

char* strrchr(const char* s, int c) {
    const char* last = NULL;
    for (;; ++s) {
        if (*s == (char)c)
            last = s;
        if (*s == '\0')
            return (char*)last;
    }
}

char* strstr(const char* haystack, const char* needle) {
    size_t n = strlen(needle);
    for (; *haystack != '\0' || n == 0; ++haystack)
        if (strncmp(haystack, needle, n) == 0)
            return (char*)haystack;
    return NULL;
}

char* strncpy(char* restrict dest, const char* restrict src, size_t n) {
    size_t i = 0;
    for (; i < n && src[i] != '\0'; ++i)
        dest[i] = src[i];
    for (; i < n; ++i)
        dest[i] = '\0';
    return dest;
}

/* RTABI 4.3.4: the aligned variants (4, 8) only promise alignment; memset's helper takes (dest, n, c). */
void __aeabi_memcpy(void* dest, const void* src, size_t n) {
    memcpy(dest, src, n);
}
void __aeabi_memcpy4(void* dest, const void* src, size_t n) {
    memcpy(dest, src, n);
}
void __aeabi_memcpy8(void* dest, const void* src, size_t n) {
    memcpy(dest, src, n);
}
void __aeabi_memmove(void* dest, const void* src, size_t n) {
    memmove(dest, src, n);
}
void __aeabi_memmove4(void* dest, const void* src, size_t n) {
    memmove(dest, src, n);
}
void __aeabi_memmove8(void* dest, const void* src, size_t n) {
    memmove(dest, src, n);
}
void __aeabi_memset(void* dest, size_t n, int c) {
    memset(dest, c, n);
}
void __aeabi_memset4(void* dest, size_t n, int c) {
    memset(dest, c, n);
}
void __aeabi_memset8(void* dest, size_t n, int c) {
    memset(dest, c, n);
}
void __aeabi_memclr(void* dest, size_t n) {
    memset(dest, 0, n);
}
void __aeabi_memclr4(void* dest, size_t n) {
    memset(dest, 0, n);
}
void __aeabi_memclr8(void* dest, size_t n) {
    memset(dest, 0, n);
}
