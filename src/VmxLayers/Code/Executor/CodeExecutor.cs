using System.Collections.Immutable;
using Iced.Intel;
using VmxLayers.Code.Elf;
using VmxLayers.Constants;
using VmxLayers.Isa;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Code.Executor;

/// <summary>The underlay's primitives as the executor calls them (external calls).</summary>
public interface IUnderlay
{
    /// <summary>Runs <paramref name="p"/> on integer arguments; false (with why) when it has no behaviour.</summary>
    bool Call(UnderlayPrimitive p, ReadOnlySpan<Val> args, out Val result, out string why);
}

/// <summary>What a run of a primitive's code did: its memory, registers and (C) result, or why it has no behaviour.</summary>
/// <param name="Trace">Every instruction executed and every underlay call, when tracing was asked for.</param>
public sealed record CodeRun(bool Ok, string? Why, Mem Mem, RegSet Regs, Val Ret, IReadOnlyList<string> Trace);

/// <summary>
/// Runs the primitives of a <see cref="CodeImplementation"/> as machine code (code-layer.md, docs/decisions.md "Code
/// layer"): the IA-32 semantics over <see cref="CodeMachine"/>. C primitives run on a fresh stack block holding the
/// cdecl arguments and a sentinel return address, freed on return; asm primitives are entered with the return address
/// in RA, their <c>ret</c> is Pret and a call is Pcall, and they end when control leaves the code (PC is then their
/// result). A call to an underlay primitive is an external call: integer arguments from the stack, the result in EAX,
/// then EAX, ECX, EDX and the flags undefined.
/// </summary>
public sealed class CodeExecutor
{
    /// <summary>The default step bound: far above the primitives' few dozen instructions.</summary>
    public const int DefaultStepBound = 10_000;
    /// <summary>Bytes of the stack block a C primitive runs on.</summary>
    public const int StackSize = 1024;

    const int Eax = 0, Ecx = 1, Edx = 2, Ebx = 3, Esp = 4, Ebp = 5, Esi = 6, Edi = 7;
    static readonly Preg[] gprs = [Preg.EAX, Preg.ECX, Preg.EDX, Preg.EBX, Preg.ESP, Preg.EBP, Preg.ESI, Preg.EDI];

    readonly ImmutableArray<CodeText> texts;
    // per object, computed once (every run places them): its data sections with content, and the relocations in them
    readonly ObjectSection[][] dataSections;
    readonly Relocation[][] dataRelocations;

    /// <summary>Decodes and checks every object's code; throws <see cref="ObjectFileError"/> for what the executor cannot run.</summary>
    public CodeExecutor(CodeImplementation implementation)
    {
        Implementation = implementation;
        texts = [.. implementation.Objects.Select(o => new CodeText(o))];
        dataSections = [.. implementation.Objects.Select(o => o.Sections.Where(x => x.Kind != SectionKind.Text && x.Size > 0).ToArray())];
        dataRelocations = [.. implementation.Objects.Select(o => o.Relocations.Where(r => r.Section != SectionKind.Text).ToArray())];
    }

    public CodeImplementation Implementation { get; }

    /// <summary>Each object's decoded .text, in the implementation's order (what every instantiation of the executor runs).</summary>
    public ImmutableArray<CodeText> Texts => texts;

    /// <summary>Runs primitive <paramref name="p"/> from its entry on memory <paramref name="mem"/>.</summary>
    /// <param name="args">A C primitive's arguments (ignored for asm).</param>
    /// <param name="regs">The registers at the call (asm: all of them; C: the callee-saved ones and the flags matter).</param>
    public CodeRun Run(Primitive p, Mem mem, ReadOnlySpan<Val> args, RegSet regs, IUnderlay underlay, bool trace = false, int stepBound = DefaultStepBound)
    {
        var def = Implementation[p];
        int k = Implementation.Objects.IndexOf(def.Object);
        var s = new CodeState { Mem = mem, Next = CodeBlocks.Code(k, def.Symbol.Value), Object = def.Object, ObjectIndex = k };
        for (int r = 0; r < 8; r++) s.Regs[r] = regs[gprs[r]];
        s.Flags = new LazyFlags<Val>
        {
            Op = FlagOp.Explicit, Cf = regs[Preg.CF], Pf = regs[Preg.PF], Af = Val.Vundef, Zf = regs[Preg.ZF], Sf = regs[Preg.SF], Of = regs[Preg.OF],
            Df = Val.Vzero,   // the ABI's direction flag is clear at a call
        };
        var run = new Running(this, s, underlay, trace ? [] : null, stepBound, p.IsAsm ? regs[Preg.RA] : Val.Vundef);
        try
        {
            PlaceData(s);
            var done = p.IsAsm ? run.Asm(p, regs) : run.C(args, regs);
            return done with { Mem = FreeData(s, done.Mem) };
        }
        catch (CodeFailure e)
        {
            run.Trace?.Add($"  ✗ {e.Message}");
            return new CodeRun(false, $"code of {p} ({def.Object.File}): {e.Message}{run.Where()}", mem, regs, Val.Vundef, run.Trace ?? []);
        }
    }

