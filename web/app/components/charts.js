// Hand-drawn SVG charts for runs and issue statuses; each has a table alternative for
// screen readers and for anyone who wants the numbers.
import { html, useState } from "../preact.js";
import { ISSUE_STATUSES, statusLabel } from "../format.js";

/** runsByDay buckets runs into the last 14 UTC days (succeeded / failed / other). */
export function runsByDay(runs, days = 14) {
  const out = [];
  const today = new Date();
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i));
    out.push({ date: d.toISOString().slice(0, 10), succeeded: 0, failed: 0, other: 0 });
  }
  const idx = Object.fromEntries(out.map((d, i) => [d.date, i]));
  for (const r of runs || []) {
    const i = idx[(r.createdAt || "").slice(0, 10)];
    if (i === undefined) continue;
    if (r.status === "succeeded") out[i].succeeded++;
    else if (r.status === "failed" || r.status === "timed_out") out[i].failed++;
    else out[i].other++;
  }
  return out;
}

const COLORS = { succeeded: "var(--green)", failed: "var(--red)", other: "var(--text-3)" };

function ChartTable({ caption, cols, rows }) {
  return html`<table class="table small"><caption class="sr-only">${caption}</caption>
    <thead><tr>${cols.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr>${r.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody></table>`;
}

/** RunChart draws stacked daily bars (succeeded / failed / other) with a table toggle. */
export function RunChart({ days, label = "Run activity" }) {
  const [table, setTable] = useState(false);
  const max = Math.max(1, ...days.map((d) => d.succeeded + d.failed + (d.other || 0) + (d.recovered || 0)));
  const w = 14 * 20, h = 90, bw = 12;
  if (table) {
    return html`<div><${ChartTable} caption=${label} cols=${["Day", "Succeeded", "Failed", "Other"]} rows=${days.map((d) => [d.date.slice(5), d.succeeded + (d.recovered || 0), d.failed, d.other || 0])} />
      <button class="btn ghost sm" onClick=${() => setTable(false)}>Show chart</button></div>`;
  }
  return html`<div>
    <svg viewBox=${`0 0 ${w} ${h}`} width="100%" height="104" role="img" aria-label=${label + " over the last 14 days"} preserveAspectRatio="none">
      ${days.map((d, i) => {
        let y = h;
        const parts = [["succeeded", d.succeeded + (d.recovered || 0)], ["failed", d.failed], ["other", d.other || 0]];
        return html`<g>${parts.map(([k, v]) => { const bh = (v / max) * h; y -= bh; return v ? html`<rect x=${i * 20 + 4} y=${y} width=${bw} height=${bh} rx="1.5" fill=${COLORS[k]} />` : null; })}
          <rect x=${i * 20 + 4} y=${h - 1} width=${bw} height="1" fill="var(--border)" /></g>`;
      })}
    </svg>
    ${/* Axis labels are HTML: text inside a preserveAspectRatio="none" SVG stretches with the card. */ ""}
    <div class="chart-axis" aria-hidden="true"><span>${days[0] && days[0].date.slice(5)}</span><span>${days.length ? days[days.length - 1].date.slice(5) : ""}</span></div>
    <div class="chart-legend"><span><span class="dot green" />Succeeded</span><span><span class="dot red" />Failed</span><span><span class="dot gray" />Other</span>
      <button class="btn ghost sm right" onClick=${() => setTable(true)}>Table</button></div>
  </div>`;
}

export function SuccessChart({ days }) {
  const [table, setTable] = useState(false);
  const rate = days.map((d) => { const fin = d.succeeded + d.failed + (d.recovered || 0); return fin ? Math.round(((d.succeeded + (d.recovered || 0)) / fin) * 100) : null; });
  if (table) return html`<div><${ChartTable} caption="Success rate" cols=${["Day", "Success"]} rows=${days.map((d, i) => [d.date.slice(5), rate[i] == null ? "—" : rate[i] + "%"])} />
    <button class="btn ghost sm" onClick=${() => setTable(false)}>Show chart</button></div>`;
  const h = 90;
  return html`<div><svg viewBox=${`0 0 280 ${h + 16}`} width="100%" height="120" role="img" aria-label="Success rate over the last 14 days" preserveAspectRatio="none">
      ${rate.map((r, i) => (r == null ? html`<rect x=${i * 20 + 4} y=${h - 1} width="12" height="1" fill="var(--border)" />` : html`<rect x=${i * 20 + 4} y=${h - (r / 100) * h} width="12" height=${(r / 100) * h} rx="1.5" fill="var(--green)" />`))}
    </svg><div class="chart-legend"><span>${rate.filter((r) => r != null).length ? `${rate.filter((r) => r != null).slice(-1)[0]}% latest day` : "No finished runs"}</span>
      <button class="btn ghost sm right" onClick=${() => setTable(true)}>Table</button></div></div>`;
}

export function StatusBar({ counts }) {
  const total = ISSUE_STATUSES.reduce((a, s) => a + (counts[s] || 0), 0);
  const color = { backlog: "var(--text-3)", todo: "var(--text-2)", in_progress: "var(--amber)", in_review: "var(--violet)", blocked: "var(--red)", done: "var(--green)", cancelled: "var(--border-strong)" };
  return html`<div>
    <div style="display:flex;height:14px;border-radius:4px;overflow:hidden;background:var(--bg-active);margin:18px 0 12px" role="img" aria-label="Issues by status">
      ${ISSUE_STATUSES.map((s) => (counts[s] ? html`<span title=${statusLabel(s) + ": " + counts[s]} style=${`width:${(counts[s] / total) * 100}%;background:${color[s]}`} />` : null))}</div>
    <ul class="chart-legend" style="list-style:none;padding:0">${ISSUE_STATUSES.filter((s) => counts[s]).map((s) => html`<li><span class="dot" style=${"background:" + color[s]} />${statusLabel(s)} ${counts[s]}</li>`)}
      ${total ? null : html`<li>No issues</li>`}</ul></div>`;
}

