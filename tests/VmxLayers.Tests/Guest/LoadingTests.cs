using System.Buffers.Binary;
using VmxLayers.Guest;

namespace VmxLayers.Tests.Guest;

/// <summary>Guest images: ELF32 executables (PT_LOAD segments, e_entry) besides flat binaries, and the guest memory size.</summary>
public class LoadingTests
{
    /// <summary>An ELF32 i386 ET_EXEC with the given PT_LOAD segments (address, bytes, memsz) and entry point.</summary>
    internal static byte[] Elf(uint entry, params (uint Address, byte[] Bytes, uint MemSize)[] segments)
    {
        int phoff = 52, data = phoff + 32 * segments.Length;
        var file = new byte[data + segments.Sum(s => s.Bytes.Length)];
        "\u007fELF"u8.ToArray().CopyTo(file, 0);
        file[4] = 1; file[5] = 1; file[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(16), 2);        // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(18), 3);        // EM_386
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24), entry);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(28), (uint)phoff);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(40), 52);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(42), 32);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(44), (ushort)segments.Length);
        int offset = data;
        for (int k = 0; k < segments.Length; k++)
        {
            var ph = file.AsSpan(phoff + 32 * k);
            BinaryPrimitives.WriteUInt32LittleEndian(ph, 1);                 // PT_LOAD
            BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], (uint)offset);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[8..], segments[k].Address);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[12..], segments[k].Address);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[16..], (uint)segments[k].Bytes.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[20..], segments[k].MemSize);
            segments[k].Bytes.CopyTo(file, offset);
            offset += segments[k].Bytes.Length;
        }
        return file;
    }

    static string Write(byte[] bytes, string name = "g.elf")
    {
        var dir = Directory.CreateTempSubdirectory("guest-elf");
        string path = Path.Combine(dir.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // 0x2000: mov eax,[0x3000]; add eax,[0x3008]; mov edx,0x3F8; out dx,al; hlt
    static readonly byte[] Code = Convert.FromHexString("A100300000" + "030508300000" + "BAF8030000" + "EE" + "F4");

    [Fact]
    public void AnElfExecutableLoadsItsSegmentsAndStartsAtItsEntry()
    {
        var path = Write(Elf(0x2000, (0x2000, Code, (uint)Code.Length), (0x3000, [0x40, 0, 0, 0], 16)));
        var p = GuestLibrary.LoadFile(path);
        Assert.Equal(("g", 0x2000u, 2), (p.Name, p.Entry, p.Segments.Count));
        var cpu = GuestCpu.Load(p);
        Assert.Equal(0x2000u, cpu.Eip);
        var e = Interpreter.RunUntilExit(cpu);
        Assert.Equal(30, e.Reason);
        Assert.Equal((uint)'@', cpu[GuestReg.EAX]);   // 0x40 + the zero-filled p_memsz tail
        Assert.Equal(0x10000u, cpu[GuestReg.ESP]);
    }

    [Fact]
    public void BadElfFilesAreRefusedNamingTheProblem()
    {
        var good = Elf(0x2000, (0x2000, Code, (uint)Code.Length));
        var wrongMachine = (byte[])good.Clone();
        wrongMachine[18] = 62;   // EM_X86_64
        Assert.Contains("e_machine 62, expected EM_386", Assert.Throws<GuestLoadException>(() => GuestLibrary.LoadFile(Write(wrongMachine))).Message);
        var class64 = (byte[])good.Clone();
        class64[4] = 2;
        Assert.Contains("not ELFCLASS32", Assert.Throws<GuestLoadException>(() => GuestLibrary.LoadFile(Write(class64))).Message);
        var big = Elf(0x2000, (0xF000, Code, 0x2000));
        Assert.Contains("does not fit in 65536 bytes", Assert.Throws<GuestLoadException>(() => GuestLibrary.LoadFile(Write(big))).Message);
        Assert.Equal(0x11000u, GuestLibrary.LoadFile(Write(big), memorySize: 0x20000).Segments[0].Address + 0x2000);
        var truncated = good[..60];
        Assert.Contains("program headers outside the file", Assert.Throws<GuestLoadException>(() => GuestLibrary.LoadFile(Write(truncated))).Message);
    }

    [Fact]
    public void GuestMemorySizeSetsTheStackTopAndBoundsAccesses()
    {
        var p = GuestLibrary.Resolve("hello", 0x40000);
        var cpu = GuestCpu.Load(p);
        Assert.Equal((0x40000u, 0x40000), (cpu[GuestReg.ESP], cpu.Memory.Length));
        // mov eax, [0x3FFFC] works in 256 KiB and faults in 64 KiB
        var code = Convert.FromHexString("A1FCFF0300F4");
        var big = new GuestProgram("m", code, 0x1000, 0x1000, "") { MemorySize = 0x40000 };
        Assert.Equal(12, Interpreter.RunUntilExit(GuestCpu.Load(big)).Reason);
        var f = Assert.Throws<GuestFault>(() => Interpreter.RunUntilExit(GuestCpu.Load(big with { MemorySize = 0x10000 })));
        Assert.Contains("4-byte memory access at 0x0003FFFC outside guest memory [0, 0x10000)", f.Message);
        Assert.Throws<GuestLoadException>(() => GuestLibrary.Resolve("sha256-O0", 4096));
    }
}
