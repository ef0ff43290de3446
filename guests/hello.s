# hello: prints "Hello from guest\n" byte by byte on the serial port (out dx, al to 0x3F8),
# polling the line status register (in al, dx from 0x3FD, bit 5 = transmitter empty) first.
        .intel_syntax noprefix
        .code32
        .text
        .globl _start
_start:
        mov     esi, offset msg
next:
        mov     dx, 0x3FD               # line status
        in      al, dx
        test    al, 0x20                # transmitter empty?
        jz      next
        mov     al, [esi]
        test    al, al
        jz      done
        mov     dx, 0x3F8               # data register
        out     dx, al
        inc     esi
        jmp     next
done:
        hlt                             # guest ends
msg:
        .asciz  "Hello from guest\n"
