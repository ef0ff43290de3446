using System.Diagnostics;
using VmxLayers.Refinement;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec;

namespace VmxLayers.Tests.Smt;

/// <summary>The emitted .smt2 files are standalone and the z3 executable agrees with the in-process verdicts.</summary>
public class EmittedQueryTests
{
    static string RunZ3(string file)
    {
        using var p = Process.Start(new ProcessStartInfo("z3", [file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output.Trim();
    }

    [SolverTheory("z3", "libz3")]
    [InlineData("vmx_enter_pre", null)]
    [InlineData("vmx_writez", "writez-stores-into-slot-plus1")]
    public void EmittedFilesGiveTheSameVerdictsWithTheZ3Executable(string p, string? m)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vmx-prove-{Guid.NewGuid():N}");
        try
        {
            var r = Prover.Prove(Prims.Statement(Prims.Real.Find(p)!, m), new ProveOptions(EmitDir: dir));
            var solved = r.Obligations.Where(o => o.File is not null).ToList();
            Assert.NotEmpty(solved);
            foreach (var o in solved)
            {
                string text = File.ReadAllText(o.File!);
                Assert.StartsWith($"; primitive: {p}", text);
                Assert.Contains("(set-logic ALL)", text);
                Assert.EndsWith("(check-sat)", text.TrimEnd());
                Assert.Matches($@"{p}__[a-z0-9_]+\.smt2$", o.File!);
                string expected = o.Verdict switch { Verdict.Proved => "unsat", Verdict.Refuted => "sat", _ => "unknown" };
                Assert.Equal(expected, RunZ3(o.File!));
            }
            Assert.Equal(m is null ? Verdict.Proved : Verdict.Refuted, r.Verdict);
            if (m is null) Assert.Equal("sat", RunZ3(r.Vacuity.File!));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
