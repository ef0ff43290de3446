# regs: 1000 times, fills EAX, EBX, EDX, ESI, EDI, EBP with distinct values derived from the
# counter (ECX), exits twice and checks all six (and ECX) after each exit against copies in memory:
#   1. in al, dx (DX = 0x3FD): only AL may change, to 0x20;
#   2. cpuid leaf 0: EAX = 1, EBX = "VmxL", EDX = "ayer"; ESI, EDI, EBP, ECX unchanged.
# Prints "regs ok\n", or "regs BAD <n>\n" where n = 100 * counter + check number; ends with vmcall 0.
        .intel_syntax noprefix
        .code32
        .set    SAVE, 0x9000            # expected values: eax ebx edx esi edi ebp ecx
        .text
        .globl _start

        .macro  CHECK reg, slot, n
        cmp     \reg, [SAVE + 4 * \slot]
        je      1f
        mov     ebx, \n
        jmp     bad
1:
        .endm

_start:
        mov     ecx, 1000
iteration:
        lea     eax, [ecx + 0x0A000000]
        lea     ebx, [ecx * 2 + 0x0B000000]
        mov     edx, ecx
        shl     edx, 16
        or      edx, 0x3FD              # port for in al, dx
        lea     esi, [ecx * 4 + 0x05000000]
        lea     edi, [ecx * 8 + 0x07000000]
        lea     ebp, [ecx + ecx * 2 + 0x0E000000]
        mov     [SAVE + 0], eax
        mov     byte ptr [SAVE + 0], 0x20   # AL after the in
        mov     [SAVE + 4], ebx
        mov     [SAVE + 8], edx
        mov     [SAVE + 12], esi
        mov     [SAVE + 16], edi
        mov     [SAVE + 20], ebp
        mov     [SAVE + 24], ecx
        in      al, dx                  # exit 1
        CHECK   eax, 0, 1
        CHECK   ebx, 1, 2
        CHECK   edx, 2, 3
        CHECK   esi, 3, 4
        CHECK   edi, 4, 5
        CHECK   ebp, 5, 6
        CHECK   ecx, 6, 7
        mov     dword ptr [SAVE + 0], 1
        mov     dword ptr [SAVE + 4], 0x4C786D56   # "VmxL"
        mov     dword ptr [SAVE + 8], 0x72657961   # "ayer"
        xor     eax, eax                # leaf 0
        cpuid                           # exit 2
        CHECK   eax, 0, 11
        CHECK   ebx, 1, 12
        CHECK   edx, 2, 13
        CHECK   esi, 3, 14
        CHECK   edi, 4, 15
        CHECK   ebp, 5, 16
        CHECK   ecx, 6, 17
        dec     ecx
        jnz     iteration
        mov     esi, offset ok
        call    puts
        xor     eax, eax                # vmcall 0: guest done
        vmcall
        hlt

bad:                                    # EBX = check number; ECX = counter
        imul    ecx, ecx, 100
        add     ebx, ecx
        mov     esi, offset badmsg
        call    puts
        mov     eax, 1                  # vmcall 1: print EBX + '\n'
        vmcall
        hlt

puts:                                   # prints the NUL-terminated string at ESI
        push    eax
        push    edx
        mov     dx, 0x3F8
2:
        mov     al, [esi]
        test    al, al
        jz      3f
        out     dx, al
        inc     esi
        jmp     2b
3:
        pop     edx
        pop     eax
        ret

ok:     .asciz  "regs ok\n"
badmsg: .asciz  "regs BAD "
