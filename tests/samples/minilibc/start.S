/*
 * start.S - the program entry of minilibc (ARM EABI): hands the initial stack (argc, argv, envp) to C.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
    .syntax unified
    .arm
    .text
    .global _start
    .type _start, %function
_start:
    mov fp, #0
    mov lr, #0
    mov r0, sp            @ r0 = &argc
    bic sp, sp, #7        @ AAPCS: 8-byte aligned stack at calls
    bl minilibc_start     @ never returns
    udf #0
    .size _start, . - _start
    .section .note.GNU-stack, "", %progbits
