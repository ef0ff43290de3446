using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Iced.Intel;
using VmxLayers.Isa;

namespace VmxLayers.Guest;

using Code = Iced.Intel.Code;

/// <summary>Runs a guest until it reaches an exiting instruction (in/out/ins/outs, cpuid, hlt, vmcall).</summary>
[SkipLocalsInit]
public static class Interpreter
{
    /// <summary>
    /// Executes instructions until an exiting one, which is NOT executed: EIP is left at it and the exit
    /// is reported as the SDM does. The host resumes by setting EIP = GuestRip + InstructionLength.
    /// Throws <see cref="GuestFault"/> on an instruction it cannot run, a bad memory access or a divide error (EIP left
    /// at the faulting instruction), or when <paramref name="maxInstructions"/> run out (EIP left at the next
    /// instruction, so the guest can go on).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GuestExit RunUntilExit(GuestCpu cpu, long maxInstructions = 10_000_000)
    {
        var m = new GuestMachine(cpu) { Next = cpu.Eip };
        var code = cpu.Code;
        var trace = cpu.Trace;
        long start = cpu.InstructionsExecuted, n = 0;
        uint eip = cpu.Eip;
        try
        {
            for (; n < maxInstructions; n++)
            {
                eip = m.Next;
                Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(trace), (int)((start + n) & (GuestCpu.TraceLength - 1))) = eip;
                // the cached entry itself: a store into code only marks it, and it is dropped after the instruction
                ref readonly var insn = ref code.At(eip);
                m.Next = insn.NextIP32;
                if (X86Semantics.Execute<uint, GuestMachine>(ref m, in insn) == StepOutcome.Exiting)
                {
                    cpu.Eip = eip;
                    cpu.InstructionsExecuted = start + n;
                    return GuestExits.Of(in insn, cpu.Regs);
                }
                if (code.Dirty) code.FlushDirty();
            }
        }
        catch (Exception e) when (e is GuestMachineFault or IsaFault)
        {
            if (code.Dirty) code.FlushDirty();
            cpu.Eip = eip;
            cpu.InstructionsExecuted = start + n;
            throw Fault(cpu, e, start + n);
        }
        cpu.Eip = m.Next;
        cpu.InstructionsExecuted = start + n;
        throw new GuestFault($"guest '{cpu.Name}': no VM exit within {maxInstructions} instructions (EIP=0x{m.Next:X8})",
            GuestFaultKind.BudgetExhausted, m.Next);
    }

    /// <summary>Executes exactly one instruction unless it exits; returns the exit or null.</summary>
    public static GuestExit? Step(GuestCpu cpu)
    {
        try { return RunUntilExit(cpu, 1); }
        catch (GuestFault f) when (f.Kind == GuestFaultKind.BudgetExhausted) { return null; }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static GuestFault Fault(GuestCpu cpu, Exception e, long executed)
    {
        var (kind, what) = e switch
        {
            GuestMachineFault g => (g.Kind, g.Message),
            IsaFault { Kind: IsaFaultKind.DivideError } d => (GuestFaultKind.DivideError, d.Message),
            _ => (GuestFaultKind.UnknownOpcode, $"cannot run {cpu.Code.Show(cpu.Eip)}: {e.Message}"),
        };
        return new GuestFault($"guest '{cpu.Name}': {what} at EIP=0x{cpu.Eip:X8}{Recent(cpu, executed)}", kind, cpu.Eip);
    }

    /// <summary>"; last executed: …" with up to <see cref="GuestCpu.TraceLength"/> instructions before the fault.</summary>
    static string Recent(GuestCpu cpu, long executed)
    {
        int count = (int)Math.Min(executed, GuestCpu.TraceLength - 1);
        if (count == 0) return "";
        var lines = Enumerable.Range(0, count).Select(k => cpu.Trace[(int)((executed - count + k) & (GuestCpu.TraceLength - 1))])
            .Select(a => $"0x{a:X}: {cpu.Code.Show(a)}");
        return "; last executed: " + string.Join(", ", lines);
    }
}

/// <summary>The VM exit an exiting instruction causes, as the SDM reports it.</summary>
internal static class GuestExits
{
    public static GuestExit Of(in Instruction i, uint[] regs)
    {
        uint len = (uint)i.Length, rip = i.IP32;
        switch (i.Mnemonic)
        {
            case Mnemonic.Hlt: return new((int)Constants.ExitReasons.HLT, 0, len, rip);
            case Mnemonic.Cpuid: return new((int)Constants.ExitReasons.CPUID, 0, len, rip);
            case Mnemonic.Vmcall: return new((int)Constants.ExitReasons.VMCALL, 0, len, rip);
        }
        bool isIn = i.Mnemonic is Mnemonic.In or Mnemonic.Insb or Mnemonic.Insw or Mnemonic.Insd;
        bool isString = i.Mnemonic is Mnemonic.Insb or Mnemonic.Insw or Mnemonic.Insd or Mnemonic.Outsb or Mnemonic.Outsw or Mnemonic.Outsd;
        int size = isString ? StringSize(i.Mnemonic) : RegisterSize(isIn ? i.Op0Register : i.Op1Register);
        bool immediate = i.Op0Kind == OpKind.Immediate8 || i.Op1Kind == OpKind.Immediate8;
        ushort port = immediate ? i.Immediate8 : (ushort)regs[2];
        bool rep = isString && (i.HasRepPrefix || i.HasRepnePrefix);
        return new((int)Constants.ExitReasons.INOUT, Constants.IoQualification.Encode(size, isIn, isString, rep, immediate, port), len, rip);
    }

    static int RegisterSize(Register r) => r switch { Register.AL => 1, Register.AX => 2, _ => 4 };

    static int StringSize(Mnemonic m) => m switch { Mnemonic.Insb or Mnemonic.Outsb => 1, Mnemonic.Insw or Mnemonic.Outsw => 2, _ => 4 };
}
