using Iced.Intel;
using VmxLayers.Code;
using VmxLayers.Code.Elf;
using VmxLayers.Code.Executor;
using VmxLayers.Constants;
using VmxLayers.Isa;
using VmxLayers.Semantics;
using VmxLayers.Smt;
using VmxLayers.Spec;

namespace VmxLayers.SymbolicCode;

/// <summary>The state of one path: registers, flags, VMX_LOC (the symbolic memory), the stack frame's words, the abstract data, the next PC.</summary>
sealed class SymbolicCodeState(SymbolicDomain d, SymbolicArith arith)
{
    public SymbolicDomain Domain = d;
    public SymbolicArith Arith { get; } = arith;
    public readonly Node[] Regs = new Node[8];
    public LazyFlags<Node> Flags;
    public Mem<Node> Mem;
    /// <summary>The C primitive's stack block (the memory's nextblock at the call) and its Mint32 words by offset; null for asm.</summary>
    public Node? StackBlock;
    public readonly Dictionary<long, Node> Stack = [];
    public AbsData<Node> Data = null!;
    public Node Next = null!;
    public int ObjectIndex;
    public ObjectImage Object = null!;
    public DecodedInstruction Current = null!;

    public Terms T => Arith.T;

    /// <summary>A guard of the code on this path (rewritten under the path's condition when the path ends).</summary>
    public void Require(Node cond, string why) => Domain.Context.Guards.Add(new Guard(Domain.Context.Phase, cond, why));

    /// <summary>A literal value as a term.</summary>
    public Node Lit(Val v) => v.Tag switch
    {
        ValTag.Vundef => Arith.Vundef,
        ValTag.Vint => Arith.Vint(v.IntValue.Unsigned),
        ValTag.Vptr => Arith.Vptr(T.Int(v.Block), T.Int(v.Ofs.Unsigned)),
        _ => throw new ArgumentOutOfRangeException(nameof(v), v, "the code's constants are integers and pointers"),
    };

    /// <summary>The value of a term built of literals only, or null.</summary>
    public static Val? LitVal(Node n) => Terms.Ctor(n) switch
    {
        "Vundef" => Val.Vundef,
        "Vint" when n.Args[0].IsLit => Val.Vint((uint)n.Args[0].Num),
        "Vptr" when n.Args[0].IsLit && n.Args[1].IsLit && n.Args[0].Num is >= 0 and <= int.MaxValue => Val.Vptr((int)n.Args[0].Num, (uint)n.Args[1].Num),
        _ => null,
    };

    /// <summary>The address of a symbol of the current object: its code, VMX_LOC, or an underlay primitive (data sections are not modelled).</summary>
    public Node SymbolValue(ObjectSymbol sym)
    {
        if (sym.IsDefined)
            return sym.Section == SectionKind.Text ? Lit(CodeBlocks.Code(ObjectIndex, sym.Value))
                : throw PathEnd.Limit($"a reference to {sym.Name} in {sym.Section} (data sections are not modelled symbolically)");
        if (sym.Name == UnderlaySymbols.VmxLoc) return Lit(Val.Vptr(Genv.VmxLocBlock, 0u));
        return UnderlaySymbols.TryParse(sym.Name, out var p) ? Lit(CodeBlocks.Underlay(p)) : throw PathEnd.Fail($"the undefined symbol {sym}");
    }
}

