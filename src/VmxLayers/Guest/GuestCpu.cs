using VmxLayers.Isa;

namespace VmxLayers.Guest;

/// <summary>General registers in x86 encoding order: EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI.</summary>
public enum GuestReg { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI }

/// <summary>
/// One guest's IA-32 state: registers, EIP, flags and a flat byte-array memory (mutable for speed), plus the
/// decoded-instruction cache. Code that writes <see cref="Memory"/> directly after the guest ran must call
/// <see cref="CodeChanged"/> (the interpreter's own stores invalidate the cache themselves).
/// </summary>
public sealed class GuestCpu
{
    /// <summary>Default guest memory size: 64 KiB.</summary>
    public const int DefaultMemorySize = 0x10000;

    /// <summary>Largest guest memory: 1 GiB (ESP starts at the top, which must be a 32-bit address).</summary>
    public const int MaxMemorySize = 1 << 30;

    /// <summary>EFLAGS bits the interpreter maintains.</summary>
    public const uint CF = 1u << 0, PF = 1u << 2, AF = 1u << 4, ZF = 1u << 6, SF = 1u << 7, DF = 1u << 10, OF = 1u << 11;

    /// <summary>EFLAGS after reset: only the always-one bit 1.</summary>
    public const uint ResetEflags = 0x2;

    /// <summary>Creates a zeroed CPU with <paramref name="memorySize"/> bytes of memory.</summary>
    public GuestCpu(int memorySize = DefaultMemorySize, string name = "guest")
    {
        if (memorySize is < 16 or > MaxMemorySize) throw new ArgumentOutOfRangeException(nameof(memorySize), $"guest memory must hold 16 bytes to {MaxMemorySize} bytes");
        Memory = new byte[memorySize];
        Name = name;
        Code = new DecodedCode(Memory);
    }

    /// <summary>8 entries, <see cref="GuestReg"/> order.</summary>
    public uint[] Regs { get; } = new uint[8];
    public uint Eip { get; set; }

    /// <summary>The flags as the semantics keeps them (lazily evaluated); <see cref="Eflags"/> is the architectural word.</summary>
    internal LazyFlags<uint> Flags;

    /// <summary>EFLAGS: CF, PF, AF, ZF, SF, DF, OF and the always-one bit 1 (other bits are not modelled and read 0).</summary>
    public uint Eflags
    {
        get { var m = new GuestMachine(this); return FlagLogic.Word<uint, GuestMachine>(ref m); }
        set { var m = new GuestMachine(this); FlagLogic.SetWord<uint, GuestMachine>(ref m, value); }
    }

    public byte[] Memory { get; }

    internal DecodedCode Code { get; }

    /// <summary>Addresses of the last executed instructions (a ring indexed by <see cref="InstructionsExecuted"/>), for fault messages.</summary>
    internal uint[] Trace { get; } = new uint[TraceLength];
    internal const int TraceLength = 8;

    /// <summary>Forgets decoded instructions: call after writing <see cref="Memory"/> from outside the interpreter.</summary>
    public void CodeChanged() => Code.Clear();

    /// <summary>Forgets the decoded instructions overlapping [address, address + length) (a cheaper <see cref="CodeChanged()"/>).</summary>
    public void CodeChanged(uint address, int length)
    {
        if (length > 0 && address < (uint)Memory.Length) Code.Invalidate(address, (int)Math.Min((uint)length, (uint)Memory.Length - address));
    }
    /// <summary>Name used in fault messages (the program's name after <see cref="Load"/>).</summary>
    public string Name { get; }
    /// <summary>Instructions executed (not counting exiting instructions) since creation.</summary>
    public long InstructionsExecuted { get; internal set; }

    public uint this[GuestReg r] { get => Regs[(int)r]; set => Regs[(int)r] = value; }

