/*
 * errno.c - errno (one for the process: minilibc has no thread-local storage) and strerror with glibc's texts
 * for the errors our test programs meet.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int error_number;

int* __errno_location(void) {
    return &error_number;
}

char* strerror(int number) {
    static const struct {
        int number;
        const char* text;
    } kTexts[] = {
        {0, "Success"},
        {EPERM, "Operation not permitted"},
        {ENOENT, "No such file or directory"},
        {ESRCH, "No such process"},
        {EINTR, "Interrupted system call"},
        {EIO, "Input/output error"},
        {EBADF, "Bad file descriptor"},
        {ECHILD, "No child processes"},
        {EAGAIN, "Resource temporarily unavailable"},
        {ENOMEM, "Cannot allocate memory"},
        {EACCES, "Permission denied"},
        {EFAULT, "Bad address"},
        {EBUSY, "Device or resource busy"},
        {EEXIST, "File exists"},
        {ENODEV, "No such device"},
        {ENOTDIR, "Not a directory"},
        {EISDIR, "Is a directory"},
        {EINVAL, "Invalid argument"},
        {EMFILE, "Too many open files"},
        {ENOTTY, "Inappropriate ioctl for device"},
        {EFBIG, "File too large"},
        {ENOSPC, "No space left on device"},
        {EROFS, "Read-only file system"},
        {EPIPE, "Broken pipe"},
        {ENOSYS, "Function not implemented"},
        {ENOTSOCK, "Socket operation on non-socket"},
        {EPROTONOSUPPORT, "Protocol not supported"},
        {EOPNOTSUPP, "Operation not supported"},
        {EAFNOSUPPORT, "Address family not supported by protocol"},
        {EADDRINUSE, "Address already in use"},
        {EADDRNOTAVAIL, "Cannot assign requested address"},
        {ENETUNREACH, "Network is unreachable"},
        {ECONNRESET, "Connection reset by peer"},
        {ETIMEDOUT, "Connection timed out"},
        {ECONNREFUSED, "Connection refused"},
        {EHOSTUNREACH, "No route to host"},
        {EALREADY, "Operation already in progress"},
        {EINPROGRESS, "Operation now in progress"},
    };
    for (size_t i = 0; i < sizeof kTexts / sizeof kTexts[0]; ++i)
        if (kTexts[i].number == number)
            return (char*)kTexts[i].text;
    static char unknown[32];
    snprintf(unknown, sizeof unknown, "Unknown error %d", number);
    return unknown;
}