/// <summary>
/// The IA-32 semantics (<see cref="X86Semantics"/>, the very code the concrete <see cref="CodeMachine"/> runs) over SMT
/// terms: values are Val terms, arithmetic is <see cref="SymbolicArith"/>'s (CompCert's, on terms), a branch on an
/// undecided condition forks, Mint32 loads and stores go to VMX_LOC through the symbolic domain
/// (<see cref="SymbolicDomain.LoadVmxLoc"/>: the spec's memory model) or to the C call's own stack frame.
/// </summary>
readonly struct SymbolicCodeMachine(SymbolicCodeState s) : IX86Machine<Node>
{
    SymbolicArith A => s.Arith;
    Terms T => s.T;

    /// <summary>Both operands literal: the concrete semantics (<see cref="ValAlu"/>) computes the result.</summary>
    Node? Fold(Node a, Node b, Func<Val, Val, Val> f) =>
        SymbolicCodeState.LitVal(a) is { } x && SymbolicCodeState.LitVal(b) is { } y ? s.Lit(f(x, y)) : null;

    public Node Const(uint value) => A.Vint(value);

    public Node Add(Node a, Node b)
    {
        if (Fold(a, b, ValOps.Add) is { } r) return r;
        string sa = A.Shape(ref a), sb = A.Shape(ref b);
        return (sa, sb) switch
        {
            ("Vint", "Vint") => A.Vint(A.Wrap(T.Add(a.Args[0], b.Args[0]))),
            ("Vptr", "Vint") => A.Vptr(a.Args[0], A.Wrap(T.Add(a.Args[1], b.Args[0]))),
            ("Vint", "Vptr") => A.Vptr(b.Args[0], A.Wrap(T.Add(b.Args[1], a.Args[0]))),
            _ => A.Vundef,
        };
    }

    Node Minus(Node x, Node y) => T.Add(x, T.Mul(T.Int(-1), y));

    public Node Sub(Node a, Node b)
    {
        if (Fold(a, b, ValOps.Sub) is { } r) return r;
        string sa = A.Shape(ref a), sb = A.Shape(ref b);
        return (sa, sb) switch
        {
            ("Vint", "Vint") => A.Vint(A.Wrap(Minus(a.Args[0], b.Args[0]))),
            ("Vptr", "Vint") => A.Vptr(a.Args[0], A.Wrap(Minus(a.Args[1], b.Args[0]))),
            ("Vptr", "Vptr") when SameBlock(a, b) => A.Vint(A.Wrap(Minus(a.Args[1], b.Args[1]))),
            _ => A.Vundef,
        };
    }

    /// <summary>Whether two pointers are in one block (decided on the path when the blocks are terms).</summary>
    bool SameBlock(Node a, Node b) => a.Args[0] == b.Args[0] || (!(a.Args[0].IsLit && b.Args[0].IsLit) && A.Decide(T.Eq(a.Args[0], b.Args[0])));

    Node Ints(Node a, Node b, Func<Val, Val, Val> f, Func<SymbolicArith, Node, Node, Node> sym)
    {
        if (Fold(a, b, f) is { } r) return r;
        return A.Shape(ref a) == "Vint" && A.Shape(ref b) == "Vint" ? A.Vint(sym(A, a.Args[0], b.Args[0])) : A.Vundef;
    }

    public Node Mul(Node a, Node b) => Ints(a, b, ValAlu.Mul, (ar, x, y) => ar.Wrap(ar.T.Mul(x, y)));
    /// <summary>The high half of a product with a constant (the flags of imul need it): ⌊a·b / 2^32⌋ mod 2^32, of the signed readings for imul.</summary>
    public Node MulHigh(Node a, Node b, bool signed) => Ints(a, b, (x, y) => ValAlu.MulHigh(x, y, signed), (ar, x, y) =>
        !x.IsLit && !y.IsLit ? throw Unmodelled("the high half of a product of two unknown values")
        : ar.T.App(Sort.Int, "mod", ar.T.App(Sort.Int, "div", signed ? ar.T.Mul(ar.Signed(x), ar.Signed(y)) : ar.T.Mul(x, y), ar.T.Int(SymbolicArith.Modulus)), ar.T.Int(SymbolicArith.Modulus)));
    public Node And(Node a, Node b) => Ints(a, b, ValAlu.And, (ar, x, y) => ar.Bitwise("and", x, y));
    public Node Or(Node a, Node b) => Ints(a, b, ValAlu.Or, (ar, x, y) => ar.Bitwise("or", x, y));
    public Node Xor(Node a, Node b) => Ints(a, b, ValAlu.Xor, (ar, x, y) => ar.Bitwise("xor", x, y));

    public Node Shl(Node a, Node n) => Ints(a, n, ValAlu.Shl, (ar, x, k) => k.IsLit ? ar.Wrap(ar.T.Mul(ar.T.Int(1L << (int)k.Num), x)) : throw Unmodelled("a shift by a variable count"));
    public Node Shr(Node a, Node n) => Ints(a, n, ValAlu.Shr, (ar, x, k) => k.IsLit ? k.Num == 0 ? x : ar.T.App(Sort.Int, "div", x, ar.T.Int(1L << (int)k.Num)) : throw Unmodelled("a shift by a variable count"));
    /// <summary>Arithmetic shift by a constant: ⌊x / 2^k⌋ of the signed reading, back in [0, 2^32).</summary>
    public Node Sar(Node a, Node n) => Ints(a, n, ValAlu.Sar, (ar, x, k) => !k.IsLit ? throw Unmodelled("a shift by a variable count")
        : k.Num == 0 ? x
        : ar.Range(x) is { } r && r.Hi < SymbolicArith.Modulus / 2 ? ar.T.App(Sort.Int, "div", x, ar.T.Int(1L << (int)k.Num))
        : ar.T.Ite(ar.T.Lt(x, ar.T.Int(SymbolicArith.Modulus / 2)), ar.T.App(Sort.Int, "div", x, ar.T.Int(1L << (int)k.Num)),
            ar.T.Add(ar.T.App(Sort.Int, "div", ar.T.Add(x, ar.T.Int(-SymbolicArith.Modulus)), ar.T.Int(1L << (int)k.Num)), ar.T.Int(SymbolicArith.Modulus))));

    public Node Eq(Node a, Node b)
    {
        if (a == b && Terms.Ctor(a) is "Vint") return A.Vint(1);
        if (SymbolicCodeState.LitVal(a) is { IsPtr: false } x && SymbolicCodeState.LitVal(b) is { IsPtr: false } y) return s.Lit(ValAlu.Eq(x, y));
        string sa = A.Shape(ref a), sb = A.Shape(ref b);
        return (sa, sb) switch
        {
            ("Vint", "Vint") => A.Vint(A.Bit(T.Eq(a.Args[0], b.Args[0]))),
            ("Vptr", "Vptr") when a.Args[0] == b.Args[0] => A.Vint(A.Bit(T.Eq(a.Args[1], b.Args[1]))),
            ("Vptr", "Vint") when StackAgainstZero(a, b) is { } v => v,
            ("Vint", "Vptr") when StackAgainstZero(b, a) is { } v => v,
            ("Vptr", _) or (_, "Vptr") when sa is "Vint" or "Vptr" && sb is "Vint" or "Vptr" => throw Unmodelled("a pointer comparison that needs Mem.valid_pointer"),
            _ => A.Vundef,
        };
    }

    /// <summary>A pointer into the live stack frame against 0: Val.cmpu Ceq is false when the place is valid (inside the frame), else undefined.</summary>
    Node? StackAgainstZero(Node p, Node i) =>
        s.StackBlock is { } sb && p.Args[0] == sb && p.Args[1].IsLit && i.Args[0].IsLit && i.Args[0].Num == 0
            ? (p.Args[1].Num >= 0 && p.Args[1].Num < CodeExecutor.StackSize ? A.Vint(0) : A.Vundef) : null;

    public Node LtU(Node a, Node b)
    {
        string sa = A.Shape(ref a), sb = A.Shape(ref b);
        return (sa, sb) switch
        {
            ("Vint", "Vint") => A.Vint(A.Bit(T.Lt(a.Args[0], b.Args[0]))),
            ("Vptr", "Vptr") when SameBlock(a, b) => A.Vint(A.Bit(T.Lt(a.Args[1], b.Args[1]))),
            _ => A.Vundef,
        };
    }

    public Node LtS(Node a, Node b) => Ints(a, b, ValAlu.LtS, (ar, x, y) => ar.Bit(ar.T.Lt(ar.Signed(x), ar.Signed(y))));

    public Node Select(Node c, Node a, Node b) => A.Shape(ref c) == "Vint" ? (A.Decide(A.Truth(c.Args[0])) ? a : b) : A.Vundef;

    public Node PopCount(Node a) => Ints(a, a, (x, _) => ValAlu.PopCount(x), (_, _, _) => throw Unmodelled("popcnt"));
    public Node TrailingZeros(Node a) => Ints(a, a, (x, _) => ValAlu.TrailingZeros(x), (_, _, _) => throw Unmodelled("a bit scan"));
    public Node LeadingZeros(Node a) => Ints(a, a, (x, _) => ValAlu.LeadingZeros(x), (_, _, _) => throw Unmodelled("a bit scan"));

    public Node Divide(Node hi, Node lo, Node d, int size, bool signed, out Node q, out Node r)
    {
        if (SymbolicCodeState.LitVal(hi) is { } h && SymbolicCodeState.LitVal(lo) is { } l && SymbolicCodeState.LitVal(d) is { } dv)
        {
            var raised = ValAlu.Divide(h, l, dv, size, signed, out var qv, out var rv);
            if (raised.IsUndef) throw PathEnd.Fail("div/idiv on an undefined or pointer operand");
            (q, r) = (s.Lit(qv), s.Lit(rv));
            return s.Lit(raised);
        }
        throw Unmodelled("a division of unknown values");
    }

    static PathEnd Unmodelled(string what) => PathEnd.Limit($"{what} (not modelled by the symbolic executor)");

    public bool Branch(Node c) => A.Shape(ref c) == "Vint" ? A.Decide(A.Truth(c.Args[0])) : throw PathEnd.Fail($"a branch on an undefined condition ({c})");
    public void Jump(Node target) => s.Next = target;

    public Node Displacement(in Instruction i)
    {
        var o = s.Current.Offsets;
        return o.HasDisplacement && o.DisplacementSize == 4 && Relocated(i, o.DisplacementOffset, "displacement") is { } v ? v : A.Vint(i.MemoryDisplacement32);
    }

    public Node Immediate(in Instruction i, int operand)
    {
        var o = s.Current.Offsets;
        return o.HasImmediate && o.ImmediateSize == 4 && Relocated(i, o.ImmediateOffset, "immediate") is { } v ? v : A.Vint((uint)i.GetImmediate(operand));
    }

    /// <summary>As <see cref="CodeMachine.BranchTarget"/>: a rel32 field relocated R_386_PC32 is S + A + 4.</summary>
    public Node BranchTarget(in Instruction i)
    {
        uint field = i.IP32 + (uint)i.Length - 4;
        if (i.Length >= 5 && s.Object.TryGetRelocation(SectionKind.Text, field, out var r))
        {
            if (r.Type != RelocationType.R_386_PC32) throw PathEnd.Fail($"a branch target relocated {r.Type} against {r.Symbol} (only R_386_PC32 is a branch)");
            return Add(s.SymbolValue(r.Symbol), A.Vint((uint)(r.Addend + 4)));
        }
        return s.Lit(CodeBlocks.Code(s.ObjectIndex, i.NearBranch32));
    }

    public Node NextIp(in Instruction i) => s.Lit(CodeBlocks.Code(s.ObjectIndex, i.NextIP32));

    Node? Relocated(in Instruction i, int fieldOffset, string what)
    {
        if (!s.Object.TryGetRelocation(SectionKind.Text, i.IP32 + (uint)fieldOffset, out var r)) return null;
        if (r.Type != RelocationType.R_386_32) throw PathEnd.Fail($"a {what} relocated {r.Type} against {r.Symbol} (only R_386_32 makes an address)");
        return Add(s.SymbolValue(r.Symbol), A.Vint((uint)r.Addend));
    }

    public Node GetReg(int index) => s.Regs[index];
    public void SetReg(int index, Node v) => s.Regs[index] = v;
    public ref LazyFlags<Node> FlagState => ref s.Flags;

    static string Chunk(int size) => size switch { 1 => "Mint8unsigned", 2 => "Mint16unsigned", 4 => "Mint32", _ => throw new ArgumentOutOfRangeException(nameof(size), size, "an access is 1, 2 or 4 bytes") };

    /// <summary>Where an access goes: VMX_LOC at a byte offset, or the stack frame at a literal offset; else the path ends.</summary>
    (bool Stack, Node Ofs) Place(Node address, int size, string what)
    {
        if (A.Shape(ref address) != "Vptr") throw PathEnd.Fail($"{Chunk(size)} {what} at {address} fails (not a pointer)");
        Node blk = address.Args[0], ofs = address.Args[1];
        if (s.StackBlock is { } sb && blk == sb)
        {
            if (!ofs.IsLit) throw Unmodelled("a stack access at a computed offset");
            if (size != 4) throw Unmodelled($"a {size}-byte stack access");
            if (ofs.Num % 4 != 0 || ofs.Num < 0 || ofs.Num + 4 > CodeExecutor.StackSize) throw PathEnd.Fail($"{Chunk(size)} {what} at stack+{ofs.Num} fails (misaligned or out of bounds)");
            return (true, ofs);
        }
        if (blk.IsLit && blk.Num == Genv.VmxLocBlock)
        {
            if (size != 4) throw Unmodelled($"a {size}-byte access to VMX_LOC");
            ofs = A.Unwrap(ofs) ?? throw PathEnd.Limit($"an access to VMX_LOC at an offset computed with wrapping arithmetic ({ofs}; not explored)");
            if (SymbolicArith.Wrapped(ofs)) throw Unmodelled($"an access to VMX_LOC at a non-linear offset ({ofs})");
            return (false, ofs);
        }
        if (blk.IsLit && blk.Num >= CodeBlocks.UnderlayBase) throw PathEnd.Fail($"{Chunk(size)} {what} at {address} fails (code is not data)");
        throw Unmodelled($"an access to a block other than VMX_LOC and the stack frame ({address})");
    }

    public Node Load(Node address, int size)
    {
        var (stack, ofs) = Place(address, size, "load");
        if (stack) return s.Stack.GetValueOrDefault(ofs.Num) ?? A.Vundef;
        var v = s.Domain.LoadVmxLoc(s.Mem, new Z<Node>(ofs), out var ok);
        s.Require(ok.Raw, $"code: Mint32 load at VMX_LOC+{ofs} fails, {s.Current.Text}");
        return v.Raw;
    }

    public void Store(Node address, int size, Node value)
    {
        var (stack, ofs) = Place(address, size, "store");
        if (stack)
        {
            s.Stack[ofs.Num] = s.Domain.LoadResult32(new(value)).Raw;
            return;
        }
        s.Mem = s.Domain.StoreVmxLoc(s.Mem, new Z<Node>(ofs), new(value), out var ok);
        s.Require(ok.Raw, $"code: Mint32 store at VMX_LOC+{ofs} fails, {s.Current.Text}");
    }
}
