using VmxLayers.Semantics;

namespace VmxLayers.Spec;

/// <summary>Which part of a simulation statement is being evaluated.</summary>
public enum SpecPhase { Hypotheses, High, Low, Goals }

/// <summary>The global symbols of the layer pair (their blocks are fixed by <see cref="Genv"/>).</summary>
public enum Global { vmx_enter, vmx_exit, VMX_LOC }

/// <summary>
/// The semantic domain every spec and every relation is written against, once. A concrete instance
/// runs them on real values and memory; a symbolic instance turns the very same code into SMT terms.
/// T is the domain's term type; the comment on each member names the sort it expects and returns
/// (Bool, Z = mathematical integer, Int = 32-bit integer, Val, and the state sorts).
/// </summary>
public interface ISpecDomain<T>
{
    // ---- control ----
    /// <summary>The mutant compiled into the specs that is switched on (None = the real specs).</summary>
    MutantId Mutant { get; }

    /// <summary>A guard of the spec. Concrete: whether it holds (the spec stops if not). Symbolic: recorded, true.</summary>
    bool Require(T cond, GuardText why);

    /// <summary>Marks which side runs next (the symbolic domain files guards by phase; concrete ignores it).</summary>
    void Phase(SpecPhase phase);

    // ---- Bool ----
    T Bool(bool b);
    T And(T a, T b);
    T Or(T a, T b);
    T Not(T a);
    T Implies(T a, T b);

    // ---- Z and Int ----
    T Z(long n);
    T Add(T a, T b);
    T Mul(T a, T b);
    T Le(T a, T b);
    T Lt(T a, T b);
    /// <summary>Equality of two Z, two Int or two Bool terms.</summary>
    T Eq(T a, T b);
    /// <summary>Int.unsigned: Int → Z.</summary>
    T Unsigned(T i);
    /// <summary>Int.repr: Z → Int (floor modulo 2^32).</summary>
    T Repr(T z);

    // ---- Val ----
    T Vundef { get; }
    T Vint(T i);
    T IsUndef(T v);
    T IsInt(T v);
    T IsPtr(T v);
    /// <summary>The Int of a Vint (meaningful only under IsInt).</summary>
    T IntOf(T v);
    /// <summary>The block (Z) of a Vptr (meaningful only under IsPtr).</summary>
    T BlockOf(T v);
    T ValEq(T a, T b);
    /// <summary>Val.load_result Mint32.</summary>
    T LoadResult32(T v);
    T HasType(T v, Typ t);
    /// <summary>Vptr(block of g, 0).</summary>
    T SymbolPtr(Global g);
    /// <summary>genv_next (Z): blocks below it are globals.</summary>
    T GenvNext { get; }
    /// <summary>TOTAL_CPU (Z).</summary>
    T TotalCpu { get; }

    // ---- injections (the current meminj f) ----
    /// <summary>val_inject f a b.</summary>
    T Inject(T a, T b);
    /// <summary>val_inject (flat_inj next) v v.</summary>
    T InjectsFlat(T v, T next);

    // ---- abstract state: Vmx (cpu → slot → Val) and Vmcs (cpu → revid, abrtid, fields) ----
    T Slot(T vmx, T cpu, T slot);
    T SetSlot(T vmx, T cpu, T slot, T v);
    T VmcsField(T vmcs, T cpu, T enc);
    T SetVmcsField(T vmcs, T cpu, T enc, T v);
    T VmcsRevid(T vmcs, T cpu);
    T VmcsAbrtid(T vmcs, T cpu);
    T ValidEncoding(T enc);

    // ---- registers ----
    T Reg(T rs, Preg r);
    T SetRegs(T rs, ReadOnlySpan<(Preg Reg, T Value)> updates);
    T UndefRegs(T rs, ReadOnlySpan<Preg> regs);

    // ---- memory ----
    /// <summary>Mem.load Mint32 m VMX_LOC ofs; ok is a Bool.</summary>
    T LoadVmxLoc(T mem, T ofs, out T ok);
    /// <summary>Mem.store Mint32 m VMX_LOC ofs v; ok is a Bool.</summary>
    T StoreVmxLoc(T mem, T ofs, T v, out T ok);
    /// <summary>Mem.valid_access m Mint32 VMX_LOC ofs Writable.</summary>
    T WritableVmxLoc(T mem, T ofs);
    T NextBlock(T mem);
    /// <summary>The memory-level clauses of MatchExtcallStates that the specs never touch directly:
    /// Mem.inject f mH mL, inject_incr (flat_inj genv_next) f, forward mappings, nextblock order,
    /// no high permission on VMX_LOC.</summary>
    T MemoryMatch(T memHigh, T memLow);

    // ---- quantifiers over the finite index sets of the relation ----
    /// <summary>∀ c ∈ [0, TOTAL_CPU), ∀ i ∈ [0, 38): body(c, i).</summary>
    T ForallCpuSlot(string clause, Func<T, T, T> body);
    /// <summary>∀ i ∈ [0, 38): body(i).</summary>
    T ForallSlot(string clause, Func<T, T> body);
    /// <summary>∀ c ∈ [0, TOTAL_CPU), ∀ enc: body(c, enc).</summary>
    T ForallCpuField(string clause, Func<T, T, T> body);
}