    /// <summary>Copies the program's segments into fresh memory, sets EIP = p.Entry and ESP = top of memory.</summary>
    public static GuestCpu Load(GuestProgram p)
    {
        p.CheckFits();
        var cpu = new GuestCpu(p.MemorySize, p.Name);
        foreach (var s in p.Segments) s.Bytes.CopyTo(cpu.Memory, (int)s.Address);
        cpu.Eip = p.Entry;
        cpu[GuestReg.ESP] = (uint)cpu.Memory.Length;
        return cpu;
    }

    /// <summary>Puts this CPU back in the state <see cref="Load"/> gives for the same program (memory zeroed, code copied).</summary>
    public void Reload(GuestProgram p)
    {
        if (p.MemorySize != Memory.Length) throw new ArgumentException($"guest '{p.Name}' needs {p.MemorySize} bytes of memory, this CPU has {Memory.Length}", nameof(p));
        // a restart of the same image keeps the decoded instructions when they all lie in its (unchanged) code
        bool keep = p.Segments.Count == 1 && p.Segments[0] is var image
            && Code.Within(image.Address, image.Address + (uint)image.Bytes.Length)
            && Memory.AsSpan((int)image.Address, image.Bytes.Length).SequenceEqual(image.Bytes);
        Array.Clear(Memory);
        if (!keep) Code.Clear();
        foreach (var s in p.Segments) s.Bytes.CopyTo(Memory, (int)s.Address);
        Array.Clear(Regs);
        Eip = p.Entry;
        Flags = default;
        InstructionsExecuted = 0;
        this[GuestReg.ESP] = (uint)Memory.Length;
    }

    /// <summary>A deep copy (registers, flags, memory).</summary>
    public GuestCpu Clone()
    {
        var c = new GuestCpu(Memory.Length, Name) { Eip = Eip, Flags = Flags, InstructionsExecuted = InstructionsExecuted };
        Regs.CopyTo(c.Regs, 0);
        Memory.CopyTo(c.Memory, 0);
        return c;
    }

    /// <summary>True when registers, EIP, EFLAGS and memory all equal <paramref name="other"/>'s (lockstep comparison).</summary>
    public bool SameState(GuestCpu other) =>
        Eip == other.Eip && Eflags == other.Eflags && Regs.AsSpan().SequenceEqual(other.Regs)
        && Memory.AsSpan().SequenceEqual(other.Memory);

    public override string ToString() =>
        $"EAX={Regs[0]:X8} EBX={Regs[3]:X8} ECX={Regs[1]:X8} EDX={Regs[2]:X8} ESI={Regs[6]:X8} EDI={Regs[7]:X8} EBP={Regs[5]:X8} ESP={Regs[4]:X8} EIP={Eip:X8} EFLAGS={Eflags:X8}";
}

/// <summary>A VM exit as the SDM reports it: basic reason, qualification (0 unless I/O), instruction length, address of the exiting instruction.</summary>
public readonly record struct GuestExit(int Reason, uint Qualification, uint InstructionLength, uint GuestRip)
{
    public override string ToString() =>
        $"{Constants.ExitReasons.Name(Reason)} rip=0x{GuestRip:X} len={InstructionLength} qual=0x{Qualification:X}";
}

/// <summary>Why a guest stopped without a VM exit.</summary>
public enum GuestFaultKind { UnknownOpcode, MemoryAccess, DivideError, BudgetExhausted }

/// <summary>The guest cannot go on: an instruction outside the set (or undecodable), a memory access outside guest memory, a divide error, the budget exhausted. The message names the EIP and, for a fault, the last executed instructions.</summary>
public sealed class GuestFault(string message, GuestFaultKind kind = GuestFaultKind.UnknownOpcode, uint eip = 0) : Exception(message)
{
    public GuestFaultKind Kind { get; } = kind;
    /// <summary>Address of the faulting instruction (for a budget stop: of the next instruction).</summary>
    public uint Eip { get; } = eip;
}

/// <summary>A guest program could not be found or loaded (bad name, missing/empty file).</summary>
public sealed class GuestLoadException(string message) : Exception(message);
