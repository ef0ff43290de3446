# fib: prints the first 30 Fibonacci numbers F(0)..F(29), one per line, through vmcall EAX=1
# (print EBX as unsigned decimal + '\n'); ends with vmcall EAX=0. The counter stays in ECX across
# exits: the host never changes guest ECX.
        .intel_syntax noprefix
        .code32
        .text
        .globl _start
_start:
        xor     esi, esi                # F(n)
        mov     edi, 1                  # F(n+1)
        mov     ecx, 30
next:
        mov     eax, 1                  # vmcall 1: print EBX
        mov     ebx, esi
        vmcall
        lea     eax, [esi + edi]        # F(n+2)
        mov     esi, edi
        mov     edi, eax
        loop    next
        xor     eax, eax                # vmcall 0: guest done
        vmcall
        hlt
