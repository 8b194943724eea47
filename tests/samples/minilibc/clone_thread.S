/*
 * clone_thread.S - starts a thread with clone(2) on its own stack (ARM EABI), for minilibc's pthread_create.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 *
 * int minilibc_clone_thread(unsigned flags, void* stack_top, int* parent_tid, void* tls, int* child_tid,
 *                           void* (*fn)(void*), void* arg);
 * Returns the new thread's id (or -errno) in the caller; the thread runs fn(arg), then exit(2)s (only itself).
 */
    .syntax unified
    .arm
    .text
    .global minilibc_clone_thread
    .type minilibc_clone_thread, %function
minilibc_clone_thread:
    push {r4, r7}
    ldr r4, [sp, #8]      @ child_tid (5th argument)
    ldr ip, [sp, #12]     @ fn
    str ip, [r1, #-8]!    @ the new stack: [fn, arg], 8-byte aligned
    ldr ip, [sp, #16]     @ arg
    str ip, [r1, #4]
    mov r7, #120          @ __NR_clone: flags, stack, parent_tid, tls, child_tid
    svc 0
    cmp r0, #0
    beq 1f
    pop {r4, r7}
    bx lr
1:  ldr r0, [sp, #4]      @ in the thread: sp is the new stack
    ldr r1, [sp]
    blx r1
    mov r0, #0
    mov r7, #1            @ __NR_exit: this thread only
    svc 0
    udf #0
    .size minilibc_clone_thread, . - minilibc_clone_thread
    .section .note.GNU-stack, "", %progbits
