/*
 * escape.c - tries to break out of the sandbox, so the tests can show every attempt fails and is reported.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM; it contains no real malware code. Run it ONLY inside the sandbox jail
 * (or, for a manual check, as an unprivileged user inside `unshare -n` with process and memory limits).
 *
 * Imitated behaviour: the classic ways a program leaves a chroot or container or exhausts its host, as listed in
 * MITRE ATT&CK T1611 (Escape to Host) and T1499 (Endpoint Denial of Service) and in the chroot(2) man page
 * ("This call does not change the current working directory ... can be used to escape"):
 *   1. write a marker file outside its root: /../../etc/passwd-kansoku, /proc/1/root/etc/passwd-kansoku, and
 *      /etc/passwd-kansoku after the chroot-into-a-subdirectory-then-chdir("..") trick;
 *   2. connect to a listener on the host's loopback, 127.0.0.1:PORT (argv[2] or 47999), and send a marker;
 *   3. fork until fork fails (children only wait), then kill them all;
 *   4. allocate and touch memory in 1 MiB steps until allocation fails;
 *   5. sleep past any timeout (KANSOKU_SAMPLE_SLEEP seconds, default 3600).
 * Usage: escape [SECONDS [PORT]]   SECONDS is how long forked children wait (default 3).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sample_common.h"

static const char kMarker[] = "kansoku escape test marker\n";

static void try_write(const char* label, const char* path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) {
        sample_log("write-outside-root: %s %s -> FAILED (%s)", label, path, strerror(errno));
        return;
    }
    ssize_t n = write(fd, kMarker, sizeof kMarker - 1);
    close(fd);
    sample_log("write-outside-root: %s %s -> SUCCEEDED (%zd bytes)", label, path, n);
}

static void try_chroot_break(void) {
    /* chroot into a subdirectory without chdir, then walk up: works only where chroot is the sole confinement. */
    const char* dirs[] = {"/tmp/.kansoku-break", "./.kansoku-break"};
    for (size_t i = 0; i < 2; ++i) {
        mkdir(dirs[i], 0700);
        if (chroot(dirs[i]) != 0) {
            sample_log("chroot-break: chroot %s -> FAILED (%s)", dirs[i], strerror(errno));
            continue;
        }
        sample_log("chroot-break: chroot %s -> ok, walking up with chdir(\"..\")", dirs[i]);
        for (int up = 0; up < 64; ++up)
            if (chdir("..") != 0)
                break;
        sample_log("chroot-break: chroot(\".\") -> %s", chroot(".") == 0 ? "ok" : strerror(errno));
        try_write("after chroot-break", "/etc/passwd-kansoku");
        return;
    }
}

static void try_host_loopback(long port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        sample_log("host-loopback: socket -> FAILED (%s)", strerror(errno));
        return;
    }
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr*)&to, sizeof to) != 0) {
        sample_log("host-loopback: connect 127.0.0.1:%ld -> FAILED (%s)", port, strerror(errno));
    } else {
        ssize_t n = send(fd, "KANSOKU-ESCAPE\n", 15, MSG_NOSIGNAL);
        sample_log("host-loopback: connect 127.0.0.1:%ld -> CONNECTED, sent %zd bytes (inside a namespace this is "
                   "the namespace's own loopback)",
                   port, n);
    }
    close(fd);
}

static void try_fork_bomb(long seconds) {
    /* Our own process group, so one kill(0) reaches every child and nothing outside. */
    setpgid(0, 0);
    unsigned long forked = 0;
    int last_errno = 0;
    for (;;) {
        pid_t child = fork();
        if (child == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
            sample_sleep_ms((uint64_t)seconds * 1000u);
            _exit(0);
        }
        if (child < 0) {
            last_errno = errno;
            break;
        }
        ++forked;
        if (forked % 1000 == 0)
            sample_log("fork-bomb: %lu children so far", forked);
    }
    sample_log("fork-bomb: stopped after %lu children (%s)", forked, strerror(last_errno));
    signal(SIGTERM, SIG_IGN);
    kill(0, SIGTERM);
    unsigned long reaped = 0;
    while (waitpid(-1, NULL, 0) > 0)
        ++reaped;
    signal(SIGTERM, SIG_DFL);
    sample_log("fork-bomb: killed and reaped %lu children", reaped);
}

static void try_fill_memory(void) {
    enum { kChunk = 1 << 20 };
    void* head = NULL; /* chunks are chained through their first word so they can be freed */
    unsigned long chunks = 0;
    for (;;) {
        void** chunk = malloc(kChunk);
        if (chunk == NULL)
            break;
        memset(chunk, 0xA5, kChunk); /* touch every page */
        *chunk = head;
        head = chunk;
        ++chunks;
        if (chunks % 256 == 0)
            sample_log("memory: %lu MiB touched", chunks);
    }
    sample_log("memory: allocation failed after %lu MiB", chunks);
    while (head != NULL) {
        void* next = *(void**)head;
        free(head);
        head = next;
    }
}

int main(int argc, char** argv) {
    sample_init("escape");
    long seconds = sample_seconds(argc, argv, 3);
    long port = (argc > 2 && sample_parse_number(argv[1]) >= 0) ? sample_parse_number(argv[2]) : 47999;
    if (port <= 0 || port > 65535)
        port = 47999;
    long sleep_seconds = sample_env_number("KANSOKU_SAMPLE_SLEEP", 3600);

    try_write("dot-dot path", "/../../etc/passwd-kansoku");
    try_write("pid 1 root", "/proc/1/root/etc/passwd-kansoku");
    try_chroot_break();
    try_host_loopback(port);
    try_fork_bomb(seconds);
    try_fill_memory();
    sample_log("timeout: sleeping %ld s", sleep_seconds);
    sample_sleep_ms((uint64_t)sleep_seconds * 1000u);
    sample_log("timeout: woke up, exit");
    return 0;
}
