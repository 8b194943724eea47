/*
 * dirent.c - opendir, readdir and closedir for minilibc over getdents64(2).
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syscall.h"

/* The kernel's record (getdents64(2)). */
struct kernel_dirent64 {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

struct __dirstream {
    int fd;
    size_t used, next;
    struct dirent entry;
    char buffer[4096];
};

DIR* opendir(const char* path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    DIR* dir = malloc(sizeof *dir);
    if (dir == NULL) {
        close(fd);
        return NULL;
    }
    dir->fd = fd;
    dir->used = dir->next = 0;
    return dir;
}

struct dirent* readdir(DIR* dir) {
    if (dir->next >= dir->used) {
        long n = SYS3(__NR_getdents64, dir->fd, dir->buffer, sizeof dir->buffer);
        if (n <= 0)
            return NULL;
        dir->used = (size_t)n;
        dir->next = 0;
    }
    const struct kernel_dirent64* k = (const struct kernel_dirent64*)(dir->buffer + dir->next);
    dir->next += k->reclen;
    memset(&dir->entry, 0, sizeof dir->entry);
    dir->entry.d_ino = (__ino_t)k->ino;
    dir->entry.d_off = (__off_t)k->off;
    dir->entry.d_reclen = sizeof dir->entry;
    dir->entry.d_type = k->type;
    strncpy(dir->entry.d_name, k->name, sizeof dir->entry.d_name - 1);
    return &dir->entry;
}

int closedir(DIR* dir) {
    int rc = close(dir->fd);
    free(dir);
    return rc;
}
