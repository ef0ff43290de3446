using VmxLayers.Constants;
using VmxLayers.Spec;

namespace VmxLayers.Smt;

/// <summary>The index sets the relation quantifies over.</summary>
public enum QuantKind { CpuSlot, Slot, CpuField }

/// <summary>
/// A guard the spec required, filed under the phase it ran in. A limit guard marks where a symbolic executor stopped
/// exploring (a step bound, a form it does not model): proving it shows the place unreachable; a model of its
/// negation is no counterexample, so it makes the lemma UNKNOWN, never REFUTED or PROVED.
/// </summary>
public sealed record Guard(SpecPhase Phase, Node Cond, string Why, bool Limit = false);

/// <summary>A universally quantified premise: its Bool stand-in and its body, instantiated at ground points later.</summary>
public sealed record Universal(QuantKind Kind, string Clause, Node Flag, Func<Node, Node, Node> Body);

/// <summary>A quantified obligation, negated into fresh skolem constants (Cpu is null for ForallSlot: the current CPU).</summary>
public sealed record Skolem(QuantKind Kind, string Clause, Node? Cpu, Node Index, Node Instance);

/// <summary>A byte offset without the shape 152·c + 4·i, named as 152·Cpu + 4·Slot + Rem (0 ≤ Slot &lt; 38, 0 ≤ Rem &lt; 4).</summary>
public sealed record NamedOffset(Node Ofs, Node Cpu, Node Slot, Node Rem);

/// <summary>The memory-level premise MatchExtcallStates names, with the parts its consequences talk about.</summary>
public sealed record MemoryPair(Node Flag, Node NextHigh, Node NextLow, Node RdHigh, Node WrHigh);

/// <summary>
/// The mutable side of <see cref="SymbolicDomain"/>: terms, the current phase, recorded guards,
/// quantifiers, and the ground points (index terms the specs touch) that universals are instantiated at.
/// </summary>
public sealed class SymbolicContext
{
    public SymbolicContext(int arity) { Symbols = new InputSymbols(T, arity); }

    public Terms T { get; } = new();
    public SpecPhase Phase { get; set; } = SpecPhase.Hypotheses;
    public List<Guard> Guards { get; } = [];
    public List<Universal> Universals { get; } = [];
    public List<Skolem> Skolems { get; } = [];
    public List<MemoryPair> MemoryPairs { get; } = [];

    readonly List<(Node Cpu, Node Slot)> slotPoints = [];
    readonly HashSet<(int, int)> slotSeen = [];
    readonly List<(Node Cpu, Node Enc)> fieldPoints = [];
    readonly HashSet<(int, int)> fieldSeen = [];
    readonly List<Node> blockVals = [];
    readonly HashSet<int> blockSeen = [];
    readonly List<Node> leaves = [];
    readonly HashSet<int> leafSeen = [];
    int fresh;

    public IReadOnlyList<(Node Cpu, Node Slot)> SlotPoints => slotPoints;
    public IReadOnlyList<(Node Cpu, Node Enc)> FieldPoints => fieldPoints;
    /// <summary>Values whose block the injection's properties are instantiated at.</summary>
    public IReadOnlyList<Node> BlockVals => blockVals;
    /// <summary>Input values (constants and reads of the initial state) that must be well-formed (positive blocks).</summary>
    public IReadOnlyList<Node> Leaves => leaves;

    /// <summary>Records a limit guard (see <see cref="Guard"/>) in the current phase.</summary>
    public void Limit(Node cond, string why) => Guards.Add(new Guard(Phase, cond, why, Limit: true));

    public bool Premise(SpecPhase p) => p is SpecPhase.Hypotheses or SpecPhase.High;

    public void SlotPoint(Node cpu, Node slot) { if (slotSeen.Add((cpu.Id, slot.Id))) slotPoints.Add((cpu, slot)); }
    public void FieldPoint(Node cpu, Node enc) { if (fieldSeen.Add((cpu.Id, enc.Id))) fieldPoints.Add((cpu, enc)); }
    public void BlockVal(Node v) { if (!v.IsLit && Terms.Ctor(v) is null or "Vptr" && blockSeen.Add(v.Id)) blockVals.Add(v); }
    public void Leaf(Node v) { if (leafSeen.Add(v.Id)) leaves.Add(v); }

    readonly List<(Node Readable, Node Writable, Node Ofs)> permissionPoints = [];
    readonly HashSet<(int, int, int)> permissionSeen = [];

    /// <summary>Where a permission array pair is read (A9, writable ⇒ readable, is instantiated there).</summary>
    public IReadOnlyList<(Node Readable, Node Writable, Node Ofs)> PermissionPoints => permissionPoints;

    public void PermissionPoint(Node readable, Node writable, Node ofs)
    {
        if (permissionSeen.Add((readable.Id, writable.Id, ofs.Id))) permissionPoints.Add((readable, writable, ofs));
    }

