using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Refinement;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers show layout|vmcs|exits|primitives [--json]`: the machine constants of SPEC §2–3.</summary>
public static class ShowCommand
{
    static readonly JsonSerializerOptions indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var show = new Command("show", "Print the machine constants: the VMX save-area layout, the VMCS field encodings, the exit reasons, the primitives.")
        {
            Sub("layout", "The VMX save area: slots with names and byte offsets, VMX_SIZE, the per-CPU stride, TOTAL_CPU, the global environment.", Layout, LayoutJson),
            Sub("vmcs", "Every valid VMCS field encoding (Intel SDM App. B) with its name, width and type.", Vmcs, VmcsJson),
            Sub("exits", "The Intel SDM basic exit reasons.", Exits, ExitsJson),
            Sub("primitives", "The six primitives PVMXIntro adds: kind (C or asm), arity and a one-line summary of the spec.", Primitives, PrimitivesJson),
        };
        return show;
    }

    static Command Sub(string name, string description, Action<IAnsiConsole> table, Func<JsonNode> json)
    {
        var asJson = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var c = new Command(name, description) { asJson };
        c.SetAction(r =>
        {
            if (r.GetValue(asJson)) Console.WriteLine(WithTool(name, json()).ToJsonString(indented));
            else table(Out());
            return 0;
        });
        return c;
    }

    /// <summary>Every JSON document is an object with the tool first: the constants follow (a list under "entries").</summary>
    static JsonObject WithTool(string name, JsonNode doc)
    {
        var o = new JsonObject { ["tool"] = Output.ToolInfo.Json(), ["command"] = $"show {name}" };
        if (doc is JsonObject obj)
            foreach (var (k, v) in obj.ToList()) { obj.Remove(k); o[k] = v; }
        else o["entries"] = doc;
        return o;
    }

    /// <summary>A console on the current Console.Out (so redirected output and tests see the tables), wide when not a terminal.</summary>
    static IAnsiConsole Out()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected) console.Profile.Width = 200;
        return console;
    }

    static Table NewTable(string title, params string[] columns)
    {
        var t = new Table { Title = new TableTitle(title) }.Border(TableBorder.Rounded);
        foreach (var c in columns) t.AddColumn(c);
        return t;
    }

    // ---- layout ----

    static void Layout(IAnsiConsole console)
    {
        console.WriteLine($"VMX_SIZE = {VmxSlots.Size} slots of 4 bytes; VMX_STRIDE = {VmxSlots.Stride} bytes; TOTAL_CPU = {VmxSlots.DefaultTotalCpu} by default (VMX_LOC = {VmxSlots.Stride} × TOTAL_CPU bytes)");
        console.WriteLine($"slot i of CPU c is at VMX_LOC + {VmxSlots.Stride}·c + 4·i; 64-bit fields use the even slot, the odd one is their high word");
        var t = NewTable("VMX save area (one CPU)", "slot", "name", "offset");
        for (int i = 0; i < VmxSlots.Size; i++) t.AddRow(i.ToString(), VmxSlots.Name(i), $"+{4 * i}");
        console.Write(t);
        var g = NewTable("global environment", "block", "symbol", "contents");
        g.AddRow(Genv.VmxEnterBlock.ToString(), "vmx_enter", "code (1 byte, Nonempty)");
        g.AddRow(Genv.VmxExitBlock.ToString(), "vmx_exit", "code (1 byte, Nonempty)");
        g.AddRow(Genv.VmxLocBlock.ToString(), "VMX_LOC", "152 × TOTAL_CPU bytes: Writable on VMCSInit, no permission on PVMXIntro");
        console.Write(g);
        console.WriteLine($"genv_next = {Genv.Next}");
    }

    static JsonNode LayoutJson() => new JsonObject
    {
        ["vmx_size"] = VmxSlots.Size,
        ["stride"] = VmxSlots.Stride,
        ["total_cpu_default"] = VmxSlots.DefaultTotalCpu,
        ["slots"] = new JsonArray([.. Enumerable.Range(0, VmxSlots.Size).Select(i => (JsonNode)new JsonObject { ["slot"] = i, ["name"] = VmxSlots.Name(i), ["offset"] = 4 * i })]),
        ["globals"] = new JsonArray([.. Enum.GetValues<Global>().Select(x => (JsonNode)new JsonObject { ["name"] = x.ToString(), ["block"] = Genv.BlockOf(x) })]),
        ["genv_next"] = Genv.Next,
    };

    // ---- vmcs ----

    /// <summary>SDM Appendix B: bits 14:13 give the width, bits 11:10 the type, bit 0 the high half of a 64-bit field.</summary>
    static string Width(int enc) => ((enc >> 13) & 3) switch { 0 => "16-bit", 1 => (enc & 1) != 0 ? "64-bit (high)" : "64-bit", 2 => "32-bit", _ => "natural" };

    static string Kind(int enc) => ((enc >> 10) & 3) switch { 0 => "control", 1 => "read-only data", 2 => "guest state", _ => "host state" };

    static void Vmcs(IAnsiConsole console)
    {
        var t = NewTable($"VMCS fields ({VmcsFields.Count} valid encodings; any other makes vmcs_readz/vmcs_writez fail)", "encoding", "name", "width", "type");
        foreach (var (enc, name) in VmcsFields.All) t.AddRow($"0x{enc:X4}", name, Width(enc), Kind(enc));
        console.Write(t);
    }

    static JsonNode VmcsJson() => new JsonArray([.. VmcsFields.All.Select(f => (JsonNode)new JsonObject
    {
        ["encoding"] = $"0x{f.Encoding:X4}", ["name"] = f.Name, ["width"] = Width(f.Encoding), ["type"] = Kind(f.Encoding),
    })]);

    // ---- exits ----

    static void Exits(IAnsiConsole console)
    {
        var t = NewTable("basic exit reasons (Intel SDM)", "number", "name");
        foreach (var (n, name) in ExitReasons.All) t.AddRow(n.ToString(), name);
        console.Write(t);
    }

    static JsonNode ExitsJson() => new JsonArray([.. ExitReasons.All.Select(r => (JsonNode)new JsonObject { ["number"] = r.Number, ["name"] = r.Name })]);

    // ---- primitives ----

    static void Primitives(IAnsiConsole console)
    {
        var t = NewTable("PVMXIntro primitives", "primitive", "kind", "args", "summary");
        foreach (var p in VmxLayerPair.Refinement.Primitives.Select(d => d.Primitive))
            t.AddRow(p.Name, p.IsAsm ? "asm" : "C", p.IsAsm ? "regs" : p.Arity.ToString(), Markup.Escape(p.Summary));
        console.Write(t);
    }

    static JsonNode PrimitivesJson() => new JsonArray([.. VmxLayerPair.Refinement.Primitives.Select(d => d.Primitive).Select(p => (JsonNode)new JsonObject
    {
        ["name"] = p.Name, ["kind"] = p.IsAsm ? "asm" : "C", ["arity"] = p.Arity, ["summary"] = p.Summary,
    })]);
}
