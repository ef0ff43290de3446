namespace VmxLayers.Guest;

/// <summary>General registers in x86 encoding order: EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI.</summary>
public enum GuestReg { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI }

/// <summary>One guest's IA-32 state: registers, EIP, EFLAGS and a flat byte-array memory (mutable for speed).</summary>
public sealed class GuestCpu
{
    /// <summary>Default guest memory size: 64 KiB.</summary>
    public const int DefaultMemorySize = 0x10000;

    /// <summary>EFLAGS bits the interpreter maintains.</summary>
    public const uint CF = 1u << 0, PF = 1u << 2, AF = 1u << 4, ZF = 1u << 6, SF = 1u << 7, DF = 1u << 10, OF = 1u << 11;

    /// <summary>EFLAGS after reset: only the always-one bit 1.</summary>
    public const uint ResetEflags = 0x2;

    /// <summary>Creates a zeroed CPU with <paramref name="memorySize"/> bytes of memory.</summary>
    public GuestCpu(int memorySize = DefaultMemorySize, string name = "guest")
    {
        if (memorySize < 16) throw new ArgumentOutOfRangeException(nameof(memorySize), "guest memory must hold at least 16 bytes");
        Memory = new byte[memorySize];
        Name = name;
    }

    /// <summary>8 entries, <see cref="GuestReg"/> order.</summary>
    public uint[] Regs { get; } = new uint[8];
    public uint Eip { get; set; }
    public uint Eflags { get; set; } = ResetEflags;
    public byte[] Memory { get; }
    /// <summary>Name used in fault messages (the program's name after <see cref="Load"/>).</summary>
    public string Name { get; }
    /// <summary>Instructions executed (not counting exiting instructions) since creation.</summary>
    public long InstructionsExecuted { get; internal set; }

    public uint this[GuestReg r] { get => Regs[(int)r]; set => Regs[(int)r] = value; }

    /// <summary>Copies the code at p.LoadAddress, sets EIP = p.Entry and ESP = top of memory.</summary>
    public static GuestCpu Load(GuestProgram p)
    {
        var cpu = new GuestCpu(p.MemorySize, p.Name);
        if ((ulong)p.LoadAddress + (ulong)p.Code.Length > (ulong)cpu.Memory.Length)
            throw new GuestLoadException($"guest '{p.Name}': {p.Code.Length} code bytes at 0x{p.LoadAddress:X} do not fit in {cpu.Memory.Length} bytes of memory");
        p.Code.CopyTo(cpu.Memory, (int)p.LoadAddress);
        cpu.Eip = p.Entry;
        cpu[GuestReg.ESP] = (uint)cpu.Memory.Length;
        return cpu;
    }

    /// <summary>Puts this CPU back in the state <see cref="Load"/> gives for the same program (memory zeroed, code copied).</summary>
    public void Reload(GuestProgram p)
    {
        if (p.MemorySize != Memory.Length) throw new ArgumentException($"guest '{p.Name}' needs {p.MemorySize} bytes of memory, this CPU has {Memory.Length}", nameof(p));
        Array.Clear(Memory);
        p.Code.CopyTo(Memory, (int)p.LoadAddress);
        Array.Clear(Regs);
        Eip = p.Entry;
        Eflags = ResetEflags;
        InstructionsExecuted = 0;
        this[GuestReg.ESP] = (uint)Memory.Length;
    }

    /// <summary>A deep copy (registers, flags, memory).</summary>
    public GuestCpu Clone()
    {
        var c = new GuestCpu(Memory.Length, Name) { Eip = Eip, Eflags = Eflags, InstructionsExecuted = InstructionsExecuted };
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

/// <summary>The guest cannot go on: unknown opcode, memory access outside guest memory, divide error, budget exhausted. The message names the EIP.</summary>
public sealed class GuestFault(string message, GuestFaultKind kind = GuestFaultKind.UnknownOpcode, uint eip = 0) : Exception(message)
{
    public GuestFaultKind Kind { get; } = kind;
    /// <summary>Address of the faulting instruction (for a budget stop: of the next instruction).</summary>
    public uint Eip { get; } = eip;
}

/// <summary>A guest program could not be found or loaded (bad name, missing/empty file).</summary>
public sealed class GuestLoadException(string message) : Exception(message);
