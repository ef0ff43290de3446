using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using VmxLayers.Cli.Output;
using VmxLayers.Io;
using VmxLayers.Report;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers report RESULT.json… -o FILE.html`: one HTML report from saved --json documents (the same page --report writes).</summary>
public static class ReportCommand
{
    const string Name = "report";

    /// <summary>The largest --json document read (a long simulate's consoles and a full check stay far below it).</summary>
    const long MaxDocumentBytes = 64L << 20;

    static readonly Argument<string[]> results = new("RESULT.json")
    {
        Description = "--json documents of check, prove, replay, simulate or mutants, in the order the report shows them.",
        Arity = ArgumentArity.ZeroOrMore,
    };
    static readonly Option<string?> output = new("--output", "-o") { Description = "The HTML file to write (checked before the documents are read).", HelpName = "FILE.html" };
    static readonly Option<string?> reportDate = ReportFile.DateOption();

    public static Command Create()
    {
        var command = new Command(Name, "Build one self-contained HTML report from saved --json outputs (the same page each command's --report writes). " +
            "Exit 0 when written, 2 on bad input (one line: file, JSON path, what was expected).")
        {
            results, output, reportDate,
        };
        command.SetAction(Run);
        return command;
    }

    static int Run(ParseResult r)
    {
        var files = r.GetValue(results) ?? [];
        if (files.Length == 0) return Errors.Bad(Name, "missing RESULT.json (one or more --json documents; see report --help)");
        if (r.GetValue(output) is not { } file) return Errors.Bad(Name, "missing -o FILE.html (where to write the report)");
        if (ReportFile.Check(file, r.GetValue(reportDate), out var date, dateNeedsReport: false) is { } bad) return Errors.Bad(Name, bad.Replace("--report ", "-o "));
        var docs = new List<JsonObject>();
        foreach (var path in files)
        {
            if (Read(path, date, out var doc) is { } why) return Errors.Bad(Name, why);
            docs.Add(doc);
        }
        if (ReportFile.Write(file, docs, date) is { } error) { Errors.Line(Name, error.Replace("--report ", "-o ")); return ExitCodes.BadInput; }
        Console.WriteLine($"report of {docs.Count} run(s) written to {file}");
        return ExitCodes.Ok;
    }

    /// <summary>Null and the document, or the one-line reason naming the file.</summary>
    static string? Read(string path, DateTimeOffset? date, out JsonObject doc)
    {
        doc = null!;
        try
        {
            var node = JsonNode.Parse(InputFile.ReadText(path, MaxDocumentBytes, "a --json document"));
            if (node is not JsonObject o) return $"{InputFile.Show(path)}: expected a JSON object (a vmxlayers --json document)";
            HtmlReport.Build([o], date);   // the document alone first, so a bad one is named by its file
            doc = o;
            return null;
        }
        catch (InputFileException e) { return e.Message; }
        catch (JsonException e) { return $"{InputFile.Show(path)}: not JSON: {e.Message}"; }
        catch (ReportInputException e) { return $"{InputFile.Show(path)}: {e.Message}"; }
    }
}
