using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VmxLayers.Smt.Solvers;

/// <summary>The handful of libz3 C entry points the solver layer needs (Debian ships libz3.so.4).</summary>
static unsafe partial class Z3Native
{
    const string Lib = "libz3.so.4";

    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_config();
    [LibraryImport(Lib)] internal static partial void Z3_del_config(IntPtr cfg);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void Z3_set_param_value(IntPtr cfg, string id, string value);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_context(IntPtr cfg);
    [LibraryImport(Lib)] internal static partial void Z3_del_context(IntPtr ctx);
    [LibraryImport(Lib)] internal static partial void Z3_interrupt(IntPtr ctx);
    [LibraryImport(Lib)] internal static partial void Z3_set_error_handler(IntPtr ctx, delegate* unmanaged[Cdecl]<IntPtr, int, void> handler);
    [LibraryImport(Lib)] internal static partial int Z3_get_error_code(IntPtr ctx);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_get_error_msg(IntPtr ctx, int code);
    [LibraryImport(Lib)] internal static partial void Z3_get_version(out uint major, out uint minor, out uint build, out uint revision);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr Z3_mk_string_symbol(IntPtr ctx, string name);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_params(IntPtr ctx);
    [LibraryImport(Lib)] internal static partial void Z3_params_inc_ref(IntPtr ctx, IntPtr p);
    [LibraryImport(Lib)] internal static partial void Z3_params_dec_ref(IntPtr ctx, IntPtr p);
    [LibraryImport(Lib)] internal static partial void Z3_params_set_bool(IntPtr ctx, IntPtr p, IntPtr key, [MarshalAs(UnmanagedType.U1)] bool value);
    [LibraryImport(Lib)] internal static partial void Z3_params_set_uint(IntPtr ctx, IntPtr p, IntPtr key, uint value);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr Z3_parse_smtlib2_string(IntPtr ctx, string text, uint numSorts, IntPtr sortNames, IntPtr sorts, uint numDecls, IntPtr declNames, IntPtr decls);
    [LibraryImport(Lib)] internal static partial void Z3_ast_vector_inc_ref(IntPtr ctx, IntPtr v);
    [LibraryImport(Lib)] internal static partial void Z3_ast_vector_dec_ref(IntPtr ctx, IntPtr v);
    [LibraryImport(Lib)] internal static partial uint Z3_ast_vector_size(IntPtr ctx, IntPtr v);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_ast_vector_get(IntPtr ctx, IntPtr v, uint i);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_to_app(IntPtr ctx, IntPtr ast);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_get_app_arg(IntPtr ctx, IntPtr app, uint i);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_ast_to_string(IntPtr ctx, IntPtr ast);

    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_solver(IntPtr ctx);
    [LibraryImport(Lib)] internal static partial void Z3_solver_inc_ref(IntPtr ctx, IntPtr s);
    [LibraryImport(Lib)] internal static partial void Z3_solver_dec_ref(IntPtr ctx, IntPtr s);
    [LibraryImport(Lib)] internal static partial void Z3_solver_set_params(IntPtr ctx, IntPtr s, IntPtr p);
    [LibraryImport(Lib)] internal static partial void Z3_solver_assert(IntPtr ctx, IntPtr s, IntPtr a);
    /// <summary>Z3_lbool: -1 unsat, 0 unknown, 1 sat.</summary>
    [LibraryImport(Lib)] internal static partial int Z3_solver_check(IntPtr ctx, IntPtr s);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_solver_get_reason_unknown(IntPtr ctx, IntPtr s);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_solver_get_model(IntPtr ctx, IntPtr s);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_solver_get_statistics(IntPtr ctx, IntPtr s);

    [LibraryImport(Lib)] internal static partial void Z3_model_inc_ref(IntPtr ctx, IntPtr m);
    [LibraryImport(Lib)] internal static partial void Z3_model_dec_ref(IntPtr ctx, IntPtr m);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool Z3_model_eval(IntPtr ctx, IntPtr m, IntPtr t, [MarshalAs(UnmanagedType.U1)] bool completion, out IntPtr value);

    [LibraryImport(Lib)] internal static partial void Z3_stats_inc_ref(IntPtr ctx, IntPtr st);
    [LibraryImport(Lib)] internal static partial void Z3_stats_dec_ref(IntPtr ctx, IntPtr st);
    [LibraryImport(Lib)] internal static partial uint Z3_stats_size(IntPtr ctx, IntPtr st);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_stats_get_key(IntPtr ctx, IntPtr st, uint i);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool Z3_stats_is_uint(IntPtr ctx, IntPtr st, uint i);
    [LibraryImport(Lib)] internal static partial uint Z3_stats_get_uint_value(IntPtr ctx, IntPtr st, uint i);

    /// <summary>Does nothing: the default handler aborts the process; the caller reads the error code instead.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void IgnoreError(IntPtr ctx, int code) { }

    internal static delegate* unmanaged[Cdecl]<IntPtr, int, void> IgnoreErrorHandler => &IgnoreError;

    internal static string Text(IntPtr p) => p == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(p) ?? "";
}
