namespace VmxLayers.Tests.Report;

/// <summary>
/// A test page that shows several reports in frames, one under the other (what the screenshot shows), and, once
/// everything loaded, writes what the browser rendered of each into &lt;pre id="probe"&gt; as JSON: the sections,
/// verdict, table rows, every failing state row with its printed mark and computed background, the plots' rendered
/// sizes, any resource the page fetched. The reports themselves carry no script.
/// </summary>
public static class Harness
{
    public const int Width = 1280, FrameHeight = 1100;

    public static string Page(IEnumerable<string> frames) => $$"""
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><style>body { margin: 0 } iframe { display: block; width: {{Width}}px; height: {{FrameHeight}}px; border: 0; border-bottom: 6px solid #444 }</style></head>
        <body>
        {{string.Join("\n", frames.Select(f => $"<iframe src=\"{f}\"></iframe>"))}}
        <pre id="probe"></pre>
        <script>
        {{Script}}
        </script>
        </body></html>
        """;

    const string Script = """
        function probe(f) {
          const d = f.contentDocument, w = f.contentWindow;
          const text = el => el ? el.innerText.trim() : null;
          const style = el => w.getComputedStyle(el);
          const count = sel => d.querySelectorAll(sel).length;
          const differs = [...d.querySelectorAll('table.state tr.differs')].map(tr => {
            const table = tr.closest('table');
            const normal = table.querySelector('tbody tr:not(.differs):not(.group)');
            const article = tr.closest('article');
            return { cpu: tr.dataset.cpu, entry: tr.dataset.entry, tableCpu: table.dataset.cpu, caption: text(table.querySelector('caption')),
              article: article ? article.id : null, articleCpu: article ? article.dataset.cpu : null,
              mark: text(tr.querySelector('td.mark')), clause: text(tr.querySelector('td.clause')),
              background: style(tr.cells[1]).backgroundColor, normalBackground: normal ? style(normal.cells[1]).backgroundColor : null,
              fontWeight: style(tr.cells[1]).fontWeight, height: tr.getBoundingClientRect().height };
          });
          return { src: f.getAttribute('src'), title: d.title, sections: [...d.querySelectorAll('section.doc')].map(s => s.dataset.command),
            verdict: text(d.querySelector('p.verdict-line')), results: count('table.results tbody tr'), lemmas: count('table.lemmas tbody tr'),
            steps: count('table.steps tbody tr'), failingSteps: count('table.steps tr.differs'), kill: count('table.kill tbody tr'),
            killed: count('table.kill td.killed'), survived: count('table.kill td.survived'), equivalent: count('table.kill td.equivalent'),
            consoles: [...d.querySelectorAll('pre.console')].map(text), differs,
            plots: [...d.querySelectorAll('figure svg')].map(s => { const r = s.getBoundingClientRect(); return { width: r.width, height: r.height, shapes: s.querySelectorAll('rect, path, polyline, line, text').length }; }),
            fetched: w.performance.getEntriesByType('resource').map(e => e.name), scripts: count('script') };
        }
        window.addEventListener('load', () => {
          let out;
          try { out = JSON.stringify([...document.querySelectorAll('iframe')].map(probe)); }
          catch (e) { out = JSON.stringify({ error: String(e) }); }
          document.getElementById('probe').textContent = out;
        });
        """;
}
