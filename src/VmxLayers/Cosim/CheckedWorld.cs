using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Primitives;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cosim;

/// <summary>
/// Both layers in lockstep with the relation checked after every step: each call runs on the high then the low
/// layer (<see cref="Lockstep"/>), then <see cref="IncrementalRelation"/> checks what the step changed; a full
/// <see cref="WorldRelation.Check"/> runs on request. The first failure throws <see cref="CosimStop"/>; the run ends
/// there, which is what lets it run on a world updated in place (<see cref="World.Owned"/>): a failing step may leave
/// part of its writes behind, and nothing ever looks at an older world.
/// </summary>
internal sealed class CheckedWorld
{
    readonly IncrementalRelation incremental;
    readonly TouchLog touched = new();   // where the domain wrote during the current step
    readonly long[] calls;
    readonly Primitive[] primitives;
    readonly int[] indexById;   // a primitive's position in `primitives`, by its id (-1: not in the refinement)
    readonly SimStatement[] statements;   // by the refinement's primitive order: the co-simulation's calls find theirs by reference
    readonly VmxRelation relation;
    readonly CodeSide? code;   // the machine code under the middle layer (a three-layer run), or null
    static readonly RegBox undefRegs = new(RegSet.Undef);
    StepOutcome step;   // reused: the outcome of the last step (two 400-byte register sets; no allocation per call)

    public World World { get; private set; }
    public long PassthroughCalls { get; private set; }
    public long GuestSteps { get; private set; }
    public long FullChecks { get; private set; }
    /// <summary>Calls per primitive, in the refinement's order.</summary>
    public IReadOnlyList<(Primitive Primitive, long Calls)> CallsByPrim => [.. primitives.Select((p, k) => (p, calls[k]))];
    public long TotalCalls => calls.Sum();
    public CheckCounts Checks => new(incremental.Steps, incremental.Slots, incremental.Fields, FullChecks);
    /// <summary>Calls the machine code ran and the code step's relation judged (0 without a code layer).</summary>
    public long CodeCalls => code?.Checks ?? 0;

    /// <summary>
    /// `owned`: run on <see cref="World.Owned"/>, updated in place (the default: nothing else sees this world's past).
    /// `verifyTouchLog` (tests, needs the persistent world): also diff every step and fail on a change the touch log missed.
    /// </summary>
    /// <summary>`composed`: also run its lower step's bottom layer (the machine code) under the middle layer, judged by that step's relation.</summary>
    public CheckedWorld(World world, RefinementDef refinement, bool owned = true, bool verifyTouchLog = false, ComposedRefinement? composed = null, bool codeFullEveryCall = false)
    {
        if (composed is not null && !ReferenceEquals(composed.Upper, refinement)) throw new ArgumentException($"{composed.Name} does not compose over {refinement.Name}");
        code = composed is null ? null : new CodeSide(world, composed, codeFullEveryCall);
        if (owned && verifyTouchLog) throw new ArgumentException("verifying the touch log needs the persistent world (it diffs before and after)");
        World = owned ? world.Owned() : world;
        relation = refinement.Relation as VmxRelation ?? throw new ArgumentException($"the co-simulation checks the VMX relation; {refinement.Name} has {refinement.Relation.Name}");
        primitives = [.. refinement.Primitives.Select(p => p.Primitive)];
        statements = [.. primitives.Select(refinement.Statement)];
        calls = new long[primitives.Length];
        indexById = new int[primitives.Max(p => p.Id) + 1];
        Array.Fill(indexById, -1);
        for (int k = 0; k < primitives.Length; k++) indexById[primitives[k].Id] = k;
        incremental = new IncrementalRelation(relation, verifyTouchLog);
        World.Context.Touched = touched;
    }

    int IndexOf(Primitive p)
    {
        if ((uint)p.Id < (uint)indexById.Length && indexById[p.Id] is var k and >= 0) return k;
        throw new ArgumentException($"the refinement has no primitive {p}");
    }

    /// <summary>A C primitive (vmx_readz, vmx_writez, vmx_enter_pre, vmx_exit_post); returns the high result.</summary>
    public Val CallC(int cpu, Primitive p, Val a0 = default, Val a1 = default)
    {
        Span<Val> args = [a0, a1];
        int k = IndexOf(p);
        touched.Clear();
        Lockstep.Call(World, cpu, statements[k], args[..p.Arity], args[..p.Arity], in RegSet.Undef, in RegSet.Undef, false, ref step);
        Accept(cpu, k);
        if (code is null) return step.High.Ret;
        return code.Call(cpu, p, args[..p.Arity], undefRegs, World.Low, step.Low.Ret, step.Low.RegsBox, touched).Ret;
    }

