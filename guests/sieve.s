# sieve: prints the primes below 1000, one per line, through vmcall EAX=1; the sieve is a byte
# array at FLAGS (outside the image; guest memory starts zeroed but is cleared anyway). Ends with hlt.
        .intel_syntax noprefix
        .code32
        .set    FLAGS, 0x8000
        .set    LIMIT, 1000
        .text
        .globl _start
_start:
        mov     ecx, LIMIT
        mov     edi, FLAGS
clear:
        mov     byte ptr [edi + ecx - 1], 0
        loop    clear
        mov     esi, 2                  # candidate i
outer:
        movzx   eax, byte ptr [esi + FLAGS]
        test    eax, eax
        jnz     skip                    # composite
        mov     eax, 1                  # vmcall 1: print EBX
        mov     ebx, esi
        vmcall
        mov     edx, esi
        imul    edx, esi                # j = i*i
inner:
        cmp     edx, LIMIT
        jae     skip
        mov     byte ptr [edx + FLAGS], 1
        add     edx, esi
        jmp     inner
skip:
        inc     esi
        cmp     esi, LIMIT
        jb      outer
        hlt
