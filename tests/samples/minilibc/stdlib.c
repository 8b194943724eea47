/*
 * stdlib.c - program start and end, the environment and the heap of minilibc.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 *
 * The heap is one anonymous mapping per allocation (our test programs allocate little, or 1 MiB chunks until
 * memory runs out, as glibc's malloc also maps such chunks one by one).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "syscall.h"

int main(int argc, char** argv, char** envp);
void minilibc_start(long* initial_stack) __attribute__((noreturn));
void minilibc_flush_all(void);

char** environ;

void exit(int status) {
    minilibc_flush_all();
    _exit(status);
}

/* initial_stack: argc, argv[0..argc-1], NULL, envp..., NULL (the ELF process start, System V ABI). */
void minilibc_start(long* initial_stack) {
    int argc = (int)initial_stack[0];
    char** argv = (char**)(initial_stack + 1);
    environ = argv + argc + 1;
    exit(main(argc, argv, environ));
}

char* getenv(const char* name) {
    size_t n = strlen(name);
    for (char** entry = environ; entry != NULL && *entry != NULL; ++entry)
        if (strncmp(*entry, name, n) == 0 && (*entry)[n] == '=')
            return *entry + n + 1;
    return NULL;
}

/* Each block: its mapped size in the first 8 bytes (keeps 8-byte alignment), then the caller's bytes. */
enum { kHeader = 8 };

void* malloc(size_t size) {
    if (size > SIZE_MAX - kHeader - 4096)
        return NULL;
    size_t total = (size + kHeader + 4095) & ~(size_t)4095;
    long raw =
        minilibc_syscall6(__NR_mmap2, 0, (long)total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw < 0 && raw > -4096) {
        errno = (int)-raw;
        return NULL;
    }
    *(size_t*)raw = total;
    return (char*)raw + kHeader;
}

void free(void* pointer) {
    if (pointer == NULL)
        return;
    char* block = (char*)pointer - kHeader;
    SYS2(__NR_munmap, block, *(size_t*)block);
}