    /// <summary>
    /// Gives each object's .data, .rodata and .bss a fresh block for this run (docs/decisions.md: the primitives' own
    /// data does not persist between calls): the section's bytes (.bss zeros), its R_386_32 words as values (a
    /// relocated word is Vptr(symbol) + addend, e.g. a jump table's code addresses). .rodata stays Freeable (so that it
    /// can be freed) and <see cref="CodeMachine.Store"/> refuses stores into it.
    /// </summary>
    void PlaceData(CodeState s)
    {
        s.DataBlocks = new int[texts.Length][];
        for (int k = 0; k < texts.Length; k++)
        {
            var o = texts[k].Object;
            s.DataBlocks[k] = new int[4];
            foreach (var section in dataSections[k])
            {
                (s.Mem, int b) = s.Mem.Alloc(0, section.Size);
                s.DataBlocks[k][(int)section.Kind] = b;
                var bytes = section.Kind == SectionKind.Bss ? new byte[section.Size] : section.Bytes.ToArray();
                s.Mem = s.Mem.StoreBytes(b, 0, [.. bytes.Select(Memval.Byte)])!;
            }
            foreach (var r in dataRelocations[k])
            {
                if (r.Type != RelocationType.R_386_32) throw new CodeFailure($"{o.Describe(r.Section, r.Offset)}: a {r.Type} relocation in data (only R_386_32 makes an address)");
                var value = ValOps.Add(s.SymbolValue(k, r.Symbol), Val.Vint((uint)r.Addend));
                s.Mem = s.Mem.Store(Chunk.Mint32, s.DataBlocks[k][(int)r.Section], r.Offset, value)
                    ?? throw new CodeFailure($"{o.Describe(r.Section, r.Offset)}: a relocated word that is not 4-aligned");
            }
        }
    }

    /// <summary>Frees the data blocks of the run (after the call: nothing of the layer may point into them).</summary>
    Mem FreeData(CodeState s, Mem mem)
    {
        for (int k = 0; k < texts.Length; k++)
            foreach (var section in dataSections[k])
                mem = mem.Free(s.DataBlocks[k][(int)section.Kind], 0, section.Size)
                    ?? throw new CodeFailure($"{texts[k].Object.File}: its {section.Name} block cannot be freed after the call");
        return mem;
    }

    /// <summary>One run: the machine state, the convention in force and the trace.</summary>
    sealed class Running(CodeExecutor x, CodeState s, IUnderlay underlay, List<string>? trace, int bound, Val ra)
    {
        public List<string>? Trace => trace;
        Val ra = ra;
        bool asm;
        bool started;

        public string Where() => started ? $" at {x.texts[s.ObjectIndex].Label(s.Current.Instruction.IP32)} `{s.Current.Text}`" : "";

        public CodeRun C(ReadOnlySpan<Val> args, RegSet regs)
        {
            var (mem, stack) = s.Mem.Alloc(0, StackSize);
            uint esp = (uint)(StackSize - 4 * (args.Length + 1));
            var sentinel = Val.Vptr(stack, (uint)StackSize);   // one past the stack: no code can forge it
            mem = mem.Store(Chunk.Mint32, stack, esp, sentinel)!;
            for (int i = 0; i < args.Length; i++) mem = mem.Store(Chunk.Mint32, stack, esp + 4 + 4 * i, args[i])!;
            s.Mem = mem;
            s.Regs[Esp] = Val.Vptr(stack, esp);
            Loop(stop: sentinel);
            var callSite = Val.Vptr(stack, esp + 4);
            var after = s.Mem.Free(stack, 0, StackSize) ?? throw new CodeFailure("the stack block cannot be freed (its permission was dropped)");
            // ESP is preserved when it is back at the call site; any other value is returned as it is (a pointer into the freed block)
            var output = Output(regs).Set(Preg.ESP, s.Regs[Esp] == callSite ? regs[Preg.ESP] : s.Regs[Esp]).Set(Preg.PC, regs[Preg.PC]).Set(Preg.RA, regs[Preg.RA]);
            return new CodeRun(true, null, after, output, s.Regs[Eax], trace ?? []);
        }

        public CodeRun Asm(Primitive p, RegSet regs)
        {
            asm = true;
            var entry = Val.Vptr(Genv.BlockOf(p.Entry ?? throw new ArgumentException($"{p} has no entry symbol")), 0u);
            if (regs[Preg.PC] != entry) throw new CodeFailure($"PC is {regs[Preg.PC]}, not the entry &{p}");
            Loop(stop: null);
            return new CodeRun(true, null, s.Mem, Output(regs).Set(Preg.PC, s.Next).Set(Preg.RA, ra), Val.Vundef, trace ?? []);
        }