    /// <summary>An asm primitive (vmx_exit, vmx_enter); returns the low layer's output registers (what the CPU really holds).</summary>
    public RegBox CallAsm(int cpu, Primitive p, RegBox regs)
    {
        int k = IndexOf(p);
        touched.Clear();
        Lockstep.CallAsm(World, cpu, statements[k], regs, ref step);
        Accept(cpu, k);
        if (code is null) return step.Low.RegsBox;
        return code.Call(cpu, p, [], regs, World.Low, Val.Vundef, step.Low.RegsBox, touched).Regs;   // what the CPU really holds: the code's
    }

    /// <summary>The hardware side of a VM exit: hostin and the VMCS exit fields, on both layers.</summary>
    public void Guest(int cpu, VmExit e)
    {
        ReadOnlySpan<(int, Val)> fields =
        [
            (VmcsFields.GUEST_RIP, Val.Vint(e.GuestRip)), (VmcsFields.EXIT_REASON, Val.Vint(e.Reason)),
            (VmcsFields.EXIT_QUALIFICATION, Val.Vint(e.Qualification)), (VmcsFields.EXIT_INSTRUCTION_LENGTH, Val.Vint(e.InstructionLength)),
        ];
        touched.Clear();
        Lockstep.Guest(World, cpu, fields, null, ref step);
        GuestSteps++;
        Commit(cpu, "guest step (hostin + VMCS exit fields)");
        code?.Guest(cpu, fields);
    }

    /// <summary>
    /// VMCSInit's vmcs_readz, which PVMXIntro passes through (SPEC §3): run on both layers through the same
    /// generic spec; the results must inject (equal, for Vint). Changes no state.
    /// </summary>
    public uint VmcsReadz(int cpu, int encoding)
    {
        var (highOk, high, highWhy) = Passthrough(World.High, cpu, encoding);
        var (lowOk, low, lowWhy) = Passthrough(World.Low, cpu, encoding);
        PassthroughCalls++;
        if (!highOk || !lowOk || low != high) throw PassthroughFailure(cpu, encoding, highOk, high, highWhy, lowOk, low, lowWhy);
        if (code?.VmcsReadz(cpu, encoding) is { } c && (!c.Ok || c.Value != high))
            throw PassthroughFailure(cpu, encoding, true, high, null, c.Ok, c.Value, $"on {code.LayerName}: fails");
        return (uint)high;
    }

    static CosimStop PassthroughFailure(int cpu, int encoding, bool highOk, long high, string? highWhy, bool lowOk, long low, string? lowWhy)
    {
        string step = $"vmcs_readz({VmcsFields.Name(encoding)})";
        if (!highOk) return new CosimStop(new(FailureKind.HighStepFailed, cpu, step, highWhy ?? "the high step fails", highWhy, lowOk ? $"{low}" : lowWhy));
        return new CosimStop(new(FailureKind.Unrelated, cpu, step, lowOk ? "the result does not inject" : "the high step succeeds but the low step fails", $"{high}", lowOk ? $"{low}" : lowWhy));
    }

    (bool Ok, long Value, string? Why) Passthrough(LayerMachine m, int cpu, int encoding)
    {
        var d = World.Domain();
        World.Context.Why = null;
        bool ok = VmcsInit.VmcsReadz<CTerm, ConcreteDomain>(ref d, m.View(cpu), new(new CTerm(encoding)), VmcsFields.Name(encoding), out var v);
        return (ok, ok ? v.Raw.Z : 0, World.Context.Why);
    }

    /// <summary>The full relation (every CPU, slot, VMCS field and memory clause).</summary>
    public void FullCheck(string when)
    {
        FullChecks++;
        if (WorldRelation.Check(World, relation) is { } why)
            throw new CosimStop(new(FailureKind.Unrelated, -1, $"full relation check ({when})", why));
        code?.FullCheck(World.Low, when);
    }

    void Accept(int cpu, int k)
    {
        calls[k]++;
        Commit(cpu, primitives[k].Name);
    }

    void Commit(int cpu, string name)
    {
        ref readonly var s = ref step;
        if (!s.High.Ok)
            throw new CosimStop(new(FailureKind.HighStepFailed, cpu, name, s.High.Why ?? "the high step fails", s.High.Why, Describe(in s.Low)));
        if (s.Unrelated is not null)
            throw new CosimStop(new(FailureKind.Unrelated, cpu, name, s.Unrelated, Describe(in s.High), Describe(in s.Low)));
        var before = World;
        World = s.After;
        if (incremental.Check(before, World, touched) is { } why)
            throw new CosimStop(new(FailureKind.Unrelated, cpu, name, why, Describe(in s.High), Describe(in s.Low)));
    }

    static string Describe(in SideOutcome o) =>
        !o.Ok ? $"fails: {o.Why}" : o.Ret.IsUndef && !o.Regs.Equals(RegSet.Undef) ? $"ok, regs {o.Regs}" : $"ok, ret {o.Ret}";
}
