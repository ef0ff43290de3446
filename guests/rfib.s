# rfib: Fibonacci F(0)..F(20) computed by a naive recursive function (cdecl: argument on the
# stack, result in EAX, EBX callee-saved) and printed in decimal by the guest itself (div by 10,
# digits pushed on the stack) byte by byte with out dx, al to 0x3F8. Exercises call/ret/push/pop,
# deep stack use and div. Ends with hlt.
        .intel_syntax noprefix
        .code32
        .text
        .globl _start
_start:
        xor     edi, edi                # n
next:
        push    edi
        call    fib                     # eax = F(n)
        add     esp, 4
        call    print_dec
        inc     edi
        cmp     edi, 21
        jb      next
        hlt

fib:                                    # eax = F([esp+4])
        mov     eax, [esp + 4]
        cmp     eax, 2
        jb      1f                      # F(0) = 0, F(1) = 1
        push    ebx
        dec     eax
        push    eax                     # n-1
        call    fib
        mov     ebx, eax                # F(n-1)
        dec     dword ptr [esp]         # n-2
        call    fib
        add     eax, ebx
        add     esp, 4
        pop     ebx
1:
        ret

print_dec:                              # prints EAX as unsigned decimal + '\n'
        push    ebx
        push    ecx
        push    edx
        mov     ebx, 10
        xor     ecx, ecx                # digit count
2:
        xor     edx, edx
        div     ebx
        add     dl, '0'
        push    edx
        inc     ecx
        test    eax, eax
        jnz     2b
        mov     dx, 0x3F8
3:
        pop     eax
        out     dx, al
        loop    3b
        mov     al, 10
        out     dx, al
        pop     edx
        pop     ecx
        pop     ebx
        ret
