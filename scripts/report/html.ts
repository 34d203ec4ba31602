/**
 * report.html: one self-contained file that opens anywhere without a network. uPlot
 * (a small, well-kept canvas charting library, ~50 kB minified) and its stylesheet are
 * inlined from node_modules; the chart data is an inline JSON block; a short generic
 * script turns each ChartSpec into a uPlot chart. Nothing is fetched.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ChartSpec } from './charts.js';
import { type CardContent, esc, modelCardHtml } from './model-card.js';

const require = createRequire(import.meta.url);

/** uPlot's browser build and stylesheet, read once per process. */
let uplotAssets: { script: string; style: string } | undefined;
function uplot(): { script: string; style: string } {
  uplotAssets ??= {
    script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    style: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplotAssets;
}

export interface ReportContent extends CardContent {
  charts: ChartSpec[];
}

export function reportHtml(content: ReportContent): string {
  const { script, style } = uplot();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(content.card.name)} ${esc(content.card.version)} — model report</title>
<style>${style}</style>
<style>${PAGE_STYLE}</style>
</head>
<body>
${modelCardHtml(content)}
<section>
<h2>Charts</h2>
<div id="charts"></div>
</section>
<script type="application/json" id="chart-data">${scriptSafeJson(content.charts)}</script>
<script>${script}</script>
<script>${DRAW_SCRIPT}</script>
</body>
</html>
`;
}

/** JSON that cannot end its <script> element early: `<` is escaped, and non-finite numbers become null (uPlot's gap). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)).replace(/</g, '\\u003c');
}

const PAGE_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1180px; padding: 0 1em; color: #222; }
h1 small { color: #777; font-weight: normal; font-size: 60%; }
.meta, .note { color: #555; font-size: 90%; }
.card { background: #f7f7f9; border: 1px solid #ddd; border-radius: 6px; padding: 0.5em 1.2em 1em; }
table.metrics { border-collapse: collapse; margin: 0.5em 0; }
table.metrics th, table.metrics td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; vertical-align: top; }
table.metrics th:first-child { text-align: left; }
.verdicts li { font-weight: 600; }
.verdict-yes { color: #1a7f37; } .verdict-no { color: #b42318; } .verdict-unclear { color: #9a6700; }
#charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 1.5em; }
figure { margin: 0; } figcaption b { display: block; } figcaption { margin-bottom: 0.4em; font-size: 90%; color: #444; }
`;

/**
 * Runs in the page: one uPlot per ChartSpec. Sets data-rendered on each chart element
 * once drawn, and records a failure on the element instead of stopping the others.
 */
const DRAW_SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  var root = document.getElementById('charts');
  specs.forEach(function (spec) {
    var figure = document.createElement('figure');
    var caption = document.createElement('figcaption');
    var title = document.createElement('b');
    title.textContent = spec.title;
    caption.appendChild(title);
    caption.appendChild(document.createTextNode(spec.note));
    figure.appendChild(caption);
    var el = document.createElement('div');
    el.className = 'chart';
    el.setAttribute('data-chart', spec.id);
    figure.appendChild(el);
    root.appendChild(figure);
    var bars = spec.series.filter(function (s) { return s.style === 'bars'; }).length;
    var barIndex = 0;
    var series = [{ label: spec.xLabel }].concat(spec.series.map(function (s) {
      var out = { label: s.label, stroke: s.color, width: 2, dash: s.dashed ? [6, 4] : undefined, points: { show: s.style === 'line' } };
      if (s.style === 'points') {
        out.paths = function () { return null; };
        out.points = { show: true, size: 4, width: 0, fill: s.color, stroke: s.color };
      } else if (s.style === 'bars') {
        // Side by side: the first bar series left of each tick, the second right (align -1 draws a bar left of its x).
        out.paths = uPlot.paths.bars({ size: [0.8 / bars, 60], align: bars === 1 ? 0 : (barIndex++ === 0 ? -1 : 1) });
        out.fill = s.color;
        out.points = { show: false };
      }
      return out;
    }));
    var opts = {
      width: 560,
      height: 320,
      scales: {
        x: { time: false, distr: spec.xLog ? 3 : 1, range: spec.series.some(function (s) { return s.style === 'bars'; }) ? function (u, min, max) { return [min - 0.5, max + 0.5]; } : undefined },
        y: { distr: spec.yLog ? 3 : 1 }
      },
      axes: [{ label: spec.xLabel }, { label: spec.yLabel, size: 70 }],
      series: series,
      legend: { live: false }
    };
    try {
      new uPlot(opts, [spec.x].concat(spec.series.map(function (s) { return s.values; })), el);
      el.setAttribute('data-rendered', 'true');
    } catch (error) {
      el.setAttribute('data-error', String(error));
      console.error('chart ' + spec.id + ': ' + error);
    }
  });
})();
`;
