using System.Runtime.InteropServices;

namespace VmxLayers.Tests.Guest.Differential;

/// <summary>
/// A 32-bit x86 Unicorn 2 engine (QEMU's CPU core; Debian's libunicorn2, loaded as libunicorn.so.2) with flat
/// memory at 0, the Haswell CPU model (for tzcnt/lzcnt; Unicorn 2.0.1 still rejects popcnt).
/// </summary>
internal sealed unsafe class Unicorn : IDisposable
{
    const string Lib = "libunicorn.so.2";
    const int ArchX86 = 4, Mode32 = 1 << 2, ProtAll = 7, CpuHaswell = 19;
    const uint CtlWriteCpuModel = 7 | 1 << 26 | 1u << 30, CtlWriteRemoveCache = 9 | 2 << 26 | 1u << 30;

    /// <summary>uc_err values the tests look at.</summary>
    public const int Ok = 0, FetchUnmapped = 8, InvalidInstruction = 10, Exception = 21;

    /// <summary>Register ids (uc_x86_reg) of EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI — the x86 encoding order.</summary>
    static readonly int[] gpr = [19, 22, 24, 21, 30, 20, 29, 23];
    const int Eflags = 25, Eip = 26;

    static readonly Lazy<string?> missing = new(() =>
        NativeLibrary.TryLoad(Lib, out var h) ? Probe(h) : $"{Lib} not found (install Debian's libunicorn2)");

    /// <summary>Null when the library can be used, else why not (the tests skip with it).</summary>
    public static string? Missing => missing.Value;

