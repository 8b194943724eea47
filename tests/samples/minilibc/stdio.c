/*
 * stdio.c - minilibc's stdout and stderr (buffered per setvbuf: full, line or none) and printf family.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 *
 * FILE is glibc's type in the headers we compile against; minilibc's streams are its own struct, and a FILE*
 * here only ever points at one of them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "format.h"

void minilibc_flush_all(void);

struct stream {
    int fd;
    int mode; /* _IOFBF, _IOLBF or _IONBF */
    size_t used;
    char buffer[1024];
};

static struct stream streams[2] = {{1, _IOFBF, 0, {0}}, {2, _IONBF, 0, {0}}};
FILE* stdout = (FILE*)&streams[0];
FILE* stderr = (FILE*)&streams[1];

static struct stream* stream_of(FILE* file) {
    return (struct stream*)file;
}

static int flush(struct stream* s) {
    size_t done = 0;
    while (done < s->used) {
        ssize_t n = write(s->fd, s->buffer + done, s->used - done);
        if (n <= 0) {
            s->used = 0;
            return EOF;
        }
        done += (size_t)n;
    }
    s->used = 0;
    return 0;
}

static void put(void* context, const char* bytes, size_t size) {
    struct stream* s = context;
    for (size_t i = 0; i < size; ++i) {
        if (s->used == sizeof s->buffer)
            flush(s);
        s->buffer[s->used++] = bytes[i];
        if (bytes[i] == '\n' && s->mode == _IOLBF)
            flush(s);
    }
    if (s->mode == _IONBF)
        flush(s);
}

int fflush(FILE* file) {
    if (file == NULL) {
        minilibc_flush_all();
        return 0;
    }
    return flush(stream_of(file));
}

void minilibc_flush_all(void) {
    flush(&streams[0]);
    flush(&streams[1]);
}

/* The caller's buffer is not used; only the mode is taken. */
int setvbuf(FILE* restrict file, char* restrict buffer, int mode, size_t size) {
    (void)buffer;
    (void)size;
    flush(stream_of(file));
    stream_of(file)->mode = mode;
    return 0;
}

int vfprintf(FILE* restrict file, const char* restrict format, va_list ap) {
    return minilibc_format(put, stream_of(file), format, ap);
}

int vprintf(const char* restrict format, va_list ap) {
    return vfprintf(stdout, format, ap);
}

int printf(const char* restrict format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = vfprintf(stdout, format, ap);
    va_end(ap);
    return n;
}

int fprintf(FILE* restrict file, const char* restrict format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = vfprintf(file, format, ap);
    va_end(ap);
    return n;
}

int fputs(const char* restrict text, FILE* restrict file) {
    put(stream_of(file), text, strlen(text));
    return 0;
}

int fputc(int c, FILE* file) {
    char byte = (char)c;
    put(stream_of(file), &byte, 1);
    return (unsigned char)byte;
}

int putchar(int c) {
    return fputc(c, stdout);
}

int puts(const char* text) {
    fputs(text, stdout);
    put(stream_of(stdout), "\n", 1);
    return 0;
}

struct string_sink {
    char* out;
    size_t capacity, length;
};

static void put_string(void* context, const char* bytes, size_t size) {
    struct string_sink* s = context;
    for (size_t i = 0; i < size; ++i, ++s->length)
        if (s->length + 1 < s->capacity)
            s->out[s->length] = bytes[i];
}

int vsnprintf(char* restrict out, size_t capacity, const char* restrict format, va_list ap) {
    struct string_sink s = {out, capacity, 0};
    int n = minilibc_format(put_string, &s, format, ap);
    if (capacity > 0)
        out[s.length < capacity ? s.length : capacity - 1] = '\0';
    return n;
}

int snprintf(char* restrict out, size_t capacity, const char* restrict format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(out, capacity, format, ap);
    va_end(ap);
    return n;
}
