namespace VmxLayers.Spec;

// The sorts of the spec language. A domain has one raw term type T (a concrete value or an SMT node); these
// wrappers give each sort its own C# type, so a spec that mixes sorts — a mathematical integer where a 32-bit one
// is due (a forgotten Int.repr), a value where a proposition is due — does not compile. They cost nothing at run
// time: one field, and the JIT specializes every generic spec over them. Only a domain unwraps them.

/// <summary>A proposition (Coq's bool/Prop) of a domain whose raw terms are T.</summary>
public readonly struct Bool<T>(T raw) { public readonly T Raw = raw; public override string ToString() => Raw?.ToString() ?? ""; }

/// <summary>A mathematical integer (Coq's Z).</summary>
public readonly struct Z<T>(T raw) { public readonly T Raw = raw; public override string ToString() => Raw?.ToString() ?? ""; }

/// <summary>A 32-bit machine integer (CompCert's Int.int): only <c>Repr</c> makes one from a Z.</summary>
public readonly struct Int<T>(T raw) { public readonly T Raw = raw; public override string ToString() => Raw?.ToString() ?? ""; }

/// <summary>A CompCert value (Vundef, Vint, Vlong, Vfloat, Vptr).</summary>
public readonly struct Val<T>(T raw) { public readonly T Raw = raw; public override string ToString() => Raw?.ToString() ?? ""; }

/// <summary>A memory state.</summary>
public readonly struct Mem<T>(T raw) { public readonly T Raw = raw; public override string ToString() => Raw?.ToString() ?? ""; }

/// <summary>An IA-32 register set (CompCert's regset).</summary>
public readonly struct Regs<T>(T raw) { public readonly T Raw = raw; public override string ToString() => Raw?.ToString() ?? ""; }

/// <summary>The abstract per-CPU VMX save areas (AbsData's Vmx: CPU → slot → Val).</summary>
public readonly struct VmxMap<T>(T raw) { public readonly T Raw = raw; public override string ToString() => Raw?.ToString() ?? ""; }

/// <summary>The per-CPU VMCS (AbsData's Vmcs: CPU → VMCSValid(revid, abrtid, fields)).</summary>
public readonly struct VmcsMap<T>(T raw) { public readonly T Raw = raw; public override string ToString() => Raw?.ToString() ?? ""; }
