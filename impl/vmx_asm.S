/*
 * The VMX module's assembly primitives over the VMCSInit layer.
 *
 * Convention (CompCert's Asm, as the asm primitives' specs assume): entered with the return address
 * in RA and ESP arbitrary, so this code never touches the stack; `ret` is Pret (PC := RA, ESP
 * unchanged); `call` is Pcall (RA := next instruction) into an underlay primitive, after which EAX,
 * ECX, EDX and the flags are undefined, so nothing lives in them across a call.
 *
 * Save-area slots (4 bytes each, 152 bytes per CPU): G_RAX 0, G_RBX 2, G_RDX 6, G_RSI 8,
 * G_RDI 10, G_RBP 12, G_RIP 14, HOST_EBP 33, HOST_EDI 34.
 */

#define VMX_STRIDE  152
#define SLOT(i)     (VMX_LOC + 4 * (i))

        .text

/*
 * vmx_exit: the VM-exit entry. The exit path has left host mode behind (hostin) and put this CPU's
 * save-area offset, 152 * cpu, in ECX. Saves the guest's general registers (guest ECX is not saved:
 * it carried the offset), restores the host EBP and EDI saved by vmx_enter, returns to RA.
 */
        .globl  vmx_exit
        .type   vmx_exit, @function
vmx_exit:
        movl    %edi, SLOT(10)(%ecx)
        movl    %eax, SLOT(0)(%ecx)
        movl    %ebx, SLOT(2)(%ecx)
        movl    %edx, SLOT(6)(%ecx)
        movl    %esi, SLOT(8)(%ecx)
        movl    %ebp, SLOT(12)(%ecx)
        movl    SLOT(33)(%ecx), %ebp
        movl    SLOT(34)(%ecx), %edi
        ret
        .size   vmx_exit, . - vmx_exit

/*
 * vmx_enter: saves the host EBP and EDI, loads the guest's general registers, leaves host mode
 * (hostout: what vmlaunch/vmresume do to the layer's state) and continues at the guest RIP.
 * The save-area offset lives in ESI (callee-saved, so it survives hostout) until the very last
 * load overwrites ESI with the guest's value; EAX and EDX are loaded after hostout because the
 * call destroys them, and the guest RIP travels in ECX, which the guest does not get back.
 */
        .globl  vmx_enter
        .type   vmx_enter, @function
vmx_enter:
        call    get_CPU_ID
        imull   $VMX_STRIDE, %eax, %esi
        movl    %ebp, SLOT(33)(%esi)
        movl    %edi, SLOT(34)(%esi)
        movl    SLOT(2)(%esi), %ebx
        movl    SLOT(10)(%esi), %edi
        movl    SLOT(12)(%esi), %ebp
        call    hostout
        movl    SLOT(0)(%esi), %eax
        movl    SLOT(6)(%esi), %edx
        movl    SLOT(14)(%esi), %ecx
        movl    SLOT(8)(%esi), %esi
        jmp     *%ecx
        .size   vmx_enter, . - vmx_enter

        .section .note.GNU-stack, "", @progbits