    static string? Probe(IntPtr handle)
    {
        NativeLibrary.Free(handle);
        try { using var u = new Unicorn(0x1000); return null; }
        catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException) { return $"{Lib} unusable: {e.Message}"; }
    }

    IntPtr uc;
    public int MemorySize { get; }

    /// <summary>The CPU exception (interrupt vector) that stopped the last run, or −1.</summary>
    public int Interrupt => interrupt;
    [ThreadStatic] static int interrupt;

    public Unicorn(int memorySize)
    {
        MemorySize = memorySize;
        Check(uc_open(ArchX86, Mode32, out uc), "uc_open");
        Check(uc_ctl(uc, CtlWriteCpuModel, CpuHaswell), "uc_ctl(cpu model)");
        Check(uc_mem_map(uc, 0, (nuint)memorySize, ProtAll), "uc_mem_map");
        // a CPU exception (#DE ...) stops the run instead of being delivered through the (absent) IDT
        Check(uc_hook_add(uc, out _, HookIntr, (IntPtr)(delegate* unmanaged<IntPtr, uint, IntPtr, void>)&OnInterrupt, IntPtr.Zero, 1, 0), "uc_hook_add");
    }

    const int HookIntr = 1;

    [UnmanagedCallersOnly]
    static void OnInterrupt(IntPtr engine, uint number, IntPtr user)
    {
        interrupt = (int)number;
        uc_emu_stop(engine);
    }

    static void Check(int err, string what)
    {
        if (err != Ok) throw new InvalidOperationException($"{what}: uc_err {err}");
    }

    /// <summary>Writes memory; <paramref name="code"/>: also drops translations of these bytes (Unicorn 2 does not see writes from outside into translated code).</summary>
    public void Write(uint address, ReadOnlySpan<byte> bytes, bool code = false)
    {
        fixed (byte* p = bytes) Check(uc_mem_write(uc, address, p, (nuint)bytes.Length), "uc_mem_write");
        if (code) Check(uc_ctl(uc, CtlWriteRemoveCache, address, address + (ulong)Math.Max(bytes.Length, 1)), "uc_ctl(remove cache)");
    }

    public void Read(uint address, Span<byte> into)
    {
        fixed (byte* p = into) Check(uc_mem_read(uc, address, p, (nuint)into.Length), "uc_mem_read");
    }

    public uint Reg(int id)
    {
        uint v = 0;
        Check(uc_reg_read(uc, id, &v), "uc_reg_read");
        return v;
    }

    public void SetReg(int id, uint v) => Check(uc_reg_write(uc, id, &v), "uc_reg_write");

    /// <summary>General register k in x86 encoding order.</summary>
    public uint Gpr(int k) => Reg(gpr[k]);
    public void SetGpr(int k, uint v) => SetReg(gpr[k], v);
    public uint GetEip() => Reg(Eip);
    public void SetEip(uint v) => SetReg(Eip, v);
    public uint GetEflags() => Reg(Eflags);
    public void SetEflags(uint v) => SetReg(Eflags, v);

    /// <summary>
    /// Runs from EIP until <paramref name="until"/> is reached (or a hlt executes); returns uc_err. No instruction count:
    /// Unicorn 2.0.1 flushes its translations whenever the count changes and eventually dies in TCG. Nor Unicorn's own
    /// timeout: its timer thread measures the wall clock (gettimeofday), and in the full suite it stopped a guest's run
    /// in mid-computation after 0.3 s with uc_err OK (a step of the wall clock would do that). With a timeout, a
    /// watchdog on .NET's monotonic timer stops the run instead and sets <see cref="TimedOut"/>; single bounded
    /// instructions run without one.
    /// </summary>
    public int Run(uint until, ulong timeoutMicroseconds = 0)
    {
        interrupt = -1;
        TimedOut = false;
        if (timeoutMicroseconds == 0) return uc_emu_start(uc, GetEip(), until, 0, 0);
        var engine = uc;
        var watchdog = new Timer(_ => { TimedOut = true; uc_emu_stop(engine); }, null, TimeSpan.FromMicroseconds(timeoutMicroseconds), Timeout.InfiniteTimeSpan);
        try { return uc_emu_start(uc, GetEip(), until, 0, 0); }
        finally
        {
            // wait for a callback in flight: a stop must not reach a later run
            using var idle = new ManualResetEvent(false);
            if (watchdog.Dispose(idle)) idle.WaitOne();
        }
    }

    /// <summary>Whether the last run's watchdog stopped it.</summary>
    public bool TimedOut { get; private set; }

    public void Dispose()
    {
        if (uc != IntPtr.Zero) uc_close(uc);
        uc = IntPtr.Zero;
    }

    [DllImport(Lib)] static extern int uc_open(int arch, int mode, out IntPtr uc);
    [DllImport(Lib)] static extern int uc_close(IntPtr uc);
    [DllImport(Lib)] static extern int uc_ctl(IntPtr uc, uint control, int value);
    [DllImport(Lib)] static extern int uc_ctl(IntPtr uc, uint control, ulong a, ulong b);
    [DllImport(Lib)] static extern int uc_mem_map(IntPtr uc, ulong address, nuint size, uint perms);
    [DllImport(Lib)] static extern int uc_mem_write(IntPtr uc, ulong address, void* bytes, nuint size);
    [DllImport(Lib)] static extern int uc_mem_read(IntPtr uc, ulong address, void* bytes, nuint size);
    [DllImport(Lib)] static extern int uc_reg_write(IntPtr uc, int regid, void* value);
    [DllImport(Lib)] static extern int uc_reg_read(IntPtr uc, int regid, void* value);
    [DllImport(Lib)] static extern int uc_emu_start(IntPtr uc, ulong begin, ulong until, ulong timeout, nuint count);
    [DllImport(Lib)] static extern int uc_emu_stop(IntPtr uc);
    [DllImport(Lib)] static extern int uc_hook_add(IntPtr uc, out nuint hook, int type, IntPtr callback, IntPtr user, ulong begin, ulong end);
}

/// <summary>A fact reported as skipped, with the reason, when libunicorn.so.2 cannot be loaded.</summary>
public sealed class RequiresUnicornFactAttribute : FactAttribute
{
    public RequiresUnicornFactAttribute() { if (Unicorn.Missing is { } why) Skip = why; }
}

/// <summary>A theory reported as skipped, with the reason, when libunicorn.so.2 cannot be loaded.</summary>
public sealed class RequiresUnicornTheoryAttribute : TheoryAttribute
{
    public RequiresUnicornTheoryAttribute() { if (Unicorn.Missing is { } why) Skip = why; }
}
