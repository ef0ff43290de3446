using VmxLayers.Constants;
using VmxLayers.Semantics;

namespace VmxLayers.Spec;

/// <summary>Which part of a simulation statement is being evaluated.</summary>
public enum SpecPhase { Hypotheses, High, Low, Goals }

/// <summary>
/// The semantic domain every spec and every relation clause is written against, once. A concrete instance runs
/// them on real values and memory; a symbolic instance turns the very same code into SMT terms. Each sort has its
/// own term type (<see cref="Bool{T}"/>, <see cref="Z{T}"/>, <see cref="Int{T}"/>, <see cref="Val{T}"/> and the
/// state sorts), so the signatures below are the typing rules of the spec language.
/// </summary>
public interface ISpecDomain<T>
{
    // ---- control ----
    /// <summary>A guard of the spec. Concrete: whether it holds (the spec stops if not). Symbolic: recorded, true.</summary>
    bool Require(Bool<T> cond, GuardText why);

    /// <summary>Marks which side runs next (the symbolic domain files guards by phase; concrete ignores it).</summary>
    void Phase(SpecPhase phase);

    // ---- propositions ----
    Bool<T> Bool(bool b);
    Bool<T> And(Bool<T> a, Bool<T> b);
    Bool<T> Or(Bool<T> a, Bool<T> b);
    Bool<T> Not(Bool<T> a);
    Bool<T> Implies(Bool<T> a, Bool<T> b);
    /// <summary>Equality of two propositions (two flags).</summary>
    Bool<T> Iff(Bool<T> a, Bool<T> b);

    // ---- Z (mathematical integers) ----
    Z<T> Z(long n);
    Z<T> Add(Z<T> a, Z<T> b);
    Z<T> Mul(Z<T> a, Z<T> b);
    Bool<T> Le(Z<T> a, Z<T> b);
    Bool<T> Lt(Z<T> a, Z<T> b);
    Bool<T> Eq(Z<T> a, Z<T> b);

    // ---- Int (32-bit machine integers) ----
    /// <summary>Int.unsigned.</summary>
    Z<T> Unsigned(Int<T> i);
    /// <summary>Int.repr: floor modulo 2^32, the only way from Z to Int.</summary>
    Int<T> Repr(Z<T> z);

    // ---- values ----
    Val<T> Vundef { get; }
    Val<T> Vint(Int<T> i);
    Bool<T> IsUndef(Val<T> v);
    Bool<T> IsInt(Val<T> v);
    Bool<T> IsPtr(Val<T> v);
    /// <summary>The Int of a Vint (meaningful only under IsInt).</summary>
    Int<T> IntOf(Val<T> v);
    /// <summary>The block of a Vptr (meaningful only under IsPtr).</summary>
    Z<T> BlockOf(Val<T> v);
    Bool<T> ValEq(Val<T> a, Val<T> b);
    /// <summary>Val.load_result Mint32.</summary>
    Val<T> LoadResult32(Val<T> v);
    Bool<T> HasType(Val<T> v, Typ t);
    /// <summary>Vptr(block of g, 0).</summary>
    Val<T> SymbolPtr(Global g);
    /// <summary>genv_next: blocks below it are globals.</summary>
    Z<T> GenvNext { get; }
    /// <summary>TOTAL_CPU.</summary>
    Z<T> TotalCpu { get; }

    // ---- injections (the current meminj f) ----
    /// <summary>val_inject f a b.</summary>
    Bool<T> Inject(Val<T> a, Val<T> b);
    /// <summary>val_inject (flat_inj next) v v.</summary>
    Bool<T> InjectsFlat(Val<T> v, Z<T> next);

    // ---- abstract state: Vmx (cpu → slot → Val) and Vmcs (cpu → revid, abrtid, fields) ----
    Val<T> Slot(VmxMap<T> vmx, Z<T> cpu, Z<T> slot);
    VmxMap<T> SetSlot(VmxMap<T> vmx, Z<T> cpu, Z<T> slot, Val<T> v);
    Val<T> VmcsField(VmcsMap<T> vmcs, Z<T> cpu, Z<T> enc);
    VmcsMap<T> SetVmcsField(VmcsMap<T> vmcs, Z<T> cpu, Z<T> enc, Val<T> v);
    Val<T> VmcsRevid(VmcsMap<T> vmcs, Z<T> cpu);
    Val<T> VmcsAbrtid(VmcsMap<T> vmcs, Z<T> cpu);
    Bool<T> ValidEncoding(Z<T> enc);

    // ---- registers ----
    Val<T> Reg(Regs<T> rs, Preg r);
    Regs<T> SetRegs(Regs<T> rs, ReadOnlySpan<(Preg Reg, Val<T> Value)> updates);
    Regs<T> UndefRegs(Regs<T> rs, ReadOnlySpan<Preg> regs);

    // ---- memory ----
    /// <summary>Mem.load Mint32 m VMX_LOC ofs; ok says whether it succeeds.</summary>
    Val<T> LoadVmxLoc(Mem<T> mem, Z<T> ofs, out Bool<T> ok);
    /// <summary>Mem.store Mint32 m VMX_LOC ofs v; ok says whether it succeeds.</summary>
    Mem<T> StoreVmxLoc(Mem<T> mem, Z<T> ofs, Val<T> v, out Bool<T> ok);
    /// <summary>Mem.valid_access m Mint32 VMX_LOC ofs Writable.</summary>
    Bool<T> WritableVmxLoc(Mem<T> mem, Z<T> ofs);
    Z<T> NextBlock(Mem<T> mem);
    /// <summary>The memory-level clauses of MatchExtcallStates that the specs never touch directly:
    /// Mem.inject f mH mL, inject_incr (flat_inj genv_next) f, forward mappings, nextblock order,
    /// no high permission on VMX_LOC.</summary>
    Bool<T> MemoryMatch(Mem<T> memHigh, Mem<T> memLow);

    // ---- quantifiers over the finite index sets of the relation ----
    /// <summary>∀ c ∈ [0, TOTAL_CPU), ∀ i ∈ [0, 38): body(c, i).</summary>
    Bool<T> ForallCpuSlot(string clause, Func<Z<T>, Z<T>, Bool<T>> body);
    /// <summary>∀ i ∈ [0, 38): body(i).</summary>
    Bool<T> ForallSlot(string clause, Func<Z<T>, Bool<T>> body);
    /// <summary>∀ c ∈ [0, TOTAL_CPU), ∀ encodings enc: body(c, enc). A finite domain enumerates every encoding present
    /// in either map (valid or not; the maps default to Vundef elsewhere), so it needs both.</summary>
    Bool<T> ForallCpuField(string clause, VmcsMap<T> high, VmcsMap<T> low, Func<Z<T>, Z<T>, Bool<T>> body);
}