    /// <summary>
    /// The (cpu, slot) whose word lives at byte offset ofs: read off 152·c + 4·i syntactically when
    /// the offset has that shape, else fresh (c, i, r) with ofs = 152·c + 4·i + r, 0 ≤ i &lt; 38, 0 ≤ r &lt; 4.
    /// </summary>
    public void OffsetPoint(Node ofs)
    {
        var (atoms, k) = Linear.Of(ofs);
        var cpuPart = atoms.Where(a => a.Coef % VmxSlots.Stride == 0).ToList();
        var rest = atoms.Where(a => a.Coef % VmxSlots.Stride != 0).ToList();
        long kc = Math.DivRem(k, VmxSlots.Stride, out long kr);
        if (kr < 0) { kr += VmxSlots.Stride; kc--; }
        Node cpu = Linear.Build(T, cpuPart.Select(a => (a.Atom, a.Coef / VmxSlots.Stride)), kc);
        if (rest.Count == 0 && kr % 4 == 0) { SlotPoint(cpu, T.Int(kr / 4)); return; }
        if (rest.Count == 1 && rest[0].Coef == 4 && kr == 0) { SlotPoint(cpu, rest[0].Atom); return; }
        if (remainders.ContainsKey(ofs.Id)) return;
        // ofs = 152·c + 4·i + r with 0 ≤ i < 38, 0 ≤ r < 4 always has a solution (floor division), so naming it is sound
        int n = fresh++;
        Node c = T.Const($"ofs{n}_cpu", Sort.Int), i = T.Const($"ofs{n}_slot", Sort.Int), r = T.Const($"ofs{n}_rem", Sort.Int);
        remainders[ofs.Id] = r;
        namedOffsets.Add(new NamedOffset(ofs, c, i, r));
        Definitions.Add(T.And(new[] {
            T.Eq(T.Add(T.Add(T.Mul(T.Int(VmxSlots.Stride), c), T.Mul(T.Int(4), i)), r), ofs),
            T.Le(T.Int(0), i), T.Lt(i, T.Int(VmxSlots.Size)), T.Le(T.Int(0), r), T.Lt(r, T.Int(4)) }));
        SlotPoint(c, i);
    }

    readonly Dictionary<int, Node> remainders = [];
    readonly List<NamedOffset> namedOffsets = [];

    /// <summary>The offsets named by <see cref="Definitions"/>, with their constants (what a model must give them).</summary>
    public IReadOnlyList<NamedOffset> NamedOffsets => namedOffsets;

    /// <summary>Premises naming the slot a non-slot-shaped offset falls in.</summary>
    public List<Node> Definitions { get; } = [];

    /// <summary>ofs mod 4 as a term: the named remainder when the offset has one.</summary>
    public Node Mod4(Node ofs) => remainders.TryGetValue(ofs.Id, out var r) ? r : T.App(Sort.Int, "mod", ofs, T.Int(4));

    public Node Fresh(string prefix, Sort sort) => T.Const($"{prefix}{fresh++}", sort);

    public Node Forall(QuantKind kind, string clause, Func<Node, Node, Node> body)
    {
        if (Premise(Phase))
        {
            var flag = Fresh("q", Sort.Bool);
            Universals.Add(new Universal(kind, clause, flag, body));
            return flag;
        }
        int k = fresh++;
        Node? c = kind == QuantKind.Slot ? null : T.Const($"sk{k}_cpu", Sort.Int);
        Node i = T.Const(kind == QuantKind.CpuField ? $"sk{k}_enc" : $"sk{k}_slot", Sort.Int);
        var inst = body(c!, i);
        var node = T.Implies(Range(kind, c, i), inst);
        Skolems.Add(new Skolem(kind, clause, c, i, node));
        return node;
    }

    /// <summary>The range a quantifier's bound variables are in.</summary>
    public Node Range(QuantKind kind, Node? c, Node i)
    {
        Node slotRange = T.And(T.Le(T.Int(0), i), T.Lt(i, T.Int(VmxSlots.Size)));
        if (kind == QuantKind.Slot) return slotRange;
        Node cpuRange = T.And(T.Le(T.Int(0), c!), T.Lt(c!, TotalCpu));
        return kind == QuantKind.CpuSlot ? T.And(cpuRange, slotRange) : cpuRange;
    }

    /// <summary>TOTAL_CPU (the symbol table's constant).</summary>
    public Node TotalCpu => Symbols.TotalCpu;

    /// <summary>The lemma's input constants.</summary>
    public InputSymbols Symbols { get; }
}

/// <summary>Linear forms Σ coef·atom + k over Int terms built by Add and Mul-by-literal.</summary>
static class Linear
{
    public static (List<(Node Atom, long Coef)> Atoms, long K) Of(Node n)
    {
        var acc = new Dictionary<Node, long>();
        long k = 0;
        void Walk(Node x, long scale)
        {
            if (x.IsLit) k += scale * x.Num;
            else if (x.IsApp("+")) { Walk(x.Args[0], scale); Walk(x.Args[1], scale); }
            else if (x.IsApp("*") && x.Args[0].IsLit) Walk(x.Args[1], scale * x.Args[0].Num);
            else acc[x] = acc.GetValueOrDefault(x) + scale;
        }
        Walk(n, 1);
        return ([.. acc.Where(kv => kv.Value != 0).OrderBy(kv => kv.Key.Id).Select(kv => (kv.Key, kv.Value))], k);
    }

    public static Node Build(Terms t, IEnumerable<(Node Atom, long Coef)> atoms, long k) =>
        atoms.Aggregate(t.Int(k), (acc, a) => t.Add(t.Mul(t.Int(a.Coef), a.Atom), acc));
}
