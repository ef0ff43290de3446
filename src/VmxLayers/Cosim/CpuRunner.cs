using VmxLayers.Guest;
using VmxLayers.Constants;
using VmxLayers.Primitives;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cosim;

/// <summary>
/// One CPU's host: launches its guest through the VMX layer and serves its exits, using only PVMXIntro primitives
/// (plus VMCSInit's vmcs_readz, which PVMXIntro passes through), each mirrored on the low layer by
/// <see cref="CheckedWorld"/>. <see cref="Advance"/> performs exactly one step (a primitive, a passthrough read
/// or a guest step) so the scheduler can interleave CPUs at primitive granularity.
/// </summary>
internal sealed class CpuRunner
{
    /// <summary>Guest registers moved through the save area, with their slots (ECX and ESP never are).</summary>
    static readonly (int Slot, int Reg, Preg Preg)[] saved =
    [
        (VmxSlots.G_RAX, X86.Eax, Preg.EAX), (VmxSlots.G_RBX, X86.Ebx, Preg.EBX), (VmxSlots.G_RDX, X86.Edx, Preg.EDX),
        (VmxSlots.G_RSI, X86.Esi, Preg.ESI), (VmxSlots.G_RDI, X86.Edi, Preg.EDI), (VmxSlots.G_RBP, X86.Ebp, Preg.EBP),
    ];

    readonly CheckedWorld world;
    readonly int cpu;
    readonly Func<bool> restart;
    readonly IEnumerator<bool> steps;
    readonly RegBox enterRegs, exitRegs;   // boxed once: a call adds the guest registers on top, no 400-byte copies
    IGuest guest;
    bool ended;

    public GuestConsole Console { get; }
    public long Exits { get; private set; }
    public bool Done { get; private set; }
    public string GuestName => guest.Name;
    public string? Expected => guest.ExpectedOutput;
    /// <summary>Set by the guest step: the exit the CPU took (for statistics).</summary>
    public uint LastReason { get; private set; }

    /// <summary>`restart` says, when the guest has ended, whether to run it again from scratch.</summary>
    public CpuRunner(CheckedWorld world, int cpu, IGuest guest, Func<bool> restart)
    {
        this.world = world; this.cpu = cpu; this.guest = guest; this.restart = restart;
        Console = new GuestConsole(guest.ExpectedOutput);
        enterRegs = new(RegSet.Undef.Set(Preg.PC, Val.Vptr(Genv.VmxEnterBlock, 0u)).Set(Preg.RA, HostAbi.ReturnAddress)
            .Set(Preg.ESP, HostAbi.HostEsp(cpu)).Set(Preg.EBP, HostAbi.HostEbp(cpu)).Set(Preg.EDI, HostAbi.HostEdi(cpu)));
        exitRegs = new(RegSet.Undef.Set(Preg.PC, Val.Vptr(Genv.VmxExitBlock, 0u)).Set(Preg.RA, HostAbi.ReturnAddress)
            .Set(Preg.ECX, HostAbi.ExitEcx(cpu)).Set(Preg.ESP, HostAbi.HostEsp(cpu)));
        steps = Life().GetEnumerator();
    }

    /// <summary>Performs one step; false once the CPU has nothing left to do.</summary>
    public bool Advance()
    {
        if (Done) return false;
        if (!steps.MoveNext()) Done = true;
        return !Done;
    }

    IEnumerable<bool> Life()
    {
        while (true)
        {
            foreach (var _ in Launch()) yield return true;
            while (true)
            {
                yield return true;
                VmExit e = RunGuest();
                world.Guest(cpu, e);
                Exits++;
                LastReason = e.Reason;
                yield return true;
                ended = false;
                foreach (var _ in Serve()) yield return true;
                if (ended) break;
                foreach (var _ in Resume()) yield return true;
            }
            if (Console.EndRun() is { } wrong) throw Stop(FailureKind.GuestOutput, "guest end", wrong);
            if (!restart()) yield break;
            guest = guest.Restart();
        }
    }

    /// <summary>First entry: the guest's initial registers and entry point into the save area, then enter.</summary>
    IEnumerable<bool> Launch()
    {
        foreach (var (slot, reg, _) in saved)
        {
            world.CallC(cpu, VmxWritez.Primitive, Val.Vint((uint)slot), Val.Vint(guest.Regs[reg]));
            yield return true;
        }
        world.CallC(cpu, VmxWritez.Primitive, Val.Vint(VmxSlots.G_RIP), Val.Vint(guest.Eip));
        yield return true;
        foreach (var _ in Enter()) yield return true;
    }

    IEnumerable<bool> Enter()
    {
        world.CallC(cpu, VmxEnterPre.Primitive);
        yield return true;
        var regs = world.CallAsm(cpu, VmxEnter.Primitive, enterRegs);
        // the what-texts are built only on failure: this runs on every exit
        foreach (var (_, reg, preg) in saved) { var v = regs[preg]; guest.Regs[reg] = v.IsInt ? v.IntValue.Bits : Int32Of(v, $"vmx_enter returned guest {preg}"); }
        guest.Eip = Int32Of(regs[Preg.PC], "vmx_enter returned the guest PC");
    }

