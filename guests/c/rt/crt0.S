/* Guest entry: the host starts at _start (0x1000) with ESP at the top of guest memory. */
    .section .text.start, "ax"
    .globl _start
_start:
    cld
    /* zero .bss (the loader zeroes memory too; an ELF loaded elsewhere may not) */
    mov     $__bss_start, %edi
    mov     $__bss_end, %ecx
    sub     %edi, %ecx
    xor     %eax, %eax
    rep stosb
    call    main
    hlt
    .section .note.GNU-stack, "", @progbits
