namespace VmxLayers.Report.Html;

/// <summary>The report's one style sheet, inlined into the page. Every highlight also has a text mark, so a printout without colour still shows it.</summary>
static class Style
{
    public const string Css = """
        :root { --pass: #17692f; --fail: #a3001b; --warn: #8a4b00; --muted: #5c5c5c; --line: #c8c8c8; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 "DejaVu Sans", "Segoe UI", system-ui, sans-serif; color: #111; margin: 0 auto; max-width: 1280px; padding: 1rem 1.5rem 3rem; }
        h1 { font-size: 1.6rem; margin: .2rem 0; }
        h2 { font-size: 1.35rem; margin: 2rem 0 .4rem; border-bottom: 2px solid #333; padding-bottom: .2rem; }
        h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
        h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
        table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: 13px; }
        th, td { border: 1px solid var(--line); padding: 2px 7px; text-align: left; vertical-align: top; }
        thead th, tr.group th { background: #eef0f3; }
        tr.group th { text-align: left; font-style: italic; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.meta th { width: 9rem; background: #f6f7f9; font-weight: normal; color: var(--muted); }
        code, pre, td.val { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
        pre { background: #f6f7f9; border: 1px solid var(--line); padding: .5rem .7rem; overflow-x: auto; white-space: pre-wrap; margin: .3rem 0 .8rem; }
        .verdict { font-weight: bold; }
        .badge { display: inline-block; font-weight: bold; padding: 0 .45rem; border-radius: 3px; border: 1px solid currentColor; }
        .pass { color: var(--pass); } .fail { color: var(--fail); } .inconclusive, .interrupted { color: var(--warn); }
        p.verdict-line { font-size: 1.1rem; margin: .3rem 0 .6rem; }
        .muted { color: var(--muted); }
        nav ul { margin: .3rem 0; padding-left: 1.2rem; }
        table.state td.val { white-space: nowrap; }
        table.state caption { text-align: left; font-weight: bold; padding: .2rem 0; }
        p.note { margin: 0 0 1rem; font-size: 12px; }
        table.state td.mark { width: 1.6rem; text-align: center; font-weight: bold; }
        tr.differs td { background: #ffe28a; font-weight: bold; }
        tr.differs td.mark { color: var(--fail); }
        td.clause { color: var(--fail); }
        article.counterexample { border: 1px solid var(--line); border-left: 5px solid var(--fail); padding: .2rem 1rem .6rem; margin: 1rem 0; }
        .states { display: flex; flex-wrap: wrap; gap: 0 1.5rem; align-items: flex-start; }
        table.kill span.desc { color: var(--muted); font-size: 12px; }
        table.kill td.cell { text-align: center; white-space: nowrap; }
        td.killed { background: #dff1e4; } td.survived { background: #fbd9de; font-weight: bold; } td.equivalent { background: #ececec; }
        td.killed-equivalent { background: #fbd9de; font-weight: bold; } td.not-run { color: var(--muted); }
        figure { margin: .5rem 0 1rem; display: inline-block; vertical-align: top; }
        figure svg { max-width: 100%; height: auto; border: 1px solid #e2e2e2; }
        figcaption { font-size: 12px; color: var(--muted); }
        details { margin: .3rem 0; }
        details > summary { cursor: pointer; }
        footer { margin-top: 2rem; color: var(--muted); font-size: 12px; }
        @media print {
          body { max-width: none; padding: 0; font-size: 11px; }
          details::details-content { content-visibility: visible; display: contents; }
          details > summary { list-style: none; font-weight: bold; }
          section.doc + section.doc { break-before: page; }
          tr.differs td { background: none; border-top: 2px solid #000; border-bottom: 2px solid #000; }
          figure, table, article { break-inside: avoid-page; }
        }
        """;
}