    VmExit RunGuest()
    {
        try { return guest.RunUntilExit(); }
        catch (GuestFailure f) { throw Stop(FailureKind.GuestFault, "guest run", f.Message); }
    }

    /// <summary>The host side of the exit, up to the new guest RIP; sets <see cref="ended"/> when the guest ends.</summary>
    IEnumerable<bool> Serve()
    {
        Span<(Preg, Val)> guestRegs = stackalloc (Preg, Val)[saved.Length];
        for (int k = 0; k < saved.Length; k++) guestRegs[k] = (saved[k].Preg, Val.Vint(guest.Regs[saved[k].Reg]));
        var host = world.CallAsm(cpu, VmxExit.Primitive, exitRegs.With(guestRegs));
        if (host[Preg.EBP] != HostAbi.HostEbp(cpu) || host[Preg.EDI] != HostAbi.HostEdi(cpu))
            throw Stop(FailureKind.Host, "vmx_exit", $"the host's EBP/EDI are not restored: EBP = {host[Preg.EBP]}, EDI = {host[Preg.EDI]}");
        yield return false;
        world.CallC(cpu, VmxExitPost.Primitive);
        yield return false;
        uint reason = ReadSlot(VmxSlots.EXIT_REASON);
        yield return false;
        uint rip = ReadSlot(VmxSlots.G_RIP);
        yield return false;
        uint length = world.VmcsReadz(cpu, VmcsFields.EXIT_INSTRUCTION_LENGTH);
        yield return false;
        switch (reason)
        {
            case ExitReasons.HLT:
                ended = true;
                yield break;
            case ExitReasons.INOUT:
                foreach (var _ in InOut()) yield return false;
                break;
            case ExitReasons.CPUID:
                foreach (var _ in Cpuid()) yield return false;
                break;
            case ExitReasons.VMCALL:
                uint function = ReadSlot(VmxSlots.G_RAX);
                if (function == HostAbi.VmcallExit) { ended = true; yield break; }
                yield return false;
                foreach (var _ in Vmcall(function)) yield return false;
                break;
            default:
                throw Stop(FailureKind.Host, "exit handler", $"unexpected exit reason {ExitReasons.Name(reason)}");
        }
        world.CallC(cpu, VmxWritez.Primitive, Val.Vint(VmxSlots.G_RIP), Val.Vint(rip + length));
        yield return false;
    }

    IEnumerable<bool> Resume() => Enter();

    IEnumerable<bool> InOut()
    {
        uint q = ReadSlot(VmxSlots.EXIT_QUALIFICATION);
        yield return false;
        if ((q & IoQualification.String) != 0) throw Stop(FailureKind.Host, "exit handler", $"string I/O (qualification 0x{q:X}) is not supported");
        uint eax = ReadSlot(VmxSlots.G_RAX);
        yield return false;
        ushort port = IoQualification.Port(q);
        if (!IoQualification.IsIn(q))
        {
            if (port == HostAbi.SerialPort) Print((char)(eax & 0xFF));
            yield break;
        }
        int size = IoQualification.Size(q);
        uint value = port == HostAbi.LineStatusPort ? HostAbi.LineStatusReady : HostAbi.FloatingBus;
        uint mask = size == 4 ? 0xFFFFFFFF : size == 2 ? 0xFFFFu : 0xFFu;
        WriteSlot(VmxSlots.G_RAX, (eax & ~mask) | (value & mask));
    }

    IEnumerable<bool> Cpuid()
    {
        var r = CpuidTable.Lookup(ReadSlot(VmxSlots.G_RAX));
        yield return false;
        WriteSlot(VmxSlots.G_RAX, r.Eax);
        yield return false;
        WriteSlot(VmxSlots.G_RBX, r.Ebx);
        yield return false;
        WriteSlot(VmxSlots.G_RDX, r.Edx);
    }

    IEnumerable<bool> Vmcall(uint function)
    {
        if (function != HostAbi.VmcallPrintDecimal) { WriteSlot(VmxSlots.G_RAX, HostAbi.VmcallUnknown); yield break; }
        uint value = ReadSlot(VmxSlots.G_RBX);
        foreach (char ch in value.ToString(System.Globalization.CultureInfo.InvariantCulture)) Print(ch);
        Print('\n');
    }

    uint ReadSlot(int slot)
    {
        var v = world.CallC(cpu, VmxReadz.Primitive, Val.Vint((uint)slot));
        return v.IsInt ? v.IntValue.Bits : Int32Of(v, $"vmx_readz({VmxSlots.Describe(slot)})");
    }

    void WriteSlot(int slot, uint value) => world.CallC(cpu, VmxWritez.Primitive, Val.Vint((uint)slot), Val.Vint(value));

    void Print(char ch)
    {
        if (Console.Put(ch) is { } wrong) throw Stop(FailureKind.GuestOutput, "serial console", $"guest {guest.Name}, run {Console.CompletedRuns + 1}: {wrong}");
    }

    uint Int32Of(Val v, string what) =>
        v.IsInt ? v.IntValue.Bits : throw Stop(FailureKind.Host, "host", $"{what} is {v}, not an integer");

    CosimStop Stop(FailureKind kind, string step, string clause) => new(new SimulationFailure(kind, cpu, step, clause));
}