        /// <summary>The input registers with the machine's integer registers and flags.</summary>
        RegSet Output(RegSet regs)
        {
            var m = new CodeMachine(s);
            var o = regs;
            for (int r = 0; r < 8; r++) o = o.Set(gprs[r], s.Regs[r]);
            return o.Set(Preg.ZF, FlagLogic.Zf<Val, CodeMachine>(ref m)).Set(Preg.CF, FlagLogic.Cf<Val, CodeMachine>(ref m))
                .Set(Preg.PF, FlagLogic.Pf<Val, CodeMachine>(ref m)).Set(Preg.SF, FlagLogic.Sf<Val, CodeMachine>(ref m))
                .Set(Preg.OF, FlagLogic.Of<Val, CodeMachine>(ref m));
        }

        void Loop(Val? stop)
        {
            var m = new CodeMachine(s);
            for (int steps = 0; ; steps++)
            {
                var pc = s.Next;
                if (stop is { } end && pc == end) return;
                if (CodeBlocks.IsUnderlay(pc, out var up)) { External(ref m, up); continue; }
                if (!CodeBlocks.IsCode(pc, x.texts.Length, out int k, out uint ofs))
                {
                    if (asm) return;   // control left the code: the asm primitive's result is this PC
                    throw new CodeFailure($"a jump to {pc}, which is neither code nor the return address");
                }
                if (steps >= bound) throw new CodeFailure($"the step bound ({bound} instructions) was reached without returning");
                var d = x.texts[k].At(ofs) ?? throw new CodeFailure($"a jump to {x.texts[k].Label(ofs)}, which is not an instruction boundary");
                (s.ObjectIndex, s.Object, s.Current, started) = (k, x.texts[k].Object, d, true);
                s.Next = CodeBlocks.Code(k, d.Instruction.NextIP32);
                trace?.Add($"{x.texts[k].Label(ofs),-22} {d.Text}");
                if (asm && Convention(ref m, d.Instruction)) continue;
                try
                {
                    var insn = d.Instruction;
                    if (X86Semantics.Execute<Val, CodeMachine>(ref m, in insn) == StepOutcome.Exiting)
                        throw new CodeFailure("an exiting instruction (the code layer runs in the host)");
                }
                catch (IsaFault e) { throw new CodeFailure(e.Message); }
            }
        }

        /// <summary>The asm convention: ret is Pret (PC := RA), a direct call is Pcall (RA := next). True when handled here.</summary>
        bool Convention(ref CodeMachine m, in Instruction i)
        {
            switch (i.Mnemonic)
            {
                case Mnemonic.Ret when i.OpCount == 0:
                    s.Next = ra;
                    return true;
                case Mnemonic.Ret:
                    throw new CodeFailure("`ret $n` in an asm primitive (its ret is Pret: the stack is not touched)");
                case Mnemonic.Call when i.Op0Kind is OpKind.NearBranch32:
                    ra = s.Next;
                    s.Next = m.BranchTarget(in i);
                    return true;
                case Mnemonic.Call:
                    throw new CodeFailure("an indirect call in an asm primitive (only direct calls are Pcall)");
                default:
                    return false;
            }
        }

        /// <summary>An external call: arguments from the stack, result in EAX, destroyed_at_call and the flags undefined, then back to the caller.</summary>
        void External(ref CodeMachine m, UnderlayPrimitive p)
        {
            int arity = UnderlaySymbols.Arity(p);
            // C: the machine call pushed the return address (arguments at ESP + 4 + 4k); asm: Pcall left ESP alone (ESP + 4k)
            var first = asm ? s.Regs[Esp] : ValOps.Add(s.Regs[Esp], Val.Vint(4));
            Span<Val> args = stackalloc Val[arity];
            for (int k = 0; k < arity; k++)
            {
                args[k] = m.Load(ValOps.Add(first, Val.Vint((uint)(4 * k))), 4);
                if (!args[k].IsInt) throw new CodeFailure($"argument {k + 1} of {p} is {args[k]}, not an integer");
            }
            if (!underlay.Call(p, args, out var result, out var why)) throw new CodeFailure($"{p} has no behaviour here: {why}");
            trace?.Add($"  → {p}({string.Join(", ", args.ToArray())}) = {result}");
            s.Regs[Eax] = result;
            s.Regs[Ecx] = s.Regs[Edx] = Val.Vundef;
            s.Flags = s.Flags with { Op = FlagOp.Explicit, Cf = Val.Vundef, Pf = Val.Vundef, Af = Val.Vundef, Zf = Val.Vundef, Sf = Val.Vundef, Of = Val.Vundef };
            if (asm) { s.Next = ra; return; }
            s.Next = m.Load(s.Regs[Esp], 4);
            s.Regs[Esp] = ValOps.Add(s.Regs[Esp], Val.Vint(4));
        }
    }
}
