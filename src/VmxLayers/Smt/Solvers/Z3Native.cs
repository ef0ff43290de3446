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
    [LibraryImport(Lib)] internal static partial void Z3_set_error_handler(IntPtr ctx, delegate* unmanaged[Cdecl]<IntPtr, int, void> handler);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr Z3_eval_smtlib2_string(IntPtr ctx, string script);
    [LibraryImport(Lib)] internal static partial int Z3_get_error_code(IntPtr ctx);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_get_error_msg(IntPtr ctx, int code);
    [LibraryImport(Lib)] internal static partial void Z3_get_version(out uint major, out uint minor, out uint build, out uint revision);

    /// <summary>Does nothing: the default handler aborts the process; the caller reads the error code instead.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void IgnoreError(IntPtr ctx, int code) { }

    internal static delegate* unmanaged[Cdecl]<IntPtr, int, void> IgnoreErrorHandler => &IgnoreError;

    internal static string Text(IntPtr p) => p == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(p) ?? "";
}
