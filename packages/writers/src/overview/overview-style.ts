/** The page's whole style sheet (inline: the page loads nothing from the network). @internal */
export const OVERVIEW_CSS = `
:root { color-scheme: light; --ink: #1d2327; --muted: #5f6b73; --line: #d9dee2; --warn: #a15c00; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f4f6f7; }
header { padding: 16px 24px 8px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 8px; }
h1 small { color: var(--muted); font-weight: normal; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 12px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.panels { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; }
th, td { padding: 2px 8px; text-align: left; border-bottom: 1px solid var(--line); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; border: 1px solid rgba(0,0,0,.25); }
.controls { padding: 8px 24px; display: flex; gap: 16px; align-items: center; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
body > input.toggle { position: absolute; opacity: 0; pointer-events: none; }
.controls label { cursor: pointer; user-select: none; }
.controls label::before { content: "\\2610  "; }
#show-masks:checked ~ .controls label[for=show-masks]::before, #only-flagged:checked ~ .controls label[for=only-flagged]::before, #dim-slides:checked ~ .controls label[for=dim-slides]::before { content: "\\2611  "; }
#dim-slides:checked ~ main img.thumb { filter: saturate(.35) brightness(1.08); }
#show-masks:not(:checked) ~ main .overlay { visibility: hidden; }
#only-flagged:checked ~ main .card:not(.flagged) { display: none; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 16px; padding: 16px 24px 32px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; min-width: 0; }
.card.flagged { border-color: #e0b36b; }
.card h2 { font-size: 14px; margin: 0 0 6px; overflow-wrap: anywhere; }
.card h2 .id { color: var(--muted); font-weight: normal; }
.slide { position: relative; width: 100%; background: #333 repeating-conic-gradient(#3a3a3a 0 25%, #2e2e2e 0 50%) 0 0 / 16px 16px; border-radius: 3px; overflow: hidden; }
.slide img { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
.slide img.overlay { image-rendering: pixelated; }
.meta { color: var(--muted); font-size: 12px; margin: 6px 0; }
.badge { display: inline-block; padding: 1px 6px; border-radius: 9px; font-size: 12px; background: #fdf0d5; color: var(--warn); margin: 2px 4px 2px 0; }
.badge.bad { background: #fbe4e2; color: var(--bad); }
.card table { width: 100%; font-size: 12px; margin: 4px 0; }
details { font-size: 12px; margin: 4px 0; }
details ul { margin: 4px 0; padding-left: 18px; }
.links { font-size: 12px; margin: 6px 0 0; }
.links a { margin-right: 10px; }
.note { font-size: 12px; color: var(--warn); margin: 4px 0; }
footer { color: var(--muted); font-size: 12px; padding: 0 24px 24px; }
`;
