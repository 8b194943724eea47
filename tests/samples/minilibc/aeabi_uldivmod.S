/*
 * aeabi_uldivmod.S - the ARM run-time ABI's 64-bit unsigned division (RTABI 4.3.1), which the compiler calls
 * for uint64_t / and %: quotient in r0:r1, remainder in r2:r3. The work is minilibc_udivmod64 (aeabi.c); this
 * only returns the remainder in registers, which C cannot.
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
    .syntax unified
    .arm
    .text
    .global __aeabi_uldivmod
    .type __aeabi_uldivmod, %function
__aeabi_uldivmod:
    push {r4, lr}
    sub sp, sp, #16
    add ip, sp, #8        @ the remainder's slot
    str ip, [sp]          @ 5th argument: uint64_t* remainder
    bl minilibc_udivmod64 @ quotient in r0:r1
    ldr r2, [sp, #8]      @ a doubleword is passed as ldm would load it from memory, on either byte order
    ldr r3, [sp, #12]
    add sp, sp, #16
    pop {r4, pc}
    .size __aeabi_uldivmod, . - __aeabi_uldivmod
    .section .note.GNU-stack, "", %progbits
