/*
 * format.c - the printf conversions minilibc's stdio needs: flags "-0", width and precision (numbers or *),
 * lengths hh h l ll z t j, conversions d i u x X o c s p f %. Output goes to a sink callback in pieces.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
#include "format.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static void pad(minilibc_sink sink, void* context, char c, int count) {
    while (count-- > 0)
        sink(context, &c, 1);
}

/* Digits of value in base, most significant first, into the end of buffer; returns the first digit. */
static char* digits(char* end, uint64_t value, unsigned base, int upper) {
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char* p = end;
    do {
        uint32_t digit;
        if (value >> 32 == 0) { /* the common case without 64-bit division */
            digit = (uint32_t)value % base;
            value = (uint32_t)value / base;
        } else {
            digit = (uint32_t)(value % base);
            value /= base;
        }
        *--p = set[digit];
    } while (value != 0);
    return p;
}

struct spec {
    int left, zero, width, precision;
};

static int emit(minilibc_sink sink, void* context, const struct spec* s, const char* sign, const char* body,
                int length) {
    int sign_length = (int)strlen(sign);
    int zeros = s->precision > length ? s->precision - length : 0;
    int total = sign_length + zeros + length;
    int fill = s->width > total ? s->width - total : 0;
    if (!s->left && !(s->zero && s->precision < 0))
        pad(sink, context, ' ', fill);
    sink(context, sign, (size_t)sign_length);
    if (!s->left && s->zero && s->precision < 0)
        pad(sink, context, '0', fill);
    pad(sink, context, '0', zeros);
    sink(context, body, (size_t)length);
    if (s->left)
        pad(sink, context, ' ', fill);
    return total + fill;
}

/* Fixed-point with `precision` decimals (at most 9), rounded half up; values beyond 2^32 print as their integer
 * part only to that limit, enough for rates and durations. */
static int emit_double(minilibc_sink sink, void* context, struct spec s, double value) {
    const char* sign = "";
    if (value < 0) {
        sign = "-";
        value = -value;
    }
    int decimals = s.precision < 0 ? 6 : s.precision > 9 ? 9 : s.precision;
    uint32_t scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    double scaled = value * scale + 0.5;
    uint32_t whole = scaled >= 4294967295.0 * scale ? 4294967295u : (uint32_t)(scaled / scale);
    uint32_t fraction = (uint32_t)(scaled - (double)whole * scale);
    char buffer[32];
    char* end = buffer + sizeof buffer;
    char* p = end;
    if (decimals > 0) {
        for (int i = 0; i < decimals; ++i) {
            *--p = (char)('0' + fraction % 10);
            fraction /= 10;
        }
        *--p = '.';
    }
    p = digits(p, whole, 10, 0);
    s.precision = -1;
    return emit(sink, context, &s, sign, p, (int)(end - p));
}

int minilibc_format(minilibc_sink sink, void* context, const char* format, va_list ap) {
    int written = 0;
    for (const char* f = format; *f != '\0'; ++f) {
        if (*f != '%') {
            const char* run = f;
            while (f[1] != '\0' && f[1] != '%')
                ++f;
            sink(context, run, (size_t)(f - run + 1));
            written += (int)(f - run + 1);
            continue;
        }
        struct spec s = {0, 0, 0, -1};
        for (++f; *f == '-' || *f == '0' || *f == '+' || *f == ' ' || *f == '#'; ++f) {
            s.left |= *f == '-';
            s.zero |= *f == '0';
        }
        if (*f == '*') {
            s.width = va_arg(ap, int);
            ++f;
        } else {
            for (; *f >= '0' && *f <= '9'; ++f)
                s.width = s.width * 10 + (*f - '0');
        }
        if (*f == '.') {
            s.precision = 0;
            if (*++f == '*') {
                s.precision = va_arg(ap, int);
                ++f;
            } else {
                for (; *f >= '0' && *f <= '9'; ++f)
                    s.precision = s.precision * 10 + (*f - '0');
            }
        }
        int longs = 0;
        for (; *f == 'l' || *f == 'h' || *f == 'z' || *f == 't' || *f == 'j'; ++f)
            longs += *f == 'l' ? 1 : *f == 'j' ? 2 : 0;
        char buffer[24];
        char* end = buffer + sizeof buffer;
        switch (*f) {
        case 'd':
        case 'i': {
            int64_t value = longs >= 2 ? va_arg(ap, long long) : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
            uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
            char* p = digits(end, magnitude, 10, 0);
            written += emit(sink, context, &s, value < 0 ? "-" : "", p, (int)(end - p));
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t value = longs >= 2   ? va_arg(ap, unsigned long long)
                             : longs == 1 ? va_arg(ap, unsigned long)
                                          : va_arg(ap, unsigned);
            unsigned base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
            char* p = digits(end, value, base, *f == 'X');
            written += emit(sink, context, &s, "", p, (int)(end - p));
            break;
        }
        case 'p': {
            char* p = digits(end, (uintptr_t)va_arg(ap, void*), 16, 0);
            written += emit(sink, context, &s, "0x", p, (int)(end - p));
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            s.precision = -1;
            written += emit(sink, context, &s, "", &c, 1);
            break;
        }
        case 's': {
            const char* text = va_arg(ap, const char*);
            if (text == NULL)
                text = "(null)";
            int length = 0;
            while (text[length] != '\0' && (s.precision < 0 || length < s.precision))
                ++length;
            s.precision = -1;
            written += emit(sink, context, &s, "", text, length);
            break;
        }
        case 'f':
        case 'F':
            written += emit_double(sink, context, s, va_arg(ap, double));
            break;
        case '%':
            sink(context, "%", 1);
            ++written;
            break;
        default: /* an unknown conversion is printed as written; the end of the format ends the loop */
            if (*f == '\0')
                return written;
            sink(context, f, 1);
            ++written;
            break;
        }
    }
    return written;
}
