/*
 * format.h - minilibc's printf engine (format.c), shared by its stdio streams and string formatting.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
#ifndef KANSOKU_MINILIBC_FORMAT_H
#define KANSOKU_MINILIBC_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*minilibc_sink)(void* context, const char* bytes, size_t size);

/* Formats like vprintf into sink; returns the number of characters produced. */
int minilibc_format(minilibc_sink sink, void* context, const char* format, va_list ap);

#endif
