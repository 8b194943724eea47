/*
 * pthread.c - pthread_create and pthread_join for minilibc: a clone(2)d thread on a mapped stack, joined by
 * waiting on the thread id word the kernel clears (CLONE_CHILD_CLEARTID) when the thread ends.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md). Attributes are ignored; no TLS, no cancellation.
 */
#define _GNU_SOURCE /* CLONE_* */
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include "syscall.h"

int minilibc_clone_thread(unsigned flags, void* stack_top, int* parent_tid, void* tls, int* child_tid,
                          void* (*fn)(void*), void* arg);

enum { kStackSize = 128 * 1024 };

/* At the bottom of the thread's mapping; the stack grows down from the top towards it. */
struct thread {
    volatile int tid;
    void* (*start)(void*);
    void* arg;
    void* result;
};

static void* thread_main(void* arg) {
    struct thread* t = arg;
    t->result = t->start(t->arg);
    return NULL;
}

int pthread_create(pthread_t* restrict id, const pthread_attr_t* restrict attr, void* (*start)(void*),
                   void* restrict arg) {
    (void)attr;
    long raw = minilibc_syscall6(__NR_mmap2, 0, kStackSize, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (raw < 0 && raw > -4096)
        return (int)-raw;
    struct thread* t = (struct thread*)raw;
    t->start = start;
    t->arg = arg;
    const unsigned flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                           CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    int tid = minilibc_clone_thread(flags, (char*)raw + kStackSize, (int*)&t->tid, NULL, (int*)&t->tid, thread_main, t);
    if (tid < 0) {
        SYS2(__NR_munmap, raw, kStackSize);
        return -tid;
    }
    *id = (pthread_t)t;
    return 0;
}

int pthread_join(pthread_t id, void** result) {
    struct thread* t = (struct thread*)id;
    for (int tid = t->tid; tid != 0; tid = t->tid)
        minilibc_syscall6(__NR_futex, (long)&t->tid, FUTEX_WAIT, tid, 0, 0, 0);
    if (result != NULL)
        *result = t->result;
    SYS2(__NR_munmap, t, kStackSize);
    return 0;
}
