using System.Runtime.InteropServices;

namespace VmxLayers.Cli.Output;

/// <summary>
/// Ctrl-C (SIGINT) for one run of the tool, handled in one place: the first one cancels <see cref="Token"/> — every
/// long command passes it down (solver queries are interrupted, checkers stop), prints what finished and exits 130;
/// a second one lets the runtime end the process at once. Before the tool is up, the runtime's default action
/// (exit 130) applies.
/// </summary>
public sealed class Interrupts : IDisposable
{
    static Interrupts? current;
    readonly CancellationTokenSource source = new();
    readonly PosixSignalRegistration registration;

    Interrupts() => registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);

    /// <summary>Cancelled by the first Ctrl-C of the current run (never cancelled outside a run).</summary>
    public static CancellationToken Token => current?.source.Token ?? CancellationToken.None;

    public static bool Requested => Token.IsCancellationRequested;

    /// <summary>Handles SIGINT until disposed.</summary>
    public static Interrupts Listen() => current = new Interrupts();

    void OnInterrupt(PosixSignalContext context)
    {
        if (source.IsCancellationRequested)
        {
            // the second Ctrl-C: the default action ends the process; give a terminal its cursor back first
            if (!Console.IsOutputRedirected) Console.Out.Write("\u001b[?25h");
            return;
        }
        context.Cancel = true;
        source.Cancel();
    }

    public void Dispose()
    {
        registration.Dispose();
        if (current == this) current = null;
        source.Dispose();
    }
}
