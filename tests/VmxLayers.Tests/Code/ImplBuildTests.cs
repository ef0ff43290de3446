using VmxLayers.Code;
using VmxLayers.Code.Elf;

namespace VmxLayers.Tests.Code;

/// <summary>A fact that runs only when the installed gcc and ld are the ones recorded in impl/GCC_VERSION.</summary>
public sealed class ImplRebuildFactAttribute : FactAttribute
{
    public ImplRebuildFactAttribute()
    {
        if (!Gcc.IsAvailable(out var why)) { Skip = $"gcc -m32 unavailable (install gcc-multilib): {why}"; return; }
        var recorded = File.ReadAllLines(ImplFiles.In("GCC_VERSION"));
        string gcc = FirstLine(Gcc.Run("gcc", ["--version"], ImplFiles.Dir)), ld = FirstLine(Gcc.Run("ld", ["--version"], ImplFiles.Dir));
        if (recorded.Length < 2 || recorded[0] != gcc || recorded[1] != ld)
            Skip = $"the checked-in objects were built with '{string.Join(" / ", recorded)}', this machine has '{gcc} / {ld}'";
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}

public class ImplBuildTests
{
    [ImplRebuildFact]
    public void RebuildingGivesTheCheckedInObjects()
    {
        var outDir = Directory.CreateTempSubdirectory("vmxlayers-impl-");
        try
        {
            Gcc.Run("bash", [ImplFiles.In("build.sh"), outDir.FullName], ImplFiles.Dir);
            string[] objects = ["vmx.o", .. ImplFiles.MutantNames.Select(n => $"mutants/{n}.o")];
            foreach (var o in objects)
                Assert.Equal(Sections(File.ReadAllBytes(ImplFiles.In(o))), Sections(File.ReadAllBytes(Path.Combine(outDir.FullName, o))));
        }
        finally { outDir.Delete(recursive: true); }
    }

    /// <summary>Every section but .comment (the compiler's version string), as "name: hex".</summary>
    static List<string> Sections(byte[] elf) =>
        [.. RawSection.All(elf).Where(s => s.Name != ".comment").Select(s => $"{s.Name}: {Convert.ToHexString(s.Content(elf))}")];

    [Fact]
    public void EveryMutantHasADescriptionAOneFileChangeAndItsOwnCode()
    {
        var original = File.ReadAllBytes(ImplFiles.In("vmx.o"));
        Assert.True(ImplFiles.MutantNames.Count >= 15, $"{ImplFiles.MutantNames.Count} mutants");
        foreach (var name in ImplFiles.MutantNames)
        {
            string dir = ImplFiles.In($"mutants/{name}");
            var description = File.ReadAllLines(Path.Combine(dir, "DESCRIPTION"));
            Assert.True(description is [{ Length: > 10 }], $"{name}: DESCRIPTION must be one line");
            var sources = new[] { "vmx.c", "vmx_asm.S" }.Where(f => File.Exists(Path.Combine(dir, f))).ToList();
            Assert.True(sources.Count == 1, $"{name}: exactly one mutated source, found {sources.Count}");
            // a copied source that drifted from the original would mutate more than it says
            int changed = ChangedLines(File.ReadAllLines(ImplFiles.In(sources[0])), File.ReadAllLines(Path.Combine(dir, sources[0])));
            Assert.True(changed is >= 1 and <= 20, $"{name}: {changed} lines differ from impl/{sources[0]}");
            var mutant = File.ReadAllBytes(ImplFiles.In($"mutants/{name}.o"));
            Assert.NotEqual(Code(original), Code(mutant));
        }
    }

    /// <summary>.text and .rel.text: a mutant whose source change compiled to nothing would be no mutant.</summary>
    static string Code(byte[] elf) => string.Join('|', new[] { ".text", ".rel.text" }.Select(n => Convert.ToHexString(RawSection.Named(elf, n).Content(elf))));

    /// <summary>Lines deleted plus lines inserted (through the longest common subsequence).</summary>
    static int ChangedLines(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
            for (int j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        return a.Length + b.Length - 2 * lcs[0, 0];
    }

    [Fact]
    public void TheEmbeddedObjectsAreTheCheckedInOnes()
    {
        Assert.Equal(ImplFiles.MutantNames, ImplObjects.Mutants.Select(m => m.Name));
        Assert.Equal(Image(ImplFiles.In("vmx.o")), Describe(ImplObjects.Default));
        foreach (var m in ImplObjects.Mutants)
        {
            Assert.Equal(Image(ImplFiles.In($"mutants/{m.Name}.o")), Describe(m.Object));
            Assert.Equal(File.ReadAllText(ImplFiles.In($"mutants/{m.Name}/DESCRIPTION")).Trim(), m.Description);
            Assert.Equal(File.Exists(ImplFiles.In($"mutants/{m.Name}/EQUIVALENT")), m.EquivalentBecause is not null);
        }
        Assert.True(ImplObjects.Mutants.Count(m => m.EquivalentBecause is null) >= 12);
    }

    static string Image(string path) => Describe(ElfObjectReader.ReadFile(path));

    static string Describe(ObjectImage o) =>
        string.Join('\n', o.Sections.Select(s => $"{s.Name} {s.Size} {Convert.ToHexString(s.Bytes.AsSpan())}")
            .Concat(o.Symbols.Select(s => $"{s.Name} {s.Kind} {s.Section} {s.Value}"))
            .Concat(o.Relocations.Select(r => $"{r.Section}+{r.Offset} {r.Type} {r.Symbol.Name} {r.Addend}")));
}
