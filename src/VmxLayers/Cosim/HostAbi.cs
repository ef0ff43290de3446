using VmxLayers.Constants;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cosim;

/// <summary>
/// What the host offers a guest (docs/cosim.md): a serial console, a status port, CPUID answers and two
/// hypercalls; and how the host calls the asm primitives (its stack, EBP/EDI, return address).
/// </summary>
public static class HostAbi
{
    /// <summary>`out` to this port prints AL on the CPU's console.</summary>
    public const ushort SerialPort = 0x3F8;
    /// <summary>`in` from this port (line status) answers "transmitter empty".</summary>
    public const ushort LineStatusPort = 0x3FD;
    public const uint LineStatusReady = 0x20;
    /// <summary>`in` from any other port reads all ones (a floating bus).</summary>
    public const uint FloatingBus = 0xFFFFFFFF;

    /// <summary>vmcall EAX=0 ends the guest; EAX=1 prints EBX as unsigned decimal and a newline.</summary>
    public const uint VmcallExit = 0, VmcallPrintDecimal = 1;
    /// <summary>EAX after a vmcall with an unknown function number.</summary>
    public const uint VmcallUnknown = 0xFFFFFFFF;

    /// <summary>Offsets in the CPU's 64-byte host stack block of the host ESP, EBP and EDI the host passes to vmx_enter.</summary>
    public const uint StackPointerOffset = 32, FramePointerOffset = 48, EdiOffset = 8;

    /// <summary>The host stack block of CPU c: World.Initial allocates one 64-byte block per CPU right after the globals.</summary>
    public static int StackBlock(int cpu) => Genv.Next + cpu;

    public static Val HostEsp(int cpu) => Val.Vptr(StackBlock(cpu), StackPointerOffset);
    public static Val HostEbp(int cpu) => Val.Vptr(StackBlock(cpu), FramePointerOffset);
    public static Val HostEdi(int cpu) => Val.Vptr(StackBlock(cpu), EdiOffset);

    /// <summary>
    /// The RA given to vmx_exit and vmx_enter: one past vmx_enter's code, i.e. "return to vmx_enter's caller".
    /// A VM exit resumes the host at vmx_exit, whose `ret` returns from the vmx_enter call that launched the guest.
    /// </summary>
    public static readonly Val ReturnAddress = Val.Vptr(Genv.VmxEnterBlock, 1u);

    /// <summary>ECX at vmx_exit: the CPU's byte offset into VMX_LOC.</summary>
    public static Val ExitEcx(int cpu) => Val.Vint((uint)(VmxSlots.Stride * cpu));
}
